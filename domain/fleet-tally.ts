/**
 * The running count of a fan-out over the fleet: edges and links by {host, enterprise, state},
 * the faulty edges, and the edges that could not be fetched. Compact and JSON-safe, because it
 * travels between child workflows, across continue-as-new, and ends in the cycle's result.
 */
import { displayEnterprise, edgeIdentity, faultReasons, isCountedLink, isFaulty, isOutage, type EdgeIdentity, type EdgeRef, type EdgeSummary } from './edges';

export interface FaultyEdge extends EdgeIdentity {
  state: string;
  reasons: string[];
  /** The P2 definition holds too (OFFLINE, or a counted link DISCONNECTED). */
  outage: boolean;
  lastContact: string | null;
}

export interface FetchFailure extends EdgeRef {
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
}

export interface StateCount {
  host: string;
  enterprise: string;
  state: string;
  count: number;
}

const MAX_FAILURES_KEPT = 50;

export function emptyTally(): FleetTally {
  return { processed: 0, failed: 0, edges: {}, links: {}, faulty: [], failures: [] };
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
    reasons: faultReasons(edge),
    outage: isOutage(edge),
    lastContact: edge.lastContact,
  };
}

export function addEdge(tally: FleetTally, edge: EdgeSummary): void {
  const enterprise = displayEnterprise(edge.enterpriseName);
  tally.processed += 1;
  bump(tally.edges, stateKey(edge.host, enterprise, edge.state));
  for (const link of edge.links) {
    if (isCountedLink(link)) bump(tally.links, stateKey(edge.host, enterprise, link.state));
  }
  if (isFaulty(edge)) tally.faulty.push(toFaultyEdge(edge));
}

export function addFailure(tally: FleetTally, ref: EdgeRef, error: string): void {
  tally.failed += 1;
  if (tally.failures.length < MAX_FAILURES_KEPT) tally.failures.push({ ...ref, error });
}

export function mergeTally(into: FleetTally, from: FleetTally): void {
  into.processed += from.processed;
  into.failed += from.failed;
  for (const [key, count] of Object.entries(from.edges)) bump(into.edges, key, count);
  for (const [key, count] of Object.entries(from.links)) bump(into.links, key, count);
  into.faulty.push(...from.faulty);
  into.failures.push(...from.failures.slice(0, Math.max(0, MAX_FAILURES_KEPT - into.failures.length)));
}

export function stateCounts(counts: Record<string, number>): StateCount[] {
  return Object.entries(counts)
    .map(([key, count]) => {
      const [host, enterprise, state] = JSON.parse(key) as [string, string, string];
      return { host, enterprise, state, count };
    })
    .sort((a, b) => a.host.localeCompare(b.host) || a.enterprise.localeCompare(b.enterprise) || a.state.localeCompare(b.state));
}
