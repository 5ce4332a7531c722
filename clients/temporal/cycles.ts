/**
 * The latest completed monitoring cycle, as Temporal recorded it. The cycle's result is the
 * truth every worker's fleet gauges and the Slack summary are built from.
 */
import type { Client } from '@temporalio/client';
import type { CycleSummary } from '../../domain/cycle-summary';

export const CYCLE_WORKFLOW_TYPE = 'edgeMonitoringCycleWorkflow';

export async function latestCycleSummary(client: Client, taskQueue: string): Promise<CycleSummary | undefined> {
  const query = `WorkflowType = '${CYCLE_WORKFLOW_TYPE}' AND ExecutionStatus = 'Completed' AND TaskQueue = '${taskQueue.replace(/'/g, "\\'")}'`;
  let latest: { workflowId: string; runId: string; closeTime: number } | undefined;
  let seen = 0;
  for await (const execution of client.workflow.list({ query, pageSize: 10 })) {
    const closeTime = execution.closeTime?.getTime() ?? 0;
    if (!latest || closeTime > latest.closeTime) latest = { workflowId: execution.workflowId, runId: execution.runId, closeTime };
    if (++seen >= 10) break;
  }
  if (!latest) return undefined;
  return client.workflow.getHandle(latest.workflowId, latest.runId).result() as Promise<CycleSummary>;
}

/** `latestCycleSummary` remembered for `ttlMs`, so frequent scrapes cost one visibility query at most. */
export function cachedLatestCycle(client: Client, taskQueue: string, ttlMs = 5_000): () => Promise<CycleSummary | undefined> {
  let cached: { at: number; value: Promise<CycleSummary | undefined> } | undefined;
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at > ttlMs) {
      const value = latestCycleSummary(client, taskQueue);
      cached = { at: now, value };
      value.catch(() => (cached = undefined));
    }
    return cached.value;
  };
}
