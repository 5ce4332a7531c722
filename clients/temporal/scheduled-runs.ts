/**
 * Scheduled runs that failed or timed out, as Temporal's visibility records them. A worker cannot
 * see a run time out (the server closes it), and a run that failed for good may never reach a worker
 * again; visibility sees both, whoever ran them. Read at scrape time, like the fleet gauges.
 */
import type { Client } from '@temporalio/client';

export interface ScheduledProcess {
  scheduleId: string;
  workflowType: string;
}

/** Per schedule id: its runs that closed Failed or TimedOut since `since`. */
export type ScheduledRunFailures = Record<string, number>;

/** The visibility query for one schedule's failed and timed-out runs closed since `since`. */
export function failedRunsQuery(process: ScheduledProcess, since: Date): string {
  return (
    `TemporalScheduledById = '${process.scheduleId.replace(/'/g, "\\'")}' AND WorkflowType = '${process.workflowType}' ` +
    `AND ExecutionStatus IN ('Failed', 'TimedOut') AND CloseTime >= '${since.toISOString()}'`
  );
}

/**
 * Counts, per schedule, the runs that failed or timed out since `since` (the worker's start): one
 * count query per schedule, at most once per `ttlMs`, however often /metrics is scraped.
 */
export function scheduledRunFailures(
  client: Client,
  processes: readonly ScheduledProcess[],
  since = new Date(),
  ttlMs = 15_000,
): () => Promise<ScheduledRunFailures> {
  let checked: { at: number; value: Promise<ScheduledRunFailures> } | undefined;
  const count = async (): Promise<ScheduledRunFailures> => {
    const counts: ScheduledRunFailures = {};
    for (const p of processes) counts[p.scheduleId] = (await client.workflow.count(failedRunsQuery(p, since))).count;
    return counts;
  };
  return () => {
    const now = Date.now();
    if (!checked || now - checked.at > ttlMs) {
      const value = count();
      checked = { at: now, value };
      value.catch(() => (checked = undefined));
    }
    return checked.value;
  };
}
