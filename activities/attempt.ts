/**
 * The bounds of one activity attempt, for every outside call made inside it.
 *
 * Temporal gives up on an attempt when its start-to-close or heartbeat timeout passes and then
 * schedules the next one. A call the given-up attempt still has in flight could land after the
 * next attempt looked and found nothing: two tickets, two notes. So every attempt runs inside a
 * scope that
 *   - aborts its calls when Temporal cancels the attempt (a heartbeat answered "timed out", the
 *     workflow cancelled it, the worker shuts down) or when its own deadline passes, a little
 *     before the server's start-to-close timeout;
 *   - heartbeats on its own while the attempt runs (when the activity has a heartbeat timeout), so
 *     a slow call keeps a live attempt alive and a cancellation reaches it within seconds;
 *   - keeps the progress the attempt recorded, re-sent with every heartbeat, so the next attempt
 *     can read it (`previousProgress`).
 * The worker's activity interceptor opens the scope; clients read `currentCallSignal` through the
 * provider they are given.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Context } from '@temporalio/activity';

interface AttemptScope {
  signal: AbortSignal;
  deadline: number;
  progress: unknown;
}

const scopes = new AsyncLocalStorage<AttemptScope>();

/** Calls are abandoned this long before the server would time the attempt out. */
const DEADLINE_MARGIN_MS = 1_000;
/** Heartbeats at most this far apart (and at least three per heartbeat timeout). */
const MAX_HEARTBEAT_GAP_MS = 5_000;

/** Runs one attempt of the activity in `context` inside its scope. */
export async function runInAttemptScope<T>(context: Context, run: () => Promise<T>): Promise<T> {
  const { info } = context;
  const started = Date.now();
  let deadline = started + info.startToCloseTimeoutMs;
  if (info.scheduleToCloseTimeoutMs > 0) deadline = Math.min(deadline, info.scheduledTimestampMs + info.scheduleToCloseTimeoutMs);
  const timeLeft = Math.max(0, deadline - started - DEADLINE_MARGIN_MS);
  // A timer and a listener removed when the attempt ends, not AbortSignal.timeout and
  // AbortSignal.any: a pending timer keeps the attempt's async context (the activity and its
  // result) alive until it fires, and composite signals leave weak references for the collector
  // to clear, thousands a second in a monitoring cycle.
  const aborter = new AbortController();
  const deadlineTimer = setTimeout(() => aborter.abort(new DOMException('attempt deadline reached', 'TimeoutError')), timeLeft);
  deadlineTimer.unref();
  const { cancellationSignal } = context;
  const cancelled = () => aborter.abort(cancellationSignal.reason);
  if (cancellationSignal.aborted) cancelled();
  else cancellationSignal.addEventListener('abort', cancelled, { once: true });
  const scope: AttemptScope = {
    signal: aborter.signal,
    deadline: started + timeLeft,
    progress: undefined,
  };
  const pump = info.heartbeatTimeoutMs
    ? setInterval(() => context.heartbeat(scope.progress), Math.min(MAX_HEARTBEAT_GAP_MS, info.heartbeatTimeoutMs / 3))
    : undefined;
  pump?.unref();
  try {
    return await scopes.run(scope, run);
  } finally {
    if (pump) clearInterval(pump);
    clearTimeout(deadlineTimer);
    cancellationSignal.removeEventListener('abort', cancelled);
  }
}

/** The signal outside calls of the current attempt obey; undefined outside an activity. */
export function currentCallSignal(): AbortSignal | undefined {
  return scopes.getStore()?.signal;
}

/** Records this attempt's progress and heartbeats it at once; the next attempt reads it. */
export function recordProgress(progress: unknown): void {
  const scope = scopes.getStore();
  if (scope) scope.progress = progress;
  Context.current().heartbeat(progress);
}

/** What the previous attempt recorded last (undefined on the first attempt, or if it recorded nothing). */
export function previousProgress<T>(): T | undefined {
  return Context.current().info.heartbeatDetails as T | undefined;
}
