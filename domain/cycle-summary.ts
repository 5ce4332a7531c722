/** What one monitoring cycle returns: totals by state and the faulty edges, for metrics and reports. */
import { stateCounts, type FaultyEdge, type FetchFailure, type FleetTally, type StateCount, type UnlistedEnterprise } from './fleet-tally';

/** The faulty edges a cycle result keeps by name; beyond this only the count (payloads stay well under 2 MB). */
export const MAX_FAULTY_IN_SUMMARY = 3_000;

export interface CycleSummary {
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  listed: number;
  processed: number;
  failed: number;
  edges: StateCount[];
  links: StateCount[];
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
}

export function summarizeCycle(tally: FleetTally, listed: number, startedAt: number, finishedAt: number): CycleSummary {
  return {
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date(finishedAt).toISOString(),
    durationSeconds: (finishedAt - startedAt) / 1000,
    listed,
    processed: tally.processed,
    failed: tally.failed,
    edges: stateCounts(tally.edges),
    links: stateCounts(tally.links),
    faultyTotal: tally.faulty.length,
    faulty: tally.faulty.slice(0, MAX_FAULTY_IN_SUMMARY),
    failures: tally.failures,
    noSerial: tally.noSerial,
    unlistedHosts: tally.unlistedHosts,
    unlistedEnterprises: tally.unlistedEnterprises,
    unlisted: tally.unlisted,
  };
}
