/**
 * What a failed SMTP send means for Temporal. RFC 5321: a 4yz reply is transient, a 5yz reply is
 * permanent (nodemailer marks it `permanent`, and treats 503 as the bad-sequence exception it is).
 * Errors without a reply are about the connection, and worth another try, unless they are about
 * our own request or configuration.
 */
import { ExternalCallError, type FailureKind } from '../errors';
import { redact } from '../redact';

interface SmtpFailure {
  code?: string;
  responseCode?: number;
  permanent?: boolean;
  message?: string;
}

/** Failures without an SMTP reply that the same request would meet again. */
const OUR_MISTAKES = new Set(['EENVELOPE', 'EMESSAGE', 'ENOAUTH', 'EAUTH', 'ECONFIG', 'ETLS', 'EREQUIRETLS', 'EFILEACCESS', 'EURLACCESS', 'EMAXRECIPIENTS']);

export function smtpFailureKind(failure: SmtpFailure): FailureKind {
  if (typeof failure.responseCode === 'number') {
    const permanent = failure.permanent ?? (failure.responseCode >= 500 && failure.responseCode !== 503);
    return permanent ? 'non-retryable' : 'retryable';
  }
  return failure.code && OUR_MISTAKES.has(failure.code) ? 'non-retryable' : 'retryable';
}

export interface EmailCallContext {
  call: string;
  target: string;
  /** Texts cut out of any message we pass on: the SMTP password (clients/redact.ts covers its encodings). */
  secrets: string[];
}

/**
 * The cause is left off on purpose: nodemailer's error objects carry the server dialogue and
 * could carry credentials; the message keeps what an operator needs (code, SMTP reply).
 */
export function emailCallError(error: unknown, { call, target, secrets }: EmailCallContext): ExternalCallError {
  const failure = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as SmtpFailure;
  const code = failure.code ? `${failure.code} ` : '';
  const message = redact(`${code}${failure.message ?? 'send failed'}`, secrets);
  return new ExternalCallError({
    system: 'email',
    call,
    target,
    kind: smtpFailureKind(failure),
    message,
    ...(typeof failure.responseCode === 'number' ? { status: failure.responseCode } : {}),
  });
}
