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

export type TroubleKind = 'Latency' | 'Packet Loss';

/** Limits by trouble and medium: milliseconds for latency, percent for packet loss. */
export const TROUBLE_THRESHOLDS: Record<TroubleKind, { wired: number; wireless: number; unit: string }> = {
  Latency: { wired: 50, wireless: 120, unit: 'ms' },
  'Packet Loss': { wired: 5, wireless: 8, unit: '%' },
};

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
}

function measured(link: LinkSample, kind: TroubleKind): { rx: number; tx: number } {
  return kind === 'Latency'
    ? { rx: link.bestLatencyMsRx, tx: link.bestLatencyMsTx }
    : { rx: link.bestLossPctRx, tx: link.bestLossPctTx };
}

/** The troubles of one link: a trouble when either direction is strictly above the limit. */
export function linkTroubles(link: LinkSample): LinkTrouble[] {
  const wireless = isWireless(link.serviceGroups);
  return (Object.keys(TROUBLE_THRESHOLDS) as TroubleKind[]).flatMap((kind) => {
    const threshold = TROUBLE_THRESHOLDS[kind][wireless ? 'wireless' : 'wired'];
    const { rx, tx } = measured(link, kind);
    if (!(rx > threshold || tx > threshold)) return [];
    return [{ kind, interface: link.interface, linkName: link.displayName, wireless, threshold, rx, tx }];
  });
}

/**
 * Troubles of a device: only counted links (not STANDBY) that carry service groups, because a link
 * without them cannot be told wired from wireless and carries no business traffic.
 */
export function deviceTroubles(links: readonly LinkSample[]): LinkTrouble[] {
  return countedLinks(links)
    .filter((link) => link.serviceGroups.length > 0)
    .flatMap(linkTroubles);
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

/** `service-affecting-<serial>-<interface>-<trouble>`: one workflow per trouble, however often it is seen. */
export function troubleWorkflowId(serial: string, trouble: Pick<LinkTrouble, 'interface' | 'kind'>): string {
  return `service-affecting-${serial}-${trouble.interface}-${trouble.kind.toLowerCase().replace(/\s+/g, '-')}`;
}

function measure(value: number, unit: string): string {
  const rounded = Math.round(value * 100) / 100;
  return unit === '%' ? `${rounded}%` : `${rounded} ${unit}`;
}

/** The VAS ticket note of SPEC §4 P3. */
export function troubleNote(report: TroubleReport, options: { portalUrl: string; timezone: string }): string {
  const { trouble } = report;
  const unit = TROUBLE_THRESHOLDS[trouble.kind].unit;
  const windowMs = Date.parse(report.scanEnd) - Date.parse(report.scanStart);
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
  return (Object.keys(TROUBLE_THRESHOLDS) as TroubleKind[]).some((kind) => noteNamesTrouble(noteValue, { kind }));
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
