import { Context } from '@temporalio/activity';
import { cycleSummariesClosedBetween } from '../clients/temporal/cycles';
import { faultyEdgesMessage, summarizeInterval } from '../domain/edge-report';
import { PROCESS } from '../domain/search-attributes';
import { createNotifier, portalUrls } from './notify';
import type { ActivityDeps } from './deps';

export interface EdgeReportResult {
  posted: boolean;
  /** Edges faulty in any cycle of the interval. */
  faulty: number;
  /** Cycles that completed in the interval. */
  cycles?: number;
  /** When the latest of them finished. */
  cycleFinishedAt?: string;
}

export function createReportActivities(deps: ActivityDeps) {
  const { config, temporal } = deps;
  const notify = createNotifier(deps);
  return {
    /**
     * P1's Slack summary of the edges faulty in the cycles of the report interval that ends when
     * this activity was scheduled (the same interval for every retry); posts nothing when none are.
     */
    async reportFaultyEdges(): Promise<EdgeReportResult> {
      const until = Context.current().info.scheduledTimestampMs;
      const from = until - config.schedule.edgeReportInterval;
      const cycles = await cycleSummariesClosedBetween(temporal, config.temporal.taskQueue, new Date(from), new Date(until));
      const interval = summarizeInterval(cycles);
      if (!interval) return { posted: false, faulty: 0, cycles: 0 };
      const result = { faulty: interval.faultyTotal, cycles: interval.cycles, cycleFinishedAt: interval.latest.finishedAt };
      const message = faultyEdgesMessage(interval, {
        portalUrls: portalUrls(config),
        dryRun: config.mode === 'dry-run',
        timezone: config.timezone,
      });
      if (!message) return { posted: false, ...result };
      await notify.postToSlack(PROCESS.edgeMonitoring, message);
      return { posted: true, ...result };
    },
  };
}
