import { latestCycleSummary } from '../clients/temporal/cycles';
import { faultyEdgesMessage } from '../domain/edge-report';
import type { ActivityDeps } from './deps';

export interface EdgeReportResult {
  posted: boolean;
  faulty: number;
  cycleFinishedAt?: string;
}

export function createReportActivities({ config, temporal, slack, metrics }: ActivityDeps) {
  return {
    /** P1's Slack summary of the latest cycle's faulty edges; posts nothing when none are faulty. */
    async reportFaultyEdges(): Promise<EdgeReportResult> {
      const summary = await latestCycleSummary(temporal, config.temporal.taskQueue);
      if (!summary) return { posted: false, faulty: 0 };
      const message = faultyEdgesMessage(summary, {
        portalUrls: Object.fromEntries(config.velocloud.hosts.map((h) => [h.host, h.portalUrl])),
        dryRun: config.mode === 'dry-run',
        timezone: config.timezone,
      });
      if (!message) return { posted: false, faulty: 0, cycleFinishedAt: summary.finishedAt };
      try {
        await slack.postMessage(message);
        metrics.slackMessages.inc({ process: 'edge-monitoring', outcome: 'ok' });
      } catch (error) {
        metrics.slackMessages.inc({ process: 'edge-monitoring', outcome: 'error' });
        throw error;
      }
      return { posted: true, faulty: summary.faultyTotal, cycleFinishedAt: summary.finishedAt };
    },
  };
}
