import { latestCycleSummary } from '../clients/temporal/cycles';
import { faultyEdgesMessage } from '../domain/edge-report';
import { PROCESS } from '../domain/search-attributes';
import { createNotifier, portalUrls } from './notify';
import type { ActivityDeps } from './deps';

export interface EdgeReportResult {
  posted: boolean;
  faulty: number;
  cycleFinishedAt?: string;
}

export function createReportActivities(deps: ActivityDeps) {
  const { config, temporal } = deps;
  const notify = createNotifier(deps);
  return {
    /** P1's Slack summary of the latest cycle's faulty edges; posts nothing when none are faulty. */
    async reportFaultyEdges(): Promise<EdgeReportResult> {
      const summary = await latestCycleSummary(temporal, config.temporal.taskQueue);
      if (!summary) return { posted: false, faulty: 0 };
      const message = faultyEdgesMessage(summary, {
        portalUrls: portalUrls(config),
        dryRun: config.mode === 'dry-run',
        timezone: config.timezone,
      });
      if (!message) return { posted: false, faulty: 0, cycleFinishedAt: summary.finishedAt };
      await notify.postToSlack(PROCESS.edgeMonitoring, message);
      return { posted: true, faulty: summary.faultyTotal, cycleFinishedAt: summary.finishedAt };
    },
  };
}
