/** Activity options shared by the processes that write to Bruin and notify people. */
import type { ActivityOptions } from '@temporalio/workflow';

/** BRUIN_WRITE_SETTLE's default, for runs started before the setting reached workflow inputs. */
export const DEFAULT_BRUIN_WRITE_SETTLE_MS = 70_000;

/**
 * Bruin writes (ticket, note). Each attempt looks before it writes, and no two attempts of one
 * write ever overlap (README, "Exactly once"):
 *   - an attempt lives at most startToClose (60 s): its calls are aborted at that deadline or as
 *     soon as Temporal cancels it (activities/attempt.ts), and each call is bounded by 20 s;
 *   - it heartbeats every few seconds while it runs, so a dead worker is noticed after 10 s and
 *     a given-up attempt hears of it at its next heartbeat;
 *   - the next attempt starts no sooner than `settleMs` after the failure. settleMs covers the rest
 *     of a given-up attempt's life (60 s − 10 s) plus one call's time for Bruin to finish a write it
 *     received (20 s), so by the time the retry looks, whatever an earlier attempt wrote is there.
 * A 429's Retry-After may shorten the wait: Bruin took no write in a refused call.
 */
export function bruinWriteOptions(settleMs = DEFAULT_BRUIN_WRITE_SETTLE_MS): ActivityOptions {
  return {
    startToCloseTimeout: '1m',
    heartbeatTimeout: '10s',
    retry: { initialInterval: settleMs, backoffCoefficient: 2, maximumInterval: Math.max(settleMs, 5 * 60_000), maximumAttempts: 10 },
  };
}

/**
 * Slack posts and e-mails: a 429's Retry-After becomes the next retry's delay. The heartbeat
 * timeout lets a retry read what the previous attempt recorded as sent (activities/notify.ts).
 */
export const NOTIFY: ActivityOptions = {
  startToCloseTimeout: '1m',
  heartbeatTimeout: '10s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10 },
};

/** Report e-mails: larger, and worth retrying for longer (the report keeps its entries meanwhile). */
export const REPORT_EMAIL: ActivityOptions = {
  startToCloseTimeout: '2m',
  heartbeatTimeout: '10s',
  retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 20 },
};
