/**
 * P1's Slack summary of faulty edges: one message per report interval that groups the faulty
 * edges of the latest cycle by enterprise and state, names the worst ones with links to their
 * VCO pages, and gives the totals. Every outside value is escaped for mrkdwn.
 */
import type { CycleSummary } from './cycle-summary';
import { displayEnterprise, edgeUrl, OFFLINE } from './edges';
import type { FaultyEdge } from './fleet-tally';
import { escapeMrkdwn, mrkdwnSection, slackLink } from './notification-format';
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

/** Worst first: OFFLINE edges, then edges with more faults, then by name so the order is stable. */
export function severity(edge: FaultyEdge): number {
  return (edge.state === OFFLINE ? 100 : edge.state === 'CONNECTED' ? 0 : 50) + edge.reasons.length;
}

export function worstEdges(faulty: readonly FaultyEdge[], count: number): FaultyEdge[] {
  return [...faulty].sort((a, b) => severity(b) - severity(a) || a.name.localeCompare(b.name)).slice(0, count);
}

interface EnterpriseFaults {
  enterprise: string;
  total: number;
  byState: Map<string, number>;
}

/** Faulty edges per enterprise and per state (a link-only fault counts under `LINK DISCONNECTED`). */
export function faultsByEnterprise(faulty: readonly FaultyEdge[]): EnterpriseFaults[] {
  const byEnterprise = new Map<string, EnterpriseFaults>();
  for (const edge of faulty) {
    const enterprise = `${displayEnterprise(edge.enterpriseName)} (${edge.host})`;
    const entry = byEnterprise.get(enterprise) ?? { enterprise, total: 0, byState: new Map() };
    const state = edge.state === 'CONNECTED' ? 'LINK DISCONNECTED' : edge.state;
    entry.total += 1;
    entry.byState.set(state, (entry.byState.get(state) ?? 0) + 1);
    byEnterprise.set(enterprise, entry);
  }
  return [...byEnterprise.values()].sort((a, b) => b.total - a.total || a.enterprise.localeCompare(b.enterprise));
}

/** The message for a cycle, or undefined when nothing is faulty (then nothing is posted). */
export function faultyEdgesMessage(summary: CycleSummary, options: EdgeReportOptions): SlackMessage | undefined {
  if (summary.faultyTotal === 0) return undefined;
  const maxEdges = options.maxEdges ?? 10;
  const maxEnterprises = options.maxEnterprises ?? 15;
  const prefix = options.dryRun ? '[DRY RUN] ' : '';
  const title = `${prefix}${summary.faultyTotal} faulty edge${summary.faultyTotal === 1 ? '' : 's'} of ${summary.processed}`;
  const when = formatInZone(summary.finishedAt, options.timezone);

  const enterprises = faultsByEnterprise(summary.faulty);
  const enterpriseLines = enterprises.slice(0, maxEnterprises).map((e) => {
    const states = [...e.byState.entries()].map(([state, n]) => `${escapeMrkdwn(state)} ${n}`).join(', ');
    return `• *${escapeMrkdwn(e.enterprise)}*: ${states}`;
  });
  if (enterprises.length > maxEnterprises) enterpriseLines.push(`…and ${enterprises.length - maxEnterprises} more enterprises`);

  const worst = worstEdges(summary.faulty, maxEdges);
  const edgeLines = worst.map((edge) => {
    const portal = options.portalUrls[edge.host];
    const label = `${edge.name} (${edge.serial})`;
    const named = portal ? slackLink(edgeUrl(portal, edge), label) : escapeMrkdwn(label);
    return `• ${named}: ${escapeMrkdwn(edge.reasons.join(', '))} — ${escapeMrkdwn(displayEnterprise(edge.enterpriseName))}`;
  });

  const fleetStates = new Map<string, number>();
  for (const row of summary.edges) fleetStates.set(row.state, (fleetStates.get(row.state) ?? 0) + row.count);
  const totals = [...fleetStates.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([state, n]) => `${escapeMrkdwn(state)} ${n}`)
    .join(' · ');
  const failedNote = summary.failed ? ` · ${summary.failed} could not be fetched` : '';
  const footer = `Cycle finished ${when} · ${summary.processed} edges checked${failedNote} · ${totals}`;

  const text = [
    title,
    ...enterprises.slice(0, maxEnterprises).map((e) => `${e.enterprise}: ${[...e.byState.entries()].map(([s, n]) => `${s} ${n}`).join(', ')}`),
    ...worst.map((e) => `${e.name} (${e.serial}): ${e.reasons.join(', ')}`),
    footer,
  ].join('\n');

  return {
    // The fallback goes into notifications, where mrkdwn is not rendered but <!channel> still pings.
    text: escapeMrkdwn(text),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title } },
      { ...mrkdwnSection(`*Faulty edges by enterprise*\n${enterpriseLines.join('\n')}`) },
      { ...mrkdwnSection(`*Worst edges*\n${edgeLines.join('\n')}`) },
      { type: 'context', elements: [{ type: 'mrkdwn', text: footer }] },
    ],
  };
}
