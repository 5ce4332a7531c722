/**
 * How a call to an outside system failed, in the terms Temporal needs to decide what to do next.
 * Clients make one attempt (plus a re-login where the API has sessions) and throw one of these;
 * the worker's activity interceptor turns it into an ApplicationFailure, so retries stay Temporal's.
 */
import type { ZodError } from 'zod';

export type FailureKind =
  /** Try again later with the activity's backoff: 5xx, timeouts, connection errors. */
  | 'retryable'
  /** The system asked us to slow down; retry after `retryAfterMs`. */
  | 'rate-limited'
  /** Retrying cannot help: other 4xx, bad credentials, payloads that do not match the contract. */
  | 'non-retryable';

export interface ExternalCallErrorInit {
  /** The outside system: `velocloud`, `bruin`, `t7`, `slack`, `email`. */
  system: string;
  /** The operation, e.g. `edge/getEdge` or `POST /api/Ticket`. */
  call: string;
  kind: FailureKind;
  message: string;
  /** Where the call went (host name), never credentials. */
  target?: string;
  status?: number;
  retryAfterMs?: number;
  cause?: unknown;
}

export class ExternalCallError extends Error {
  readonly system: string;
  readonly call: string;
  readonly kind: FailureKind;
  readonly target?: string;
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(init: ExternalCallErrorInit) {
    const where = init.target ? `${init.system} ${init.target} ${init.call}` : `${init.system} ${init.call}`;
    super(`${where}: ${init.message}`, { cause: init.cause });
    this.name = 'ExternalCallError';
    this.system = init.system;
    this.call = init.call;
    this.kind = init.kind;
    this.target = init.target;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** The failure type Temporal records, e.g. `velocloud.rate-limited`; retry policies can match on it. */
  get failureType(): string {
    return `${this.system}.${this.kind}`;
  }
}

/** Seconds or an HTTP date, as in `Retry-After`; falls back when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, fallbackMs: number, now = Date.now()): number {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return fallbackMs;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(raw);
  if (Number.isFinite(date)) return Math.max(0, date - now);
  return fallbackMs;
}

/** The failure kind an HTTP status means, for APIs that follow the usual conventions. */
export function kindForStatus(status: number): FailureKind {
  if (status === 429) return 'rate-limited';
  if (status >= 500 || status === 408) return 'retryable';
  return 'non-retryable';
}

/** A one-line description of where a payload failed validation: `[3].link.state: expected string`. */
export function describeZodError(error: ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(root)'}: ${issue.message}`)
    .join('; ');
}
