/**
 * A VeloCloud Orchestrator (API v1) client for one host. One attempt per call, plus one re-login
 * when the session cookie has expired and a wait when the host is cooling down after a 429; every
 * other failure is classified and thrown for Temporal to retry (or not).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z, type ZodError, type ZodType } from 'zod';
import type { VelocloudHost } from '../../config';
import { describeZodError, ExternalCallError, parseRetryAfter } from '../errors';
import { HttpClient, snippet, type HttpResponse } from '../http';
import {
  aggregateLinkMetricsRowSchema,
  aggregatesSchema,
  edgeLinkStatusRowSchema,
  edgeSchema,
  enterpriseEventsSchema,
  enterpriseSchema,
  errorEnvelopeSchema,
  linkMetricsSchema,
  linkServiceGroupsSchema,
  networkEnterprisesSchema,
} from './schemas';
import type {
  EnterpriseEventsQuery,
  RowProblem,
  Rows,
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
  VelocloudNetworkEdge,
} from './types';

export const SESSION_COOKIE = 'velocloud.session';
const LOGIN_CALL = 'login/operatorLogin';
const EXPIRED_SESSION = /tokenError|expired session/i;
/** SPEC §3: after a 429 the VCO wants about 5 s of quiet when it does not say how long. */
const DEFAULT_COOL_DOWN_MS = 5_000;
/** A `Retry-After: 0` still gets a pause, or the waiting calls would hammer the host again at once. */
const MIN_COOL_DOWN_MS = 1_000;
const DEFAULT_TIMEOUT_MS = 30_000;

type Attempt<T> = { expired: true } | { expired: false; value: T };

/** Where to find the edge id in a list row, so a row that fails validation still says which edge it was. */
type EdgeIdOf = (row: unknown) => number | undefined;

export class VelocloudClient {
  readonly host: string;
  readonly portalUrl: string;
  private readonly http: HttpClient;
  private readonly timeoutMs: number;
  private session?: string;
  private loginInFlight?: Promise<string>;
  /**
   * Until when the host is cooling down after a 429. Shared by every call to the host: one edge's
   * 429 pauses all of them, instead of each call meeting its own 429 and spending its attempts.
   */
  private coolDownUntil = 0;

  constructor(
    private readonly config: VelocloudHost,
    private readonly options: VelocloudClientOptions = {},
  ) {
    this.host = config.host;
    this.portalUrl = config.portalUrl;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.http = new HttpClient({
      system: 'velocloud',
      target: config.host,
      connections: options.maxConcurrentRequests ?? 32,
      timeoutMs: this.timeoutMs,
      verifyTls: options.verifySsl ?? true,
      defaultRetryAfterMs: DEFAULT_COOL_DOWN_MS,
      callSignal: options.callSignal,
    });
  }

  getAggregates(): Promise<VelocloudAggregates> {
    return this.call('monitoring/getAggregates', {}, aggregatesSchema);
  }

  /** The enterprise's edges; a row that breaks the contract is left out and reported, with its edge id when it has one. */
  async getEnterpriseEdges(enterpriseId: number): Promise<Rows<VelocloudEdge>> {
    const { rows, problems } = await this.callRows('enterprise/getEnterpriseEdges', { enterpriseId }, edgeSchema, idAt('id'));
    return { rows: rows.map((edge) => ({ ...edge, enterpriseId: edge.enterpriseId ?? enterpriseId })), problems };
  }

  async getEdge(enterpriseId: number, edgeId: number): Promise<VelocloudEdge> {
    const edge = await this.call('edge/getEdge', { enterpriseId, id: edgeId }, edgeSchema);
    return { ...edge, enterpriseId: edge.enterpriseId ?? enterpriseId };
  }

  getEnterprise(enterpriseId: number): Promise<VelocloudEnterprise> {
    return this.call('enterprise/getEnterprise', { enterpriseId }, enterpriseSchema);
  }

  /**
   * One edge's links. Validated as a whole: the answer is about one edge, and leaving out a link
   * that broke the contract could hide the one that is down.
   */
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

  /** The HA state of every edge of these enterprises (`network/getNetworkEnterprises`, SPEC §3 VCO HA). */
  getNetworkEdges(enterpriseIds: number[]): Promise<VelocloudNetworkEdge[]> {
    return this.call('network/getNetworkEnterprises', { enterprises: enterpriseIds, with: ['edges'] }, networkEnterprisesSchema);
  }

  /** Every link of every edge on the host in one call (edges without links get one row, link null); bad rows reported. */
  getEnterpriseEdgeLinkStatus(options: { enterpriseId?: number } = {}): Promise<Rows<VelocloudEdgeLinkStatus>> {
    return this.callRows('monitoring/getEnterpriseEdgeLinkStatus', options, edgeLinkStatusRowSchema, idAt('edgeId'));
  }

  /** Link metrics of every edge on the host (or of the given enterprises) in one call; bad rows reported. */
  getAggregateEdgeLinkMetrics(
    interval: TimeInterval,
    options: { enterpriseIds?: number[] } = {},
  ): Promise<Rows<VelocloudAggregateLinkMetrics>> {
    return this.callRows(
      'monitoring/getAggregateEdgeLinkMetrics',
      { interval: wireInterval(interval), ...(options.enterpriseIds ? { enterprises: options.enterpriseIds } : {}) },
      aggregateLinkMetricsRowSchema,
      idAt('link', 'edgeId'),
    );
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  /** A list answer checked row by row: one bad row costs that row, not the answer. */
  private async callRows<T>(call: string, body: object, rowSchema: ZodType<T>, edgeIdOf: EdgeIdOf): Promise<Rows<T>> {
    const answer = await this.call(call, body, z.array(z.unknown()));
    const rows: T[] = [];
    const problems: RowProblem[] = [];
    answer.forEach((row, index) => {
      const parsed = rowSchema.safeParse(row);
      if (parsed.success) rows.push(parsed.data);
      else problems.push(this.rowProblem(call, index, edgeIdOf(row), parsed.error));
    });
    return { rows, problems };
  }

  private rowProblem(call: string, index: number, edgeId: number | undefined, error: ZodError): RowProblem {
    const field = error.issues[0]?.path.map(String).join('.') || '(row)';
    const which = edgeId === undefined ? `row ${index}` : `row ${index} (edge ${edgeId})`;
    return {
      host: this.host,
      call,
      ...(edgeId !== undefined ? { edgeId } : {}),
      field,
      message: `velocloud ${this.host} ${call}: ${which}: ${describeZodError(error)}`,
    };
  }

  private async call<T>(call: string, body: object, schema: ZodType<T>): Promise<T> {
    const deadline = Date.now() + this.timeoutMs;
    const session = await this.currentSession(deadline);
    const first = await this.attempt(call, body, session, schema, deadline);
    if (!first.expired) return first.value;
    const fresh = await this.renewSession(session, deadline);
    const second = await this.attempt(call, body, fresh, schema, deadline);
    if (!second.expired) return second.value;
    throw this.http.error(call, 'retryable', 'session rejected again right after a fresh login');
  }

  /** One call with the session, its outcome reported to onCall whatever happens. */
  private async attempt<T>(call: string, body: object, session: string, schema: ZodType<T>, deadline: number): Promise<Attempt<T>> {
    const { response, started } = await this.exchange(call, body, session, deadline);
    let outcome: ExternalCallError['kind'] | 'ok' = 'ok';
    try {
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

  /**
   * Sends the request once the host's cool-down is over. A 429 starts (or extends) the cool-down
   * for every call to the host, and this request is sent again when it ends. Transport failures are
   * reported here; the caller reports how the answer was read.
   */
  private async exchange(
    call: string,
    body: object,
    session: string | undefined,
    deadline: number,
  ): Promise<{ response: HttpResponse; started: number }> {
    for (;;) {
      await this.waitForCoolDown(call, deadline);
      const started = performance.now();
      let response: HttpResponse;
      try {
        response = await this.post(call, body, session);
      } catch (error) {
        this.report(call, error instanceof ExternalCallError ? error.kind : 'non-retryable', started);
        throw error;
      }
      if (response.status !== 429) return { response, started };
      const coolDown = Math.max(MIN_COOL_DOWN_MS, parseRetryAfter(response.headers['retry-after'], DEFAULT_COOL_DOWN_MS));
      this.coolDownUntil = Math.max(this.coolDownUntil, Date.now() + coolDown);
      this.report(call, 'rate-limited', started);
    }
  }

  /**
   * Waits until the host's cool-down ends. Never past the call's own deadline (its timeout) or
   * the attempt's (callSignal): then it gives up as rate-limited, so Temporal's next attempt
   * waits out the rest of the cool-down.
   */
  private async waitForCoolDown(call: string, deadline: number): Promise<void> {
    const signal = this.options.callSignal?.();
    for (let wait = this.coolDownUntil - Date.now(); wait > 0; wait = this.coolDownUntil - Date.now()) {
      if (signal?.aborted || this.coolDownUntil > deadline) throw this.coolingDown(call, wait);
      try {
        await sleep(wait, undefined, signal ? { signal } : undefined);
      } catch {
        throw this.coolingDown(call, this.coolDownUntil - Date.now());
      }
    }
  }

  private coolingDown(call: string, remainingMs: number): ExternalCallError {
    return this.http.error(call, 'rate-limited', `not sent: the host is cooling down after HTTP 429 for ${Math.ceil(remainingMs)} ms more`, {
      status: 429,
      retryAfterMs: Math.max(0, Math.ceil(remainingMs)),
    });
  }

  private read<T>(call: string, response: HttpResponse, schema: ZodType<T>): Attempt<T> {
    if (isExpiredSession(response)) return { expired: true };
    if (response.status < 200 || response.status >= 300) {
      throw this.http.statusError(call, response, errorMessage(response.text));
    }
    let json: unknown;
    try {
      json = JSON.parse(response.text);
    } catch {
      // A 2xx that is not JSON comes from something in front of the VCO (a proxy's or a
      // maintenance page), not from the API: it passes, so it is worth another attempt.
      throw this.http.error(call, 'retryable', `answer is not JSON: ${snippet(response.text)}`, { status: response.status });
    }
    // Only an object with an `error` field can be one; most answers are lists, checked for nothing else.
    const envelope = isObjectWithError(json) ? errorEnvelopeSchema.safeParse(json) : undefined;
    if (envelope?.success) {
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
  private currentSession(deadline: number): Promise<string> {
    if (this.session) return Promise.resolve(this.session);
    this.loginInFlight ??= this.login(deadline).finally(() => {
      this.loginInFlight = undefined;
    });
    return this.loginInFlight;
  }

  /** Logs in again unless another caller already replaced the stale session. */
  private renewSession(stale: string, deadline: number): Promise<string> {
    if (this.session === stale) this.session = undefined;
    return this.currentSession(deadline);
  }

  private async login(deadline: number): Promise<string> {
    const credentials = { username: this.config.username, password: this.config.password };
    const { response, started } = await this.exchange(LOGIN_CALL, credentials, undefined, deadline);
    let outcome: ExternalCallError['kind'] | 'ok' = 'ok';
    try {
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
    if (response.status >= 500) {
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

function isObjectWithError(json: unknown): boolean {
  return typeof json === 'object' && json !== null && !Array.isArray(json) && 'error' in json;
}

/** Reads a whole-number id at `path` of a raw row, if there is one. */
function idAt(...path: string[]): EdgeIdOf {
  return (row) => {
    let value: unknown = row;
    for (const key of path) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    return Number.isInteger(value) ? (value as number) : undefined;
  };
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
