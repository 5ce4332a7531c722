/**
 * T7, the ticket prediction service (SPEC §3): one call, one attempt, failures classified for
 * Temporal. Its answers only enrich triage notes, so callers treat failures as "no prediction".
 */
import type { Config } from '../../config';
import { ExternalCallError } from '../errors';
import { HttpClient, snippet } from '../http';
import type { PredictionResult } from './types';
import { suggestionsResponse } from './wire';

export interface T7ClientOptions {
  timeoutMs?: number;
  clientName?: string;
  clientVersion?: string;
  onCall?: (event: { call: string; outcome: 'ok' | ExternalCallError['kind']; seconds: number }) => void;
  /** Aborts calls whose activity attempt was given up (see HttpClientOptions.callSignal). */
  callSignal?: () => AbortSignal | undefined;
}

export const SUGGESTIONS_CALL = 'GET /api/v1/suggestions';

export class T7Client {
  private readonly http: HttpClient;
  private readonly baseUrl: string;

  constructor(
    private readonly config: NonNullable<Config['t7']>,
    private readonly options: T7ClientOptions = {},
  ) {
    this.baseUrl = config.baseUrl.replace(/\/+$/, '');
    this.http = new HttpClient({
      system: 't7',
      target: new URL(config.baseUrl).host,
      connections: 4,
      timeoutMs: options.timeoutMs ?? 15_000,
      callSignal: options.callSignal,
      secrets: () => [config.token],
    });
  }

  async getPredictions(ticketId: number): Promise<PredictionResult> {
    const started = performance.now();
    try {
      const result = await this.fetchPredictions(ticketId);
      this.report('ok', started);
      return result;
    } catch (error) {
      this.report(error instanceof ExternalCallError ? error.kind : 'non-retryable', started);
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private async fetchPredictions(ticketId: number): Promise<PredictionResult> {
    const response = await this.http.send(SUGGESTIONS_CALL, `${this.baseUrl}/api/v1/suggestions?ticketId=${encodeURIComponent(ticketId)}`, {
      method: 'GET',
      headers: {
        accept: 'application/json',
        'x-client-name': this.options.clientName ?? 'automation-engine',
        'x-client-version': this.options.clientVersion ?? '1.0.0',
        'x-auth-token': this.config.token,
      },
    });
    if (response.status < 200 || response.status >= 300) {
      const body = snippet(this.http.redact(response.text));
      throw this.http.statusError(SUGGESTIONS_CALL, response, `ticket ${ticketId}: ${body}`);
    }
    return this.http.parse(SUGGESTIONS_CALL, response, suggestionsResponse);
  }

  private report(outcome: 'ok' | ExternalCallError['kind'], started: number): void {
    try {
      this.options.onCall?.({ call: SUGGESTIONS_CALL, outcome, seconds: (performance.now() - started) / 1000 });
    } catch {
      // Metrics must never turn a good call into a failed one.
    }
  }
}
