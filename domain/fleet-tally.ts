/**
 * The running count of a fan-out over the fleet: edges listed, edges and links by {host,
 * enterprise, state} (states the engine does not know count under their own name), the faulty
 * edges, the edges that could not be fetched, the enterprises and hosts that could not be listed,
 * and the edges without a serial. Compact, JSON-safe and bounded whatever the fleet's size and the
 * number of faulty edges, because it travels between child workflows, across continue-as-new, and
 * ends in the cycle's result: beyond a bound it keeps counts and the worst edges by name, and says so.
 */
import {
  displayEnterprise,
  edgeIdentity,
  faultReasons,
  hasSerial,
  isCountedLink,
  isFaulty,
  isOutage,
  OFFLINE,
  CONNECTED,
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

/** Counts by host, then enterprise (as people know it), then state: `{host: {enterprise: {state: n}}}`. */
export type StateCounts = Record<string, Record<string, Record<string, number>>>;

export interface FleetTally {
  /** Edges the listing named, rows without a usable id included. */
  listed: number;
  processed: number;
  failed: number;
  edges: StateCounts;
  links: StateCounts;
  /** Every faulty edge; `faulty` names the worst of them (at most MAX_FAULTY_KEPT). */
  faultyTotal: number;
  /** Faulty edges in outage by P2's definition, all of them counted. */
  outages: number;
  faulty: FaultyEdge[];
  /** The first failures, for people to read; `failed` has the full count. */
  failures: FetchFailure[];
  /** Processed edges without a serial number: watched, never ticketed. */
  noSerial: number;
  unlistedHosts: number;
  unlistedEnterprises: number;
  /** The first hosts and enterprises that could not be listed, with why. */
  unlisted: UnlistedEnterprise[];
  /** Enterprises whose counts were folded into OTHER_ENTERPRISES to keep the tally under its size bound. */
  foldedEnterprises: number;
}

export interface StateCount {
  host: string;
  enterprise: string;
  state: string;
  count: number;
}

/** The faulty edges named in a tally: ~280 bytes each, so at most ~280 KB. The rest are counted. */
export const MAX_FAULTY_KEPT = 1_000;
const MAX_FAILURES_KEPT = 50;
const MAX_UNLISTED_KEPT = 10;
/**
 * What a tally may weigh as JSON once bounded: under Temporal's 512 KB payload warning with room for
 * the rest of a workflow input or result around it.
 */
export const TALLY_BUDGET_BYTES = 400_000;
/** Where the counts of the smallest enterprises go when a host has too many to name each one. */
export const OTHER_ENTERPRISES = '(other enterprises)';
/** Told to people beside the VCO's own reasons, so nobody waits for a ticket that cannot come. */
export const NO_SERIAL_REASON = 'no serial number (not ticketed)';

export function emptyTally(): FleetTally {
  return {
    listed: 0,
    processed: 0,
    failed: 0,
    edges: {},
    links: {},
    faultyTotal: 0,
    outages: 0,
    faulty: [],
    failures: [],
    noSerial: 0,
    unlistedHosts: 0,
    unlistedEnterprises: 0,
    unlisted: [],
    foldedEnterprises: 0,
  };
}

function bump(counts: StateCounts, host: string, enterprise: string, state: string, by = 1): void {
  const byEnterprise = (counts[host] ??= {});
  const byState = (byEnterprise[enterprise] ??= {});
  byState[state] = (byState[state] ?? 0) + by;
}

function mergeCounts(into: StateCounts, from: StateCounts): void {
  for (const [host, enterprises] of Object.entries(from)) {
    for (const [enterprise, states] of Object.entries(enterprises)) {
      for (const [state, count] of Object.entries(states)) bump(into, host, enterprise, state, count);
    }
  }
}

/** Worst first, as the Slack summary orders them: OFFLINE, then other states, then link faults; more reasons first. */
export function faultSeverity(edge: Pick<FaultyEdge, 'state' | 'reasons'>): number {
  return (edge.state === OFFLINE ? 100 : edge.state === CONNECTED ? 0 : 50) + edge.reasons.length;
}

function worstFirst(a: FaultyEdge, b: FaultyEdge): number {
  return (
    faultSeverity(b) - faultSeverity(a) ||
    (a.host < b.host ? -1 : a.host > b.host ? 1 : 0) ||
    a.enterpriseId - b.enterpriseId ||
    a.edgeId - b.edgeId
  );
}

/** Keeps the worst `max` faulty edges; the same edges whatever order the chunks finished in. */
function trimFaulty(tally: FleetTally, max: number): void {
  if (tally.faulty.length <= max) return;
  tally.faulty.sort(worstFirst);
  tally.faulty.length = max;
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
  bump(tally.edges, edge.host, enterprise, edge.state);
  for (const link of edge.links) {
    if (isCountedLink(link)) bump(tally.links, edge.host, enterprise, link.state);
  }
  if (isFaulty(edge)) {
    const faulty = toFaultyEdge(edge);
    tally.faultyTotal += 1;
    if (faulty.outage) tally.outages += 1;
    tally.faulty.push(faulty);
    // Trimmed now and then, not on every edge: sorting is what it costs.
    if (tally.faulty.length >= 2 * MAX_FAULTY_KEPT) trimFaulty(tally, MAX_FAULTY_KEPT);
  }
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

/** Counts of earlier releases were keyed by JSON `[host, enterprise, state]`. */
function nestedCounts(counts: StateCounts | Record<string, number> | undefined): StateCounts {
  const nested: StateCounts = {};
  for (const [key, value] of Object.entries(counts ?? {}) as Array<[string, number | Record<string, Record<string, number>>]>) {
    if (typeof value === 'number') {
      const [host, enterprise, state] = JSON.parse(key) as [string, string, string];
      bump(nested, host, enterprise, state, value);
    } else {
      mergeCounts(nested, { [key]: value });
    }
  }
  return nested;
}

/** A tally as any release recorded it (a child's result, a continue-as-new input), made whole in today's shape. */
export function completeTally(tally: Partial<FleetTally> | Record<string, unknown>): FleetTally {
  const t = tally as Partial<FleetTally>;
  const faulty = t.faulty ?? [];
  return {
    ...emptyTally(),
    ...t,
    edges: nestedCounts(t.edges),
    links: nestedCounts(t.links),
    faulty: [...faulty],
    faultyTotal: t.faultyTotal ?? faulty.length,
    outages: t.outages ?? faulty.filter((edge) => edge.outage).length,
    failures: [...(t.failures ?? [])],
    unlisted: [...(t.unlisted ?? [])],
  };
}

export function mergeTally(into: FleetTally, from: FleetTally): void {
  const other = completeTally(from);
  into.listed += other.listed;
  into.processed += other.processed;
  into.failed += other.failed;
  mergeCounts(into.edges, other.edges);
  mergeCounts(into.links, other.links);
  into.faultyTotal += other.faultyTotal;
  into.outages += other.outages;
  into.faulty.push(...other.faulty);
  if (into.faulty.length >= 2 * MAX_FAULTY_KEPT) trimFaulty(into, MAX_FAULTY_KEPT);
  into.failures.push(...other.failures.slice(0, Math.max(0, MAX_FAILURES_KEPT - into.failures.length)));
  into.noSerial += other.noSerial;
  into.unlistedHosts += other.unlistedHosts;
  into.unlistedEnterprises += other.unlistedEnterprises;
  into.unlisted.push(...other.unlisted.slice(0, Math.max(0, MAX_UNLISTED_KEPT - into.unlisted.length)));
  into.foldedEnterprises += other.foldedEnterprises;
}

function jsonBytes(value: unknown): number {
  // Characters, not UTF-8 bytes: close enough for enterprise names, and the budget leaves room.
  return JSON.stringify(value).length;
}

/**
 * Folds the counts of each host's smallest enterprises into OTHER_ENTERPRISES until `counts` and
 * `links` together weigh at most `budget`. Returns how many enterprises were folded.
 */
function foldCounts(tally: FleetTally, budget: number): number {
  let folded = 0;
  while (jsonBytes(tally.edges) + jsonBytes(tally.links) > budget) {
    // Fold a quarter of every host's named enterprises at a time, smallest first.
    let foldedNow = 0;
    for (const [host, enterprises] of Object.entries(tally.edges)) {
      const named = Object.entries(enterprises)
        .filter(([name]) => name !== OTHER_ENTERPRISES)
        .map(([name, states]) => ({ name, size: Object.values(states).reduce((n, c) => n + c, 0) }))
        .sort((a, b) => a.size - b.size || (a.name < b.name ? -1 : 1));
      for (const { name } of named.slice(0, Math.ceil(named.length / 4))) {
        for (const counts of [tally.edges, tally.links]) {
          const states = counts[host]?.[name];
          if (!states) continue;
          delete counts[host]![name];
          for (const [state, count] of Object.entries(states)) bump(counts, host, OTHER_ENTERPRISES, state, count);
        }
        foldedNow += 1;
      }
    }
    if (!foldedNow) break;
    folded += foldedNow;
  }
  return folded;
}

/**
 * Makes the tally fit its bounds before it leaves a workflow: the worst MAX_FAULTY_KEPT faulty edges
 * by name (fewer if the counts leave no room), then, past TALLY_BUDGET_BYTES, the smallest
 * enterprises' counts folded together. Totals are never lost: faultyTotal, outages and every state
 * count stay exact.
 */
export function boundTally(tally: FleetTally, budget = TALLY_BUDGET_BYTES): FleetTally {
  trimFaulty(tally, MAX_FAULTY_KEPT);
  const countsBudget = Math.floor(budget / 2);
  tally.foldedEnterprises += foldCounts(tally, countsBudget);
  let size = jsonBytes(tally);
  while (size > budget && tally.faulty.length) {
    trimFaulty(tally, Math.floor(tally.faulty.length / 2));
    size = jsonBytes(tally);
  }
  return tally;
}

export function stateCounts(counts: StateCounts): StateCount[] {
  const rows: StateCount[] = [];
  for (const [host, enterprises] of Object.entries(counts)) {
    for (const [enterprise, states] of Object.entries(enterprises)) {
      for (const [state, count] of Object.entries(states)) rows.push({ host, enterprise, state, count });
    }
  }
  return rows.sort((a, b) => a.host.localeCompare(b.host) || a.enterprise.localeCompare(b.enterprise) || a.state.localeCompare(b.state));
}
