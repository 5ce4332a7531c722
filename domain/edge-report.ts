/**
 * P1's Slack summary of faulty edges: one message per report interval covering every cycle that
 * completed in it, as the system this one replaces kept its statistics per interval. It groups the
 * edges faulty in any of those cycles by enterprise and state, names the worst ones (faulty in the
 * most cycles first) with links to their VCO pages and in how many cycles they were faulty, counts
 * the rest, and gives the fleet's totals from the latest cycle. Every outside value is escaped for
 * mrkdwn, and the message stays within Slack's block limits however large the fleet.
 */
import type { CycleSummary } from './cycle-summary';
import { displayEnterprise, edgeUrl, OFFLINE } from './edges';
import type { FaultyEdge, StateCount } from './fleet-tally';
import { escapeMrkdwn, mrkdwnSection, slackLink, truncateMrkdwn } from './notification-format';
import { formatInZone } from './time';

/** A Block Kit message: escaped plain-text fallback plus blocks. */
export interface SlackMessage {
  text: string;
  blocks: Array<{ type: string; [field: string]: unknown }>;
}

export interface EdgeReportOptions {
  /** VCO portal origin by host, for the edge links. */
  portalUrls: Record<string, string>;
  dryRun: boolean;
  timezone: string;
  maxEdges?: number;
  maxEnterprises?: number;
}

/** An edge faulty in at least one cycle of the interval, as the latest of those cycles saw it. */
export interface IntervalFaultyEdge extends FaultyEdge {
  /** In how many of the interval's cycles it was faulty. */
  faultyCycles: number;
}

/** What the cycles of one report interval add up to. */
export interface IntervalSummary {
  cycles: number;
  firstFinishedAt: string;
  /** The latest cycle: the fleet's totals in the message are its. */
  latest: CycleSummary;
  /** Every edge a cycle named as faulty, worst first. */
  faulty: IntervalFaultyEdge[];
  /**
   * Edges faulty in any cycle. A cycle names at most MAX_FAULTY_IN_SUMMARY of its faulty edges, so
   * this is at least the largest count of any one cycle, and may exceed `faulty.length`.
   */
  faultyTotal: number;
}

/** Worst first: OFFLINE edges, then other edge states, then edges with more faults. */
export function severity(edge: FaultyEdge): number {
  return (edge.state === OFFLINE ? 100 : edge.state === 'CONNECTED' ? 0 : 50) + edge.reasons.length;
}

/** Faulty in more cycles first, then by severity, then by name so the order is stable. */
export function worstEdges<E extends FaultyEdge & { faultyCycles?: number }>(faulty: readonly E[], count: number): E[] {
  return [...faulty]
    .sort((a, b) => (b.faultyCycles ?? 1) - (a.faultyCycles ?? 1) || severity(b) - severity(a) || a.name.localeCompare(b.name))
    .slice(0, count);
}

/**
 * The state an edge is counted under: its own edge state (whatever the VCO called it), or for a
 * CONNECTED edge its first link fault without the interface (`LINK DISCONNECTED`, or an unknown
 * link state under its own name).
 */
export function faultState(edge: FaultyEdge): string {
  if (edge.state !== 'CONNECTED') return edge.state;
  const linkFault = edge.reasons[0]?.replace(/^\S+\s+/, '');
  return `LINK ${linkFault || 'DISCONNECTED'}`;
}

interface EnterpriseFaults {
  enterprise: string;
  total: number;
  byState: Map<string, number>;
}

/** Faulty edges per enterprise and per state. */
export function faultsByEnterprise(faulty: readonly FaultyEdge[]): EnterpriseFaults[] {
  const byEnterprise = new Map<string, EnterpriseFaults>();
  for (const edge of faulty) {
    const enterprise = `${displayEnterprise(edge.enterpriseName)} (${edge.host})`;
    const entry = byEnterprise.get(enterprise) ?? { enterprise, total: 0, byState: new Map() };
    const state = faultState(edge);
    entry.total += 1;
    entry.byState.set(state, (entry.byState.get(state) ?? 0) + 1);
    byEnterprise.set(enterprise, entry);
  }
  return [...byEnterprise.values()].sort((a, b) => b.total - a.total || a.enterprise.localeCompare(b.enterprise));
}

/** The interval's cycles added up; undefined when no cycle completed in it. */
export function summarizeInterval(cycles: readonly CycleSummary[]): IntervalSummary | undefined {
  const ordered = [...cycles].sort((a, b) => a.finishedAt.localeCompare(b.finishedAt));
  const first = ordered[0];
  const latest = ordered.at(-1);
  if (!first || !latest) return undefined;
  const byEdge = new Map<string, IntervalFaultyEdge>();
  for (const cycle of ordered) {
    for (const edge of cycle.faulty) {
      const key = JSON.stringify([edge.host, edge.enterpriseId, edge.edgeId]);
      byEdge.set(key, { ...edge, faultyCycles: (byEdge.get(key)?.faultyCycles ?? 0) + 1 });
    }
  }
  const faulty = worstEdges([...byEdge.values()], byEdge.size);
  const faultyTotal = Math.max(faulty.length, ...ordered.map((c) => c.faultyTotal));
  return { cycles: ordered.length, firstFinishedAt: first.finishedAt, latest, faulty, faultyTotal };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function stateTotals(rows: readonly StateCount[]): string {
  const byState = new Map<string, number>();
  for (const row of rows) byState.set(row.state, (byState.get(row.state) ?? 0) + row.count);
  return [...byState.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([state, n]) => `${state} ${n}`)
    .join(' · ');
}

/** Slack's limit for a context block's text element. */
const CONTEXT_TEXT_LIMIT = 2000;

/** The message for an interval, or undefined when no edge was faulty in it (then nothing is posted). */
export function faultyEdgesMessage(interval: IntervalSummary, options: EdgeReportOptions): SlackMessage | undefined {
  if (interval.faultyTotal === 0) return undefined;
  const { latest, cycles } = interval;
  const maxEdges = options.maxEdges ?? 10;
  const maxEnterprises = options.maxEnterprises ?? 15;
  const prefix = options.dryRun ? '[DRY RUN] ' : '';
  const title = `${prefix}${plural(interval.faultyTotal, 'faulty edge')} of ${latest.processed} in the last ${cycles === 1 ? 'cycle' : plural(cycles, 'cycle')}`;
  const from = formatInZone(interval.firstFinishedAt, options.timezone);
  const until = formatInZone(latest.finishedAt, options.timezone);
  const inCycles = (edge: IntervalFaultyEdge) => `faulty in ${edge.faultyCycles} of ${plural(cycles, 'cycle')}`;

  const enterprises = faultsByEnterprise(interval.faulty);
  const enterpriseSummary = (e: EnterpriseFaults) => [...e.byState.entries()].map(([state, n]) => `${state} ${n}`).join(', ');
  const enterpriseLines = enterprises.slice(0, maxEnterprises).map((e) => `• *${escapeMrkdwn(e.enterprise)}*: ${escapeMrkdwn(enterpriseSummary(e))}`);
  if (enterprises.length > maxEnterprises) enterpriseLines.push(`…and ${plural(enterprises.length - maxEnterprises, 'more enterprise')}`);

  const worst = interval.faulty.slice(0, maxEdges);
  const edgeLines = worst.map((edge) => {
    const portal = options.portalUrls[edge.host];
    const label = `${edge.name} (${edge.serial})`;
    const named = portal ? slackLink(edgeUrl(portal, edge), label) : escapeMrkdwn(label);
    return `• ${named}: ${escapeMrkdwn(edge.reasons.join(', '))} — ${inCycles(edge)} — ${escapeMrkdwn(displayEnterprise(edge.enterpriseName))}`;
  });
  const unnamed = interval.faultyTotal - worst.length;
  if (unnamed > 0) edgeLines.push(`…and ${plural(unnamed, 'more faulty edge')}`);

  const failedNote = latest.failed ? ` · ${latest.failed} could not be fetched` : '';
  const period = cycles === 1 ? `Cycle finished ${until}` : `${cycles} cycles finished ${from} – ${until}`;
  const footer = `${period} · ${latest.processed} edges checked in the latest${failedNote} · edges: ${stateTotals(latest.edges)} · links: ${stateTotals(latest.links)}`;

  const text = [
    title,
    ...enterprises.slice(0, maxEnterprises).map((e) => `${e.enterprise}: ${enterpriseSummary(e)}`),
    ...worst.map((e) => `${e.name} (${e.serial}): ${e.reasons.join(', ')}, ${inCycles(e)}`),
    footer,
  ].join('\n');

  return {
    // The fallback goes into notifications, where mrkdwn is not rendered but <!channel> still pings.
    text: escapeMrkdwn(text),
    blocks: [
      // Slack refuses a header over 150 characters; ours is a count and a few words.
      { type: 'header', text: { type: 'plain_text', text: title } },
      { ...mrkdwnSection(`*Faulty edges by enterprise*\n${enterpriseLines.join('\n')}`) },
      { ...mrkdwnSection(`*Worst edges*\n${edgeLines.join('\n')}`) },
      { type: 'context', elements: [{ type: 'mrkdwn', text: truncateMrkdwn(escapeMrkdwn(footer), CONTEXT_TEXT_LIMIT) }] },
    ],
  };
}
