/**
 * The running count of a fan-out over the fleet: edges and links by {host, enterprise, state}
 * (states the engine does not know count under their own name), the faulty edges, the edges that
 * could not be fetched, the enterprises and hosts that could not be listed, and the edges without
 * a serial. Compact and JSON-safe, because it travels between child workflows, across
 * continue-as-new, and ends in the cycle's result.
 */
import {
  displayEnterprise,
  edgeIdentity,
  faultReasons,
  hasSerial,
  isCountedLink,
  isFaulty,
  isOutage,
  type EdgeIdentity,
  type EdgeRef,
  type EdgeSummary,
} from './edges';

export interface FaultyEdge extends EdgeIdentity {
  state: string;
  reasons: string[];
  /** The P2 definition holds too (OFFLINE, or a counted link DISCONNECTED). */
  outage: boolean;
  lastContact: string | null;
}

/** An edge that could not be fetched; `edgeId` is absent when its listing row had no usable id. */
export interface FetchFailure extends Omit<EdgeRef, 'edgeId'> {
  edgeId?: number;
  error: string;
}

/** An enterprise whose edges could not be listed, or (no enterpriseId) a host whose enterprises could not be. */
export interface UnlistedEnterprise {
  host: string;
  enterpriseId?: number;
  enterpriseName?: string;
  error: string;
}

export interface FleetTally {
  processed: number;
  failed: number;
  /** Keys are JSON `[host, enterprise, state]`; values are counts. */
  edges: Record<string, number>;
  links: Record<string, number>;
  faulty: FaultyEdge[];
  /** The first failures, for people to read; `failed` has the full count. */
  failures: FetchFailure[];
  /** Processed edges without a serial number: watched, never ticketed. */
  noSerial: number;
  unlistedHosts: number;
  unlistedEnterprises: number;
  /** The first hosts and enterprises that could not be listed, with why. */
  unlisted: UnlistedEnterprise[];
}

export interface StateCount {
  host: string;
  enterprise: string;
  state: string;
  count: number;
}

const MAX_FAILURES_KEPT = 50;
const MAX_UNLISTED_KEPT = 10;
/** Told to people beside the VCO's own reasons, so nobody waits for a ticket that cannot come. */
export const NO_SERIAL_REASON = 'no serial number (not ticketed)';

export function emptyTally(): FleetTally {
  return {
    processed: 0,
    failed: 0,
    edges: {},
    links: {},
    faulty: [],
    failures: [],
    noSerial: 0,
    unlistedHosts: 0,
    unlistedEnterprises: 0,
    unlisted: [],
  };
}

function stateKey(host: string, enterprise: string, state: string): string {
  return JSON.stringify([host, enterprise, state]);
}

function bump(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

export function toFaultyEdge(edge: EdgeSummary): FaultyEdge {
  return {
    ...edgeIdentity(edge),
    state: edge.state,
    reasons: hasSerial(edge) ? faultReasons(edge) : [...faultReasons(edge), NO_SERIAL_REASON],
    outage: isOutage(edge),
    lastContact: edge.lastContact,
  };
}

export function addEdge(tally: FleetTally, edge: EdgeSummary): void {
  const enterprise = displayEnterprise(edge.enterpriseName);
  tally.processed += 1;
  if (!hasSerial(edge)) tally.noSerial += 1;
  bump(tally.edges, stateKey(edge.host, enterprise, edge.state));
  for (const link of edge.links) {
    if (isCountedLink(link)) bump(tally.links, stateKey(edge.host, enterprise, link.state));
  }
  if (isFaulty(edge)) tally.faulty.push(toFaultyEdge(edge));
}

export function addFailure(tally: FleetTally, ref: Omit<FetchFailure, 'error'>, error: string): void {
  tally.failed += 1;
  if (tally.failures.length < MAX_FAILURES_KEPT) tally.failures.push({ ...ref, error });
}

export function addUnlisted(tally: FleetTally, unlisted: UnlistedEnterprise): void {
  if (unlisted.enterpriseId === undefined) tally.unlistedHosts += 1;
  else tally.unlistedEnterprises += 1;
  if (tally.unlisted.length < MAX_UNLISTED_KEPT) tally.unlisted.push(unlisted);
}

/** A tally as an older release recorded it (before the listing and serial counts), made whole. */
export function completeTally(tally: Partial<FleetTally>): FleetTally {
  return { ...emptyTally(), ...tally };
}

export function mergeTally(into: FleetTally, from: FleetTally): void {
  const other = completeTally(from);
  into.processed += other.processed;
  into.failed += other.failed;
  for (const [key, count] of Object.entries(other.edges)) bump(into.edges, key, count);
  for (const [key, count] of Object.entries(other.links)) bump(into.links, key, count);
  into.faulty.push(...other.faulty);
  into.failures.push(...other.failures.slice(0, Math.max(0, MAX_FAILURES_KEPT - into.failures.length)));
  into.noSerial += other.noSerial;
  into.unlistedHosts += other.unlistedHosts;
  into.unlistedEnterprises += other.unlistedEnterprises;
  into.unlisted.push(...other.unlisted.slice(0, Math.max(0, MAX_UNLISTED_KEPT - into.unlisted.length)));
}

export function stateCounts(counts: Record<string, number>): StateCount[] {
  return Object.entries(counts)
    .map(([key, count]) => {
      const [host, enterprise, state] = JSON.parse(key) as [string, string, string];
      return { host, enterprise, state, count };
    })
    .sort((a, b) => a.host.localeCompare(b.host) || a.enterprise.localeCompare(b.enterprise) || a.state.localeCompare(b.state));
}
