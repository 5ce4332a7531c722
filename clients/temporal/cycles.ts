/**
 * The latest completed monitoring cycle, as Temporal recorded it. The cycle's result is the
 * truth every worker's fleet gauges and the Slack summary are built from.
 */
import type { Client } from '@temporalio/client';
import type { CycleSummary } from '../../domain/cycle-summary';

export const CYCLE_WORKFLOW_TYPE = 'edgeMonitoringCycleWorkflow';

interface CycleRun {
  workflowId: string;
  runId: string;
}

/** The most recently closed completed cycle on this task queue, from visibility. */
async function latestCycleRun(client: Client, taskQueue: string): Promise<CycleRun | undefined> {
  const query = `WorkflowType = '${CYCLE_WORKFLOW_TYPE}' AND ExecutionStatus = 'Completed' AND TaskQueue = '${taskQueue.replace(/'/g, "\\'")}'`;
  let latest: (CycleRun & { closeTime: number }) | undefined;
  let seen = 0;
  for await (const execution of client.workflow.list({ query, pageSize: 10 })) {
    const closeTime = execution.closeTime?.getTime() ?? 0;
    if (!latest || closeTime > latest.closeTime) latest = { workflowId: execution.workflowId, runId: execution.runId, closeTime };
    if (++seen >= 10) break;
  }
  return latest;
}

async function cycleResult(client: Client, run: CycleRun): Promise<CycleSummary> {
  return (await client.workflow.getHandle(run.workflowId, run.runId).result()) as CycleSummary;
}

export async function latestCycleSummary(client: Client, taskQueue: string): Promise<CycleSummary | undefined> {
  const run = await latestCycleRun(client, taskQueue);
  return run && cycleResult(client, run);
}

/**
 * `latestCycleSummary` for frequent readers (every scrape of /metrics): at most one visibility
 * query per `ttlMs`, and a cycle's result is fetched once, not on every scrape.
 */
export function cachedLatestCycle(client: Client, taskQueue: string, ttlMs = 5_000): () => Promise<CycleSummary | undefined> {
  let checked: { at: number; value: Promise<CycleSummary | undefined> } | undefined;
  let known: { runId: string; summary: CycleSummary } | undefined;
  const refresh = async () => {
    const run = await latestCycleRun(client, taskQueue);
    if (!run) return undefined;
    if (known?.runId !== run.runId) known = { runId: run.runId, summary: await cycleResult(client, run) };
    return known.summary;
  };
  return () => {
    const now = Date.now();
    if (!checked || now - checked.at > ttlMs) {
      const value = refresh();
      checked = { at: now, value };
      value.catch(() => (checked = undefined));
    }
    return checked.value;
  };
}
