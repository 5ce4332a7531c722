/**
 * Every activity attempt runs in its attempt scope (activities/attempt.ts: calls aborted when the
 * attempt is given up, heartbeats while it runs), and a client's ExternalCallError becomes the
 * ApplicationFailure Temporal acts on: non-retryable failures stop the retries at once,
 * rate-limited ones wait what the server asked for. Every failure message passes through the one
 * redactor on its way to Temporal, so no configured secret reaches a history.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInboundCallsInterceptor, ActivityExecuteInput, Next } from '@temporalio/worker';
import { ExternalCallError } from '../clients/errors';
import type { Redact } from '../clients/redact';
import { runInAttemptScope } from '../activities/attempt';

export function toApplicationFailure(error: unknown, redact: Redact = (text) => text): unknown {
  if (!(error instanceof ExternalCallError)) {
    if (error instanceof Error) {
      error.message = redact(error.message);
      if (error.stack) error.stack = redact(error.stack);
    }
    return error;
  }
  return ApplicationFailure.create({
    type: error.failureType,
    message: redact(error.message),
    nonRetryable: error.kind === 'non-retryable',
    nextRetryDelay: error.kind === 'rate-limited' ? error.retryAfterMs : undefined,
    details: [{ system: error.system, call: error.call, target: error.target, status: error.status }],
  });
}

export class ExternalFailureInterceptor implements ActivityInboundCallsInterceptor {
  constructor(private readonly redact?: Redact) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    try {
      return await runInAttemptScope(Context.current(), () => next(input));
    } catch (error) {
      throw toApplicationFailure(error, this.redact);
    }
  }
}
