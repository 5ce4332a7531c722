/**
 * The HTTP plumbing every client shares: one undici pool per origin, a timeout on every request,
 * and the translation of transport and status failures into ExternalCallError.
 */
import { Agent, type Dispatcher, errors as undiciErrors, request } from 'undici';
import type { ZodType } from 'zod';
import { describeZodError, ExternalCallError, kindForStatus, parseRetryAfter } from './errors';
import { redact } from './redact';

export interface HttpClientOptions {
  system: string;
  /** Host name used in errors and metrics. */
  target: string;
  /** Upper bound on requests in flight to this origin. */
  connections?: number;
  timeoutMs?: number;
  verifyTls?: boolean;
  /** Delay to suggest on a 429 that carries no Retry-After. */
  defaultRetryAfterMs?: number;
  /**
   * The signal of whatever the call runs for (an activity attempt): the call is abandoned when it
   * aborts, so no call outlives the attempt that made it.
   */
  callSignal?: () => AbortSignal | undefined;
  /** The secrets this client sends (read at each error: tokens change); cut out of every error message. */
  secrets?: () => Array<string | undefined>;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export class HttpClient {
  readonly dispatcher: Agent;
  private readonly timeoutMs: number;

  constructor(private readonly options: HttpClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.dispatcher = new Agent({
      connections: options.connections ?? 32,
      pipelining: 1,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connect: { rejectUnauthorized: options.verifyTls ?? true, timeout: Math.min(this.timeoutMs, 10_000) },
    });
  }

  /** One attempt. Transport failures and timeouts throw a retryable ExternalCallError; statuses are returned. */
  async send(call: string, url: string, init: Omit<Dispatcher.RequestOptions, 'origin' | 'path'>): Promise<HttpResponse> {
    // A timer and a listener removed when the call ends, not AbortSignal.timeout and
    // AbortSignal.any: a pending timer would keep the caller's async context (an activity and its
    // result) alive for the whole timeout, and composite signals leave weak references behind.
    const aborter = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      aborter.abort(new DOMException(`timed out after ${this.timeoutMs} ms`, 'TimeoutError'));
    }, this.timeoutMs);
    timer.unref();
    const owner = this.options.callSignal?.();
    const ownerAborted = () => aborter.abort(owner?.reason);
    owner?.addEventListener('abort', ownerAborted, { once: true });
    try {
      if (owner?.aborted) throw this.error(call, 'retryable', 'not sent: the activity attempt was given up or reached its deadline');
      const response = await request(url, { ...init, dispatcher: this.dispatcher, signal: aborter.signal });
      const text = await response.body.text();
      return { status: response.statusCode, headers: response.headers, text };
    } catch (error) {
      if (owner?.aborted && !timedOut && !(error instanceof ExternalCallError)) {
        throw this.error(call, 'retryable', 'abandoned: the activity attempt was given up or reached its deadline', { cause: error });
      }
      throw this.transportError(call, error);
    } finally {
      clearTimeout(timer);
      owner?.removeEventListener('abort', ownerAborted);
    }
  }

  /** The ExternalCallError a non-2xx status means (429 → rate-limited with Retry-After). */
  statusError(call: string, response: HttpResponse, detail?: string): ExternalCallError {
    const kind = kindForStatus(response.status);
    return this.error(call, kind, `HTTP ${response.status}${detail ? `: ${detail}` : ''}`, {
      status: response.status,
      retryAfterMs:
        kind === 'rate-limited'
          ? parseRetryAfter(response.headers['retry-after'], this.options.defaultRetryAfterMs ?? 5_000)
          : undefined,
    });
  }

  /** Parses a JSON body and validates it; a mismatch is non-retryable and names the field. */
  parse<T>(call: string, response: HttpResponse, schema: ZodType<T>): T {
    let json: unknown;
    try {
      json = JSON.parse(response.text);
    } catch {
      throw this.error(call, 'non-retryable', `response is not JSON: ${snippet(this.redact(response.text))}`, { status: response.status });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw this.error(call, 'non-retryable', `unexpected response: ${describeZodError(parsed.error)}`, {
        status: response.status,
      });
    }
    return parsed.data;
  }

  error(
    call: string,
    kind: ExternalCallError['kind'],
    message: string,
    extra: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ): ExternalCallError {
    return new ExternalCallError({ system: this.options.system, target: this.options.target, call, kind, message: this.redact(message), ...extra });
  }

  /** A text with this client's secrets cut out (before it is shortened, so no part of one survives). */
  redact(text: string): string {
    return this.options.secrets ? redact(text, this.options.secrets()) : text;
  }

  private transportError(call: string, error: unknown): ExternalCallError {
    if (error instanceof ExternalCallError) return error;
    const err = error as Error & { code?: string };
    const timedOut =
      err.name === 'TimeoutError' ||
      err instanceof undiciErrors.HeadersTimeoutError ||
      err instanceof undiciErrors.BodyTimeoutError ||
      err instanceof undiciErrors.ConnectTimeoutError;
    const message = timedOut ? `timed out after ${this.timeoutMs} ms` : `request failed: ${err.code ?? err.name}: ${err.message}`;
    return this.error(call, 'retryable', message, { cause: error });
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

export function snippet(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
