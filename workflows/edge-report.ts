import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { EdgeReportResult } from '../activities/reports';

const { reportFaultyEdges } = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  // Slack's 429 carries Retry-After; the activity failure's nextRetryDelay makes Temporal wait that long.
  retry: { initialInterval: '2s', maximumInterval: '1m', maximumAttempts: 10 },
});

/** P1's report: one Slack message per interval summarising the faulty edges of the latest cycle. */
export async function edgeStatusReportWorkflow(): Promise<EdgeReportResult> {
  return reportFaultyEdges();
}
