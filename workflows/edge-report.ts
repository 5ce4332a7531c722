import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { EdgeReportResult } from '../activities/reports';
import { NOTIFY } from './activity-options';

// NOTIFY's heartbeat timeout: a worker that dies mid-post is noticed in seconds, and the retry
// finds the post it made (activities/notify.ts).
const { reportFaultyEdges } = proxyActivities<Activities>(NOTIFY);

/** P1's report: one Slack message per interval summarising the edges faulty in the interval's cycles. */
export async function edgeStatusReportWorkflow(): Promise<EdgeReportResult> {
  return reportFaultyEdges();
}
