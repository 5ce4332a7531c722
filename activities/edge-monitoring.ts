import type { CycleResult } from '../domain/cycle-summary';
import type { ActivityDeps } from './deps';

export function createEdgeMonitoringActivities({ logger, metrics }: ActivityDeps) {
  return {
    /** Observes the cycle's duration and logs its totals; the gauges come from the cycle's result itself. */
    async recordCycle(summary: Omit<CycleResult, 'faulty' | 'edgeCounts' | 'linkCounts'>): Promise<void> {
      metrics.cycleDuration.observe(summary.durationSeconds);
      logger.info(
        {
          listed: summary.listed,
          processed: summary.processed,
          failed: summary.failed,
          faulty: summary.faultyTotal,
          durationSeconds: summary.durationSeconds,
          failures: summary.failures.slice(0, 5),
        },
        'edge monitoring cycle finished',
      );
    },
  };
}
