/**
 * A VeloCloud Orchestrator (API v1) client for one host. One attempt per call, plus one re-login
 * when the session cookie has expired; every other failure is classified and thrown for Temporal
 * to retry (or not).
 */
import { z, type ZodType } from 'zod';
import type { VelocloudHost } from '../../config';
import { describeZodError, ExternalCallError } from '../errors';
import { HttpClient, snippet, type HttpResponse } from '../http';
import {
  aggregateLinkMetricsSchema,
  aggregatesSchema,
  edgeLinkStatusSchema,
  edgeSchema,
  edgesSchema,
  enterpriseEventsSchema,
  enterpriseSchema,
  errorEnvelopeSchema,
  linkMetricsSchema,
  linkServiceGroupsSchema,
} from './schemas';
import type {
  EnterpriseEventsQuery,
  TimeInterval,
  VelocloudAggregateLinkMetrics,
  VelocloudAggregates,
  VelocloudClientOptions,
  VelocloudEdge,
  VelocloudEdgeLinkStatus,
  VelocloudEnterprise,
  VelocloudEvent,
  VelocloudLinkMetrics,
  VelocloudLinkServiceGroups,
} from './types';

export const SESSION_COOKIE = 'velocloud.session';
const LOGIN_CALL = 'login/operatorLogin';
const EXPIRED_SESSION = /tokenError|expired session/i;
/** SPEC §3: after a 429 the VCO wants about 5 s of quiet when it does not say how long. */
const DEFAULT_COOL_DOWN_MS = 5_000;

type Attempt<T> = { expired: true } | { expired: false; value: T };

export class VelocloudClient {
  readonly host: string;
  readonly portalUrl: string;
  private readonly http: HttpClient;
  private session?: string;
  private loginInFlight?: Promise<string>;

  constructor(
    private readonly config: VelocloudHost,
    private readonly options: VelocloudClientOptions = {},
  ) {
    this.host = config.host;
    this.portalUrl = config.portalUrl;
    this.http = new HttpClient({
      system: 'velocloud',
      target: config.host,
      connections: options.maxConcurrentRequests ?? 32,
      timeoutMs: options.timeoutMs,
      verifyTls: options.verifySsl ?? true,
      defaultRetryAfterMs: DEFAULT_COOL_DOWN_MS,
    });
  }

  getAggregates(): Promise<VelocloudAggregates> {
    return this.call('monitoring/getAggregates', {}, aggregatesSchema);
  }

  async getEnterpriseEdges(enterpriseId: number): Promise<VelocloudEdge[]> {
    const edges = await this.call('enterprise/getEnterpriseEdges', { enterpriseId }, edgesSchema);
    return edges.map((edge) => ({ ...edge, enterpriseId: edge.enterpriseId ?? enterpriseId }));
  }

  async getEdge(enterpriseId: number, edgeId: number): Promise<VelocloudEdge> {
    const edge = await this.call('edge/getEdge', { enterpriseId, id: edgeId }, edgeSchema);
    return { ...edge, enterpriseId: edge.enterpriseId ?? enterpriseId };
  }

  getEnterprise(enterpriseId: number): Promise<VelocloudEnterprise> {
    return this.call('enterprise/getEnterprise', { enterpriseId }, enterpriseSchema);
  }

  getEdgeLinkMetrics(enterpriseId: number, edgeId: number, interval: TimeInterval): Promise<VelocloudLinkMetrics[]> {
    return this.call(
      'metrics/getEdgeLinkMetrics',
      { enterpriseId, id: edgeId, interval: wireInterval(interval) },
      linkMetricsSchema,
    );
  }

  getEdgeAppLinkMetrics(enterpriseId: number, edgeId: number): Promise<VelocloudLinkServiceGroups[]> {
    return this.call('metrics/getEdgeAppLinkMetrics', { enterpriseId, id: edgeId }, linkServiceGroupsSchema);
  }

  /** Events in the interval, newest first as the VCO sends them. */
  getEnterpriseEvents(enterpriseId: number, query: EnterpriseEventsQuery): Promise<VelocloudEvent[]> {
    return this.call(
      'event/getEnterpriseEvents',
      {
        enterpriseId,
        interval: wireInterval(query.interval),
        ...(query.limit !== undefined ? { filter: { limit: query.limit } } : {}),
        ...(query.edgeIds?.length ? { edgeId: query.edgeIds } : {}),
      },
      enterpriseEventsSchema,
    );
  }

  /** Every link of every edge on the host in one call (edges without links get one row, link null). */
  getEnterpriseEdgeLinkStatus(options: { enterpriseId?: number } = {}): Promise<VelocloudEdgeLinkStatus[]> {
    return this.call('monitoring/getEnterpriseEdgeLinkStatus', options, edgeLinkStatusSchema);
  }

  /** Link metrics of every edge on the host (or of the given enterprises) in one call. */
  getAggregateEdgeLinkMetrics(
    interval: TimeInterval,
    options: { enterpriseIds?: number[] } = {},
  ): Promise<VelocloudAggregateLinkMetrics[]> {
    return this.call(
      'monitoring/getAggregateEdgeLinkMetrics',
      { interval: wireInterval(interval), ...(options.enterpriseIds ? { enterprises: options.enterpriseIds } : {}) },
      aggregateLinkMetricsSchema,
    );
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private async call<T>(call: string, body: object, schema: ZodType<T>): Promise<T> {
    const session = await this.currentSession();
    const first = await this.attempt(call, body, session, schema);
    if (!first.expired) return first.value;
    const fresh = await this.renewSession(session);
    const second = await this.attempt(call, body, fresh, schema);
    if (!second.expired) return second.value;
    throw this.http.error(call, 'retryable', 'session rejected again right after a fresh login');
  }

  /** One HTTP call, reported to onCall whatever happens. */
  private async attempt<T>(call: string, body: object, session: string, schema: ZodType<T>): Promise<Attempt<T>> {
    const started = performance.now();
    let outcome: ExternalCallError['kind'] | 'ok' = 'ok';
    try {
      const response = await this.post(call, body, session);
      const result = this.read(call, response, schema);
      // The call is repeated after a re-login, so an expired session counts as a retryable failure.
      if (result.expired) outcome = 'retryable';
      return result;
    } catch (error) {
      outcome = error instanceof ExternalCallError ? error.kind : 'non-retryable';
      throw error;
    } finally {
      this.report(call, outcome, started);
    }
  }

  private read<T>(call: string, response: HttpResponse, schema: ZodType<T>): Attempt<T> {
    if (isExpiredSession(response)) return { expired: true };
    if (response.status < 200 || response.status >= 300) {
      throw this.http.statusError(call, response, errorMessage(response.text));
    }
    const json = this.http.parse(call, response, z.unknown());
    const envelope = errorEnvelopeSchema.safeParse(json);
    if (envelope.success) {
      throw this.http.error(call, 'non-retryable', `VCO answered an error: ${envelope.data.error.message ?? 'no message'}`, {
        status: response.status,
      });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw this.http.error(call, 'non-retryable', `unexpected response: ${describeZodError(parsed.error)}`, {
        status: response.status,
      });
    }
    return { expired: false, value: parsed.data };
  }

  private post(call: string, body: object, session?: string): Promise<HttpResponse> {
    return this.http.send(call, `${this.config.baseUrl}/${call}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...(session ? { cookie: `${SESSION_COOKIE}=${session}` } : {}),
      },
      body: JSON.stringify(body),
    });
  }

  /** Concurrent callers share one login in flight. */
  private currentSession(): Promise<string> {
    if (this.session) return Promise.resolve(this.session);
    this.loginInFlight ??= this.login().finally(() => {
      this.loginInFlight = undefined;
    });
    return this.loginInFlight;
  }

  /** Logs in again unless another caller already replaced the stale session. */
  private renewSession(stale: string): Promise<string> {
    if (this.session === stale) this.session = undefined;
    return this.currentSession();
  }

  private async login(): Promise<string> {
    const started = performance.now();
    let outcome: ExternalCallError['kind'] | 'ok' = 'ok';
    try {
      const response = await this.post(LOGIN_CALL, { username: this.config.username, password: this.config.password });
      this.session = this.sessionFrom(response);
      return this.session;
    } catch (error) {
      outcome = error instanceof ExternalCallError ? error.kind : 'non-retryable';
      throw error;
    } finally {
      this.report(LOGIN_CALL, outcome, started);
    }
  }

  private sessionFrom(response: HttpResponse): string {
    const session = readSetCookie(response.headers['set-cookie'], SESSION_COOKIE);
    // Some VCO releases answer a good login with a redirect; what matters is the cookie.
    if (session && response.status < 400) return session;
    if (response.status === 429 || response.status >= 500) {
      throw this.http.statusError(LOGIN_CALL, response, errorMessage(response.text));
    }
    const reason =
      response.status < 300
        ? `no ${SESSION_COOKIE} cookie in the answer`
        : `HTTP ${response.status}${response.text ? `: ${errorMessage(response.text)}` : ''}`;
    throw this.http.error(LOGIN_CALL, 'non-retryable', `login rejected, check the credentials (${reason})`, {
      status: response.status,
    });
  }

  private report(call: string, outcome: ExternalCallError['kind'] | 'ok', started: number): void {
    this.options.onCall?.({ host: this.host, call, outcome, seconds: (performance.now() - started) / 1000 });
  }
}

function wireInterval(interval: TimeInterval): { start: string; end: string } {
  return { start: interval.start.toISOString(), end: interval.end.toISOString() };
}

function isExpiredSession(response: HttpResponse): boolean {
  if (response.status === 401) return true;
  if (response.status !== 400 && response.status !== 200) return false;
  // Cheap text check first: most 200 answers are large payloads that mention no token error.
  if (!EXPIRED_SESSION.test(response.text.slice(0, 500))) return false;
  if (response.status === 400) return true;
  try {
    const envelope = errorEnvelopeSchema.safeParse(JSON.parse(response.text));
    return envelope.success && EXPIRED_SESSION.test(envelope.data.error.message ?? '');
  } catch {
    return false;
  }
}

/** The error message a VCO put in a failure body, or the start of the body. */
function errorMessage(text: string): string {
  try {
    const envelope = errorEnvelopeSchema.safeParse(JSON.parse(text));
    if (envelope.success && envelope.data.error.message) return envelope.data.error.message;
  } catch {
    // Not JSON: show what came back.
  }
  return snippet(text);
}

function readSetCookie(header: string | string[] | undefined, name: string): string | undefined {
  const cookies = Array.isArray(header) ? header : header ? [header] : [];
  for (const cookie of cookies) {
    const [pair] = cookie.split(';');
    const eq = pair?.indexOf('=') ?? -1;
    if (pair && eq > 0 && pair.slice(0, eq).trim() === name) {
      const value = pair.slice(eq + 1).trim();
      if (value) return value;
    }
  }
  return undefined;
}
