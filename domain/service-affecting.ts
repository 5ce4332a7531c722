/**
 * P3 Service affecting monitor (SPEC §4): which counted links of a monitored edge are in trouble,
 * and the note that names a trouble on a VAS ticket. "Above" is strictly greater: a wired link at
 * exactly 50 ms is still healthy.
 */
import { DateTime } from 'luxon';
import { formatDuration } from './duration';
import { countedLinks, displayEnterprise, edgeUrl, isWireless, type EdgeRef } from './edges';
import { engineNote, isEngineNote, noteFields, oneLine, vcoLinksLine } from './engine-notes';
import { escapeHtml, escapeMrkdwn, mrkdwnSection, slackLink, type MrkdwnSectionBlock } from './notification-format';
import { autoResolveRefusal, RESOLVE_NOTE_TITLE, type AutoResolvePolicy, type ResolveFacts, type ResolveRefusal } from './incidents';

/** The troubles P3 tickets; each name is distinct and none is part of another (a note names a trouble by its name). */
export const TROUBLE_KINDS = ['Latency', 'Packet Loss', 'Jitter', 'Bandwidth Over Utilization', 'Circuit Instability'] as const;
export type TroubleKind = (typeof TROUBLE_KINDS)[number];

export interface TroubleLimit {
  wired: number;
  wireless: number;
  unit: string;
}
export type TroubleThresholds = Record<TroubleKind, TroubleLimit>;

/**
 * Default limits by trouble and medium: milliseconds for latency and jitter, percent for packet loss
 * and for bandwidth (used share of `bpsOfBestPath`), LINK_DEAD events in the look-back for circuit
 * instability. Operators change them with SERVICE_AFFECTING_* (config/index.ts).
 */
export const TROUBLE_THRESHOLDS: TroubleThresholds = {
  Latency: { wired: 50, wireless: 120, unit: 'ms' },
  'Packet Loss': { wired: 5, wireless: 8, unit: '%' },
  Jitter: { wired: 50, wireless: 50, unit: 'ms' },
  'Bandwidth Over Utilization': { wired: 80, wireless: 80, unit: '%' },
  'Circuit Instability': { wired: 10, wireless: 10, unit: 'events' },
};

/** Bytes moved over a look-back, beside the path's capacity: what bandwidth utilisation is made of. */
export interface LinkBandwidth {
  bytesRx: number;
  bytesTx: number;
  bpsOfBestPathRx: number;
  bpsOfBestPathTx: number;
  /** The look-back the bytes were counted over. */
  lookbackMs: number;
}

/** A link's metrics over the scan window, as the scan activity hands them over. */
export interface LinkSample {
  interface: string;
  displayName: string;
  backupState: string;
  serviceGroups: string[];
  bestLatencyMsRx: number;
  bestLatencyMsTx: number;
  bestLossPctRx: number;
  bestLossPctTx: number;
  /** Absent: not measured, so no jitter trouble can be found. */
  bestJitterMsRx?: number;
  bestJitterMsTx?: number;
  bandwidth?: LinkBandwidth;
  /** LINK_DEAD events of this link within `deadEventsLookbackMs`. */
  deadEvents?: number;
  deadEventsLookbackMs?: number;
}

export interface LinkTrouble {
  kind: TroubleKind;
  interface: string;
  linkName: string;
  wireless: boolean;
  threshold: number;
  /** Received (input) and sent (output) values over the window. */
  rx: number;
  tx: number;
  /** The window the values cover, where it is not the scan's (bandwidth, circuit instability). */
  lookbackMs?: number;
}

/** Percent of the path's capacity used over the look-back; 0 when the VCO does not know the capacity. */
export function utilisationPct(bytes: number, lookbackMs: number, bps: number): number {
  if (!(bps > 0) || !(lookbackMs > 0)) return 0;
  return ((bytes * 8) / (lookbackMs / 1000) / bps) * 100;
}

function measured(link: LinkSample, kind: TroubleKind): { rx: number; tx: number; lookbackMs?: number } | undefined {
  switch (kind) {
    case 'Latency':
      return { rx: link.bestLatencyMsRx, tx: link.bestLatencyMsTx };
    case 'Packet Loss':
      return { rx: link.bestLossPctRx, tx: link.bestLossPctTx };
    case 'Jitter':
      return link.bestJitterMsRx === undefined && link.bestJitterMsTx === undefined ? undefined : { rx: link.bestJitterMsRx ?? 0, tx: link.bestJitterMsTx ?? 0 };
    case 'Bandwidth Over Utilization': {
      const b = link.bandwidth;
      if (!b) return undefined;
      return {
        rx: utilisationPct(b.bytesRx, b.lookbackMs, b.bpsOfBestPathRx),
        tx: utilisationPct(b.bytesTx, b.lookbackMs, b.bpsOfBestPathTx),
        lookbackMs: b.lookbackMs,
      };
    }
    case 'Circuit Instability':
      return link.deadEvents === undefined ? undefined : { rx: link.deadEvents, tx: link.deadEvents, lookbackMs: link.deadEventsLookbackMs };
  }
}

/** Circuit instability counts events: reaching the limit is a trouble. Every other limit must be exceeded. */
function beyond(kind: TroubleKind, value: number, threshold: number): boolean {
  return kind === 'Circuit Instability' ? value >= threshold : value > threshold;
}

/** The troubles of one link: a trouble when either direction is beyond the limit. */
export function linkTroubles(link: LinkSample, thresholds: TroubleThresholds = TROUBLE_THRESHOLDS): LinkTrouble[] {
  const wireless = isWireless(link.serviceGroups);
  return TROUBLE_KINDS.flatMap((kind) => {
    const threshold = thresholds[kind][wireless ? 'wireless' : 'wired'];
    const values = measured(link, kind);
    if (!values || !(beyond(kind, values.rx, threshold) || beyond(kind, values.tx, threshold))) return [];
    const { rx, tx, lookbackMs } = values;
    return [{ kind, interface: link.interface, linkName: link.displayName, wireless, threshold, rx, tx, ...(lookbackMs ? { lookbackMs } : {}) }];
  });
}

/** LINK_DEAD events per interface ("Link GE1 is now DEAD"); events that name no link are not counted. */
export function linkDeadCounts(events: readonly { event: string; message: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { event, message } of events) {
    if (event !== 'LINK_DEAD') continue;
    const link = /\bLink\s+(\S+)\s+is\s+now\s+DEAD/i.exec(message)?.[1];
    if (link) counts.set(link, (counts.get(link) ?? 0) + 1);
  }
  return counts;
}

/**
 * Troubles of a device: only counted links (not STANDBY) that carry service groups, because a link
 * without them cannot be told wired from wireless and carries no business traffic.
 */
export function deviceTroubles(links: readonly LinkSample[], thresholds: TroubleThresholds = TROUBLE_THRESHOLDS): LinkTrouble[] {
  return countedLinks(links)
    .filter((link) => link.serviceGroups.length > 0)
    .flatMap((link) => linkTroubles(link, thresholds));
}

/** When a ticketed device counts as recovered (SERVICE_AFFECTING_RESOLVE_*). */
export interface RecoveryRule {
  /** Every metric within its limit over this look-back. */
  quietMs: number;
  /** Fewer LINK_DEAD events than this on every link over the instability look-back. */
  instabilityBelow: number;
}

/**
 * A device whose VAS ticket may be auto-resolved: connected, and over the recovery look-back no
 * counted link has any trouble, with circuit instability held to the stricter recovery limit.
 */
export function deviceRecovered(
  device: { edgeState: string; links: readonly LinkSample[] },
  thresholds: TroubleThresholds,
  rule: Pick<RecoveryRule, 'instabilityBelow'>,
): boolean {
  if (device.edgeState !== 'CONNECTED') return false;
  const below = rule.instabilityBelow;
  return deviceTroubles(device.links, { ...thresholds, 'Circuit Instability': { ...thresholds['Circuit Instability'], wired: below, wireless: below } }).length === 0;
}

/** One trouble on one device, everything a ticket, a note, a dry-run e-mail and Slack need. */
export interface TroubleReport extends EdgeRef {
  serial: string;
  edgeName: string;
  enterpriseName: string;
  clientId: number;
  trouble: LinkTrouble;
  /** ISO times of the metrics window. */
  scanStart: string;
  scanEnd: string;
}

const troubleSlug = (trouble: Pick<LinkTrouble, 'interface' | 'kind'>) => `${trouble.interface}-${trouble.kind.toLowerCase().replace(/\s+/g, '-')}`;

/**
 * `service-affecting-<host>-<enterpriseId>-<edgeId>-<interface>-<trouble>`: one workflow per
 * trouble, however often it is seen. Workflow ids are stored in clear (payloads are encrypted,
 * ids are not), so the edge is named by its VCO ids, as outage quarantines are, never by serial.
 */
export function troubleWorkflowId(edge: EdgeRef, trouble: Pick<LinkTrouble, 'interface' | 'kind'>): string {
  return `service-affecting-${edge.host}-${edge.enterpriseId}-${edge.edgeId}-${troubleSlug(trouble)}`;
}

/** The id runs started before the `trouble-id-by-edge` patch used (it named the serial). */
export function troubleWorkflowIdBySerial(serial: string, trouble: Pick<LinkTrouble, 'interface' | 'kind'>): string {
  return `service-affecting-${serial}-${troubleSlug(trouble)}`;
}

function measure(value: number, unit: string): string {
  const rounded = Math.round(value * 100) / 100;
  if (unit === 'events') return `${rounded} LINK_DEAD ${rounded === 1 ? 'event' : 'events'}`;
  return unit === '%' ? `${rounded}%` : `${rounded} ${unit}`;
}

/** The VAS ticket note of SPEC §4 P3. */
export function troubleNote(report: TroubleReport, options: { portalUrl: string; timezone: string }): string {
  const { trouble } = report;
  const unit = TROUBLE_THRESHOLDS[trouble.kind].unit;
  const windowMs = trouble.lookbackMs ?? Date.parse(report.scanEnd) - Date.parse(report.scanStart);
  return engineNote([
    ['Edge Name', report.edgeName],
    ['Trouble', trouble.kind],
    ['Interface', trouble.interface],
    ['Name', trouble.linkName],
    ['Threshold', `${measure(trouble.threshold, unit)} (${trouble.wireless ? 'wireless' : 'wired'})`],
    ['Interval for Scan', formatDuration(windowMs)],
    ['Scan Time', DateTime.fromISO(report.scanEnd, { zone: 'utc' }).setZone(options.timezone).toFormat('yyyy-LL-dd HH:mm:ss ZZZZ')],
    ['Input', measure(trouble.rx, unit)],
    ['Output', measure(trouble.tx, unit)],
    ['Links', vcoLinksLine(edgeUrl(options.portalUrl, report))],
  ]);
}

/**
 * Does this engine note name the trouble? SPEC §4 P3: it does when the trouble's name appears in
 * it. The system this engine replaces wrote only the marker and `Trouble: <name>`, without an
 * `Interface:` line, and its notes must count, so the interface is not part of the match: one
 * noted trouble of a kind covers that kind on every link of the edge while its ticket is open.
 */
export function noteNamesTrouble(noteValue: string, trouble: Pick<LinkTrouble, 'kind'>): boolean {
  if (!isEngineNote(noteValue)) return false;
  // Where the note has a Trouble field, only that field counts: an edge named "Latency lab" must
  // not make a packet-loss note name latency.
  const named = noteFields(noteValue).get('Trouble') ?? noteValue;
  return named.includes(trouble.kind);
}

/** Does this note name any service-affecting trouble at all (whichever)? */
export function noteNamesAnyTrouble(noteValue: string): boolean {
  return TROUBLE_KINDS.some((kind) => noteNamesTrouble(noteValue, { kind }));
}

/** The Slack post for a ticketed trouble: the ticket link first, every outside value escaped. */
export function troubleSlackMessage(report: TroubleReport, ticketId: number, ticketUrl: string): { text: string; blocks: MrkdwnSectionBlock[] } {
  const { trouble } = report;
  const unit = TROUBLE_THRESHOLDS[trouble.kind].unit;
  const what = `${trouble.kind} on ${trouble.interface} (${trouble.linkName})`;
  const mrkdwn =
    `:warning: *Service affecting* ${escapeMrkdwn(what)} of edge *${escapeMrkdwn(report.edgeName)}* ` +
    `(${escapeMrkdwn(report.serial)}, ${escapeMrkdwn(displayEnterprise(report.enterpriseName))}): ` +
    `input ${escapeMrkdwn(measure(trouble.rx, unit))}, output ${escapeMrkdwn(measure(trouble.tx, unit))}, ` +
    `threshold ${escapeMrkdwn(measure(trouble.threshold, unit))}. VAS ticket ${slackLink(ticketUrl, `#${ticketId}`)}`;
  return {
    text: escapeMrkdwn(`Service affecting: ${what} of ${report.edgeName} (${report.serial}), VAS ticket #${ticketId}`),
    blocks: [mrkdwnSection(mrkdwn)],
  };
}

/** Dry run: the ticket that would have been created and the note that would have been appended. */
export function troubleDryRunEmail(
  report: TroubleReport,
  ticket: { clientId: number; topic: string; serviceNumber: string; contacts: { name: string; email: string; phone: string; type: string }[] },
  note: string,
): { subject: string; html: string; text: string } {
  const subject = `[DRY RUN] Service affecting: ${oneLine(report.trouble.kind)} on ${oneLine(report.trouble.interface)} of ${oneLine(report.edgeName)} (${oneLine(report.serial)})`;
  const ticketLines = [
    `Client id: ${ticket.clientId}`,
    `Category (topic code): ${ticket.topic}`,
    `Service number: ${ticket.serviceNumber}`,
    ...ticket.contacts.map((c) => `Contact (${c.type}): ${c.name} <${c.email}> ${c.phone}`),
  ];
  const intro = 'Dry run: nothing was written to Bruin. Production mode would create this VAS ticket and append this note.';
  return {
    subject,
    text: `${intro}\n\nTicket\n${ticketLines.join('\n')}\n\nNote\n${note}\n`,
    html:
      `<p>${escapeHtml(intro)}</p>\n<h3>Ticket</h3>\n<pre>${escapeHtml(ticketLines.join('\n'))}</pre>\n` +
      `<h3>Note</h3>\n<pre>${escapeHtml(note)}</pre>`,
  };
}

/**
 * VAS auto-resolve: the outage incidents' rules (domain/incidents.ts: engine creator, grace after
 * the last documenting note, at most 3 auto-resolves per serial), with P3's trouble notes as the
 * documenting notes. Undefined = may resolve; otherwise why not.
 */
export function troubleAutoResolveRefusal(facts: Omit<ResolveFacts, 'documents'>, policy: AutoResolvePolicy): ResolveRefusal | undefined {
  return autoResolveRefusal({ ...facts, documents: noteNamesAnyTrouble }, policy);
}

/**
 * The note written before a VAS detail is resolved. It names no trouble (it would count as noting
 * it), carries the serial (so the max-3 count sees it) and the scan that found the device
 * recovered (so a retry of the same decision finds it and writes nothing twice).
 */
export function troubleResolveNote(serial: string, recoveredAt: string, quietFor: string): string {
  return engineNote(
    [
      ['Serial', serial],
      ['Recovered', recoveredAt],
      ['Reason', `every link metric within its limit for ${quietFor}; link instability under the recovery limit`],
    ],
    RESOLVE_NOTE_TITLE,
  );
}

/** Is this the resolve note of that scan's decision for the serial? */
export function isTroubleResolveNote(noteValue: string, serial: string, recoveredAt: string): boolean {
  if (!isEngineNote(noteValue) || noteValue.replace(/\r\n?/g, '\n').split('\n')[1]?.trim() !== RESOLVE_NOTE_TITLE) return false;
  const fields = noteFields(noteValue);
  return fields.get('Serial')?.toUpperCase() === serial.toUpperCase() && fields.get('Recovered') === recoveredAt;
}
