/**
 * Completed monitoring cycles, as Temporal recorded them. A cycle's result is the truth every
 * worker's fleet gauges (the latest cycle) and the Slack summary (the cycles of its interval) are
 * built from.
 */
import type { Client } from '@temporalio/client';
import { mapWithConcurrency } from '../../domain/concurrency';
import { toCycleSummary, type CycleResult, type CycleSummary } from '../../domain/cycle-summary';

export const CYCLE_WORKFLOW_TYPE = 'edgeMonitoringCycleWorkflow';

function completedCyclesQuery(taskQueue: string): string {
  return `WorkflowType = '${CYCLE_WORKFLOW_TYPE}' AND ExecutionStatus = 'Completed' AND TaskQueue = '${taskQueue.replace(/'/g, "\\'")}'`;
}

interface CycleRun {
  workflowId: string;
  runId: string;
}

/** The most recently closed completed cycle on this task queue, from visibility. */
async function latestCycleRun(client: Client, taskQueue: string): Promise<CycleRun | undefined> {
  const query = completedCyclesQuery(taskQueue);
  let latest: (CycleRun & { closeTime: number }) | undefined;
  let seen = 0;
  for await (const execution of client.workflow.list({ query, pageSize: 10 })) {
    const closeTime = execution.closeTime?.getTime() ?? 0;
    if (!latest || closeTime > latest.closeTime) latest = { workflowId: execution.workflowId, runId: execution.runId, closeTime };
    if (++seen >= 10) break;
  }
  return latest;
}

/** Reads only the run's close event, however long its history; results of every release in the flat view. */
async function cycleResult(client: Client, run: CycleRun): Promise<CycleSummary> {
  return toCycleSummary((await client.workflow.getHandle(run.workflowId, run.runId).result()) as CycleResult | CycleSummary);
}

/** The report interval never holds more cycles than this (a 10 min interval holds five 2 min cycles). */
const MAX_CYCLES_IN_INTERVAL = 60;

/**
 * The results of the cycles that completed between `from` (exclusive) and `until` (inclusive),
 * oldest first; the latest MAX_CYCLES_IN_INTERVAL of them if an interval somehow holds more.
 */
export async function cycleSummariesClosedBetween(client: Client, taskQueue: string, from: Date, until: Date): Promise<CycleSummary[]> {
  const query = `${completedCyclesQuery(taskQueue)} AND CloseTime > '${from.toISOString()}' AND CloseTime <= '${until.toISOString()}'`;
  const runs: Array<CycleRun & { closeTime: number }> = [];
  for await (const execution of client.workflow.list({ query, pageSize: 100 })) {
    runs.push({ workflowId: execution.workflowId, runId: execution.runId, closeTime: execution.closeTime?.getTime() ?? 0 });
    if (runs.length >= 4 * MAX_CYCLES_IN_INTERVAL) break;
  }
  const latest = runs.sort((a, b) => b.closeTime - a.closeTime).slice(0, MAX_CYCLES_IN_INTERVAL).reverse();
  return mapWithConcurrency(latest, 4, (run) => cycleResult(client, run));
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
