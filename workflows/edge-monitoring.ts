/**
 * P1 Edge status monitoring: one cycle per schedule tick (overlap SKIP), fetching every edge's
 * status through the fleet fan-out and returning the compact cycle summary that metrics and the
 * Slack report read.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { summarizeCycle, type CycleSummary } from '../domain/cycle-summary';
import { fanOutOverFleet, type FanOutOptions, type FanOutProgress } from './edge-fanout';

export interface EdgeMonitoringInput extends FanOutOptions {
  /** Set only by continue-as-new. */
  progress?: FanOutProgress;
}

const { recordCycle } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 3 },
});

export async function edgeMonitoringCycleWorkflow(input: EdgeMonitoringInput = {}): Promise<CycleSummary> {
  const { progress: resumed, ...options } = input;
  const progress = await fanOutOverFleet('monitoring', options, resumed, (p) => [{ ...options, progress: p }]);
  const summary = summarizeCycle(progress.tally, progress.listed, progress.startedAt, Date.now());
  const { faulty: _faulty, edges: _edges, links: _links, ...totals } = summary;
  await recordCycle(totals);
  return summary;
}
