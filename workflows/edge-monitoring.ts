/**
 * P1 Edge status monitoring: one cycle per schedule tick (overlap SKIP), fetching every edge's
 * status through the fleet fan-out and returning the compact cycle result that metrics and the
 * Slack report read.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { summarizeCycle, type CycleResult } from '../domain/cycle-summary';
import { fanOutOverFleet, type FanOutCursor, type FanOutOptions, type FanOutProgress } from './edge-fanout';

export interface EdgeMonitoringInput extends FanOutOptions {
  /** Set only by continue-as-new (a FanOutProgress in runs of earlier releases). */
  progress?: FanOutCursor | FanOutProgress;
}

const RECORD_CYCLE = { startToCloseTimeout: '30s', retry: { maximumAttempts: 3 } } as const;
/** Runs recorded before the fan-out by enterprise record the cycle with a remote activity. */
const { recordCycle } = proxyActivities<Activities>(RECORD_CYCLE);
/** A local activity: the cycle's last workflow task completes it at no extra billable action. */
const recordCycleLocally = proxyLocalActivities<Activities>(RECORD_CYCLE).recordCycle;

export async function edgeMonitoringCycleWorkflow(input: EdgeMonitoringInput = {}): Promise<CycleResult> {
  const { progress: resumed, ...options } = input;
  const outcome = await fanOutOverFleet('monitoring', options, resumed, (p) => [{ ...options, progress: p }]);
  const result = summarizeCycle(outcome.tally, outcome.listed, outcome.startedAt, Date.now());
  const { faulty: _faulty, edgeCounts: _edges, linkCounts: _links, ...totals } = result;
  await (outcome.legacy ? recordCycle : recordCycleLocally)(totals);
  return result;
}
