/** Activity options shared by the processes that write to Bruin and notify people. */
import type { ActivityOptions } from '@temporalio/workflow';

/**
 * Bruin writes: a short heartbeat timeout notices a worker that died mid-write in seconds, and the
 * retry's look-before-write finds what the first try wrote.
 */
export const BRUIN_WRITE: ActivityOptions = {
  startToCloseTimeout: '1m',
  heartbeatTimeout: '10s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '2m', maximumAttempts: 10 },
};

/** Slack posts and e-mails: a 429's Retry-After becomes the next retry's delay. */
export const NOTIFY: ActivityOptions = {
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10 },
};
