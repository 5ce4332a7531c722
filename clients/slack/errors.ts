/**
 * What a failed Web API call means for Temporal. The WebClient is built with retries off and
 * `rejectRateLimitedCalls`, so every failure reaches us on the first attempt as one of its errors.
 */
import { ErrorCode, type SlackError, type WebAPIHTTPError, type WebAPIPlatformError, type WebAPIRateLimitedError } from '@slack/web-api';
import { ExternalCallError, kindForStatus, type FailureKind } from '../errors';
import { redact } from '../redact';

/** Platform errors that can clear up on their own; every other `{ok:false}` is a request we must fix. */
const TRANSIENT_PLATFORM_ERRORS = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'team_added_to_org',
]);

export interface SlackCallContext {
  call: string;
  target: string;
  /** The bot token, cut out of any text we pass on whatever a lower layer wrote. */
  token: string;
}

function isSlackError(error: unknown): error is SlackError {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('slack_webapi_');
}

/** Translates a WebClient failure; the token is never part of what it reports. */
export function slackCallError(error: unknown, { call, target, token }: SlackCallContext): ExternalCallError {
  const make = (kind: FailureKind, message: string, extra: { status?: number; retryAfterMs?: number } = {}) =>
    new ExternalCallError({ system: 'slack', call, target, kind, message: redact(message, [token]), ...extra });

  if (!isSlackError(error)) {
    // A 429 without a usable Retry-After surfaces as a plain Error; Slack's limit is about 1/s.
    if (/retry header/i.test(describe(error))) {
      return make('rate-limited', 'rate limited without a Retry-After', { status: 429, retryAfterMs: 1000 });
    }
    return make('retryable', `unexpected failure: ${describe(error)}`);
  }
  switch (error.code) {
    case ErrorCode.RateLimitedError: {
      const seconds = (error as WebAPIRateLimitedError).retryAfter;
      return make('rate-limited', `rate limited, retry after ${seconds}s`, { status: 429, retryAfterMs: Math.max(0, seconds) * 1000 });
    }
    case ErrorCode.PlatformError: {
      const code = (error as WebAPIPlatformError).data.error as string | undefined;
      if (!code) return make('non-retryable', 'response is neither ok nor a Slack error');
      return make(TRANSIENT_PLATFORM_ERRORS.has(code) ? 'retryable' : 'non-retryable', `Slack API error ${code}`);
    }
    case ErrorCode.HTTPError: {
      const status = (error as WebAPIHTTPError).statusCode;
      return make(kindForStatus(status), `HTTP ${status}`, { status });
    }
    case ErrorCode.RequestError:
      return make('retryable', `request failed: ${describe((error as { original?: unknown }).original ?? error)}`);
    default:
      return make('non-retryable', `client error ${error.code}`);
  }
}

/**
 * The underlying cause in one line (fetch wraps the socket error in `cause`). Duck-typed: errors
 * raised inside Node's fetch come from another realm, where `instanceof Error` is false.
 */
function describe(error: unknown): string {
  const { name, message, cause } = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; message?: unknown; cause?: unknown };
  if (typeof message !== 'string') return String(error);
  const { code, message: causeMessage } = (typeof cause === 'object' && cause !== null ? cause : {}) as { code?: unknown; message?: unknown };
  const detail = typeof code === 'string' ? code : typeof causeMessage === 'string' ? causeMessage : '';
  return `${typeof name === 'string' && name !== 'Error' ? `${name} ` : ''}${message}${detail ? `: ${detail}` : ''}`;
}
