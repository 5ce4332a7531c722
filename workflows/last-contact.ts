/**
 * P5 Last contact report: monthly (cron in TIMEZONE), one listing activity per orchestrator, then
 * one e-mail. The report date is the workflow's own clock, so every host is judged against the same
 * instant and a replay computes the same report.
 */
import { ActivityFailure, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { StaleEdge } from '../domain/last-contact';
import { REPORT_EMAIL } from './activity-options';

const { lastContactHosts } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 3 },
});

const { findStaleEdges } = proxyActivities<Activities>({
  startToCloseTimeout: '15m',
  heartbeatTimeout: '1m',
  retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '2m', maximumAttempts: 5 },
});

const { emailLastContactReport } = proxyActivities<Activities>(REPORT_EMAIL);

export interface LastContactResult {
  asOf: string;
  edges: number;
  /** Orchestrators that could not be listed: the report says it is incomplete. */
  missingHosts: string[];
  recipients: number;
}

export async function lastContactReportWorkflow(): Promise<LastContactResult> {
  const asOf = new Date().toISOString();
  const hosts = await lastContactHosts();
  const missingHosts: string[] = [];
  const perHost = await Promise.all(
    hosts.map(async (host): Promise<StaleEdge[]> => {
      try {
        return await findStaleEdges({ host, asOf });
      } catch (error) {
        if (!(error instanceof ActivityFailure)) throw error;
        log.warn('orchestrator not listed for the last contact report', { host, error: error.message });
        missingHosts.push(host);
        return [];
      }
    }),
  );
  const edges = perHost.flat();
  const { recipients } = await emailLastContactReport({ asOf, edges, missingHosts, runId: workflowInfo().runId });
  return { asOf, edges: edges.length, missingHosts, recipients };
}
