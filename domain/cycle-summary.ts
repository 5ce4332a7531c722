/**
 * What one monitoring cycle returns: totals by state and the faulty edges, for metrics and reports.
 *
 * Two shapes: the cycle workflow returns a `CycleResult` (counts nested by host and enterprise, so
 * a fleet of 100,000 edges on 800 enterprises still fits well under Temporal's 512 KB payload
 * warning), and readers (fleet gauges, the Slack summary, the demo) get a `CycleSummary` with flat
 * rows from `toCycleSummary`, which also reads the results that earlier releases recorded.
 */
import {
  boundTally,
  stateCounts,
  type FaultyEdge,
  type FetchFailure,
  type FleetTally,
  type StateCount,
  type StateCounts,
  type UnlistedEnterprise,
} from './fleet-tally';

/** The faulty edges a result names (the worst first); beyond them only the count. */
export { MAX_FAULTY_KEPT as MAX_FAULTY_IN_SUMMARY } from './fleet-tally';

interface CycleTotals {
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  listed: number;
  processed: number;
  failed: number;
  faultyTotal: number;
  faulty: FaultyEdge[];
  failures: FetchFailure[];
  // The counts below are absent from the results of cycles recorded by earlier releases.
  /** Processed edges without a serial number (never ticketed). */
  noSerial?: number;
  /** Hosts whose enterprise list, and enterprises whose edge list, could not be read: their edges are not in `listed`. */
  unlistedHosts?: number;
  unlistedEnterprises?: number;
  /** The first of those, with host, enterprise and error. */
  unlisted?: UnlistedEnterprise[];
  /**
   * Set when the result names fewer faulty edges than `faultyTotal` (the worst are named), or when
   * the counts of this many small enterprises were folded into "(other enterprises)" to stay bounded.
   */
  faultyNamed?: number;
  foldedEnterprises?: number;
}

/** The flat view readers use: one row per {host, enterprise, state}. */
export interface CycleSummary extends CycleTotals {
  edges: StateCount[];
  links: StateCount[];
}

/** What `edgeMonitoringCycleWorkflow` returns (bounded whatever the fleet's size). */
export interface CycleResult extends CycleTotals {
  edgeCounts: StateCounts;
  linkCounts: StateCounts;
}

export function summarizeCycle(tally: FleetTally, listed: number, startedAt: number, finishedAt: number): CycleResult {
  boundTally(tally);
  return {
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date(finishedAt).toISOString(),
    durationSeconds: (finishedAt - startedAt) / 1000,
    listed,
    processed: tally.processed,
    failed: tally.failed,
    edgeCounts: tally.edges,
    linkCounts: tally.links,
    faultyTotal: tally.faultyTotal,
    faulty: tally.faulty,
    failures: tally.failures,
    noSerial: tally.noSerial,
    unlistedHosts: tally.unlistedHosts,
    unlistedEnterprises: tally.unlistedEnterprises,
    unlisted: tally.unlisted,
    ...(tally.faulty.length < tally.faultyTotal ? { faultyNamed: tally.faulty.length } : {}),
    ...(tally.foldedEnterprises ? { foldedEnterprises: tally.foldedEnterprises } : {}),
  };
}

/** A cycle's result as recorded by this or an earlier release, in the flat view readers use. */
export function toCycleSummary(result: CycleResult | CycleSummary): CycleSummary {
  if ('edges' in result && Array.isArray(result.edges)) return result;
  const { edgeCounts, linkCounts, ...totals } = result as CycleResult;
  return { ...totals, edges: stateCounts(edgeCounts), links: stateCounts(linkCounts) };
}
