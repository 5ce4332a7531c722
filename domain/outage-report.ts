/**
 * P2's outage report: the edges that stayed in outage through their quarantine without an open
 * VOO ticket, as an HTML table, a plain-text part and a CSV, detection times in the configured zone.
 */
import { DateTime } from 'luxon';
import { displayEnterprise, edgeUrl, type EdgeRef } from './edges';
import { escapeHtml, htmlTable, plainTable, toCsv, type Column, type ReportEmail } from './notification-format';
import { formatInZone } from './time';

export interface OutageEntry extends EdgeRef {
  /** Unique per quarantine run, so a retried or repeated add is counted once. */
  id: string;
  enterpriseName: string;
  edgeName: string;
  serial: string;
  /** ISO time of the first detection of this outage. */
  detectedAt: string;
  /** Why it is an outage, in words (`OFFLINE`, `GE1 DISCONNECTED`). */
  reasons: string[];
}

export interface OutageReportRow {
  detectedAt: string;
  serial: string;
  enterprise: string;
  edge: string;
  outage: string;
  edgeUrl: string;
}

const COLUMNS: Column<OutageReportRow>[] = [
  { key: 'detectedAt', title: 'Detected' },
  { key: 'serial', title: 'Serial' },
  { key: 'enterprise', title: 'Enterprise' },
  { key: 'edge', title: 'Edge' },
  { key: 'outage', title: 'Outage' },
  { key: 'edgeUrl', title: 'Edge URL', link: true },
];

export function outageRows(entries: readonly OutageEntry[], portalUrls: Record<string, string>, timezone: string): OutageReportRow[] {
  return [...entries]
    .sort((a, b) => a.detectedAt.localeCompare(b.detectedAt) || a.serial.localeCompare(b.serial))
    .map((entry) => ({
      detectedAt: formatInZone(entry.detectedAt, timezone),
      serial: entry.serial,
      enterprise: displayEnterprise(entry.enterpriseName),
      edge: entry.edgeName,
      outage: entry.reasons.join(', '),
      edgeUrl: edgeUrl(portalUrls[entry.host] ?? `https://${entry.host}`, entry),
    }));
}

export function outageReportEmail(
  entries: readonly OutageEntry[],
  options: { portalUrls: Record<string, string>; timezone: string; now: string; dryRun: boolean },
): ReportEmail {
  const rows = outageRows(entries, options.portalUrls, options.timezone);
  const when = formatInZone(options.now, options.timezone);
  const prefix = options.dryRun ? '[DRY RUN] ' : '';
  // In production each of them now has an outage incident opening or joining its VOO ticket.
  const what = options.dryRun ? 'in outage without a ticket' : 'in outage, each now an outage incident';
  const title = `${prefix}Service outage report: ${rows.length} edge${rows.length === 1 ? '' : 's'} ${what}`;
  const intro = options.dryRun
    ? `These edges stayed in outage through their quarantine and have no open VOO ticket (report of ${when}).`
    : `These edges stayed in outage through their quarantine without an open VOO ticket; for each, an outage incident opens or joins one (report of ${when}).`;
  return {
    subject: title,
    html: `<h2>${escapeHtml(title)}</h2>\n<p>${escapeHtml(intro)}</p>\n${htmlTable(COLUMNS, rows)}`,
    text: `${title}\n\n${intro}\n\n${plainTable(COLUMNS, rows)}\n`,
    csv: toCsv(COLUMNS, rows),
    csvFilename: `service-outages-${DateTime.fromISO(options.now, { zone: 'utc' }).setZone(options.timezone).toFormat('yyyy-LL-dd-HHmm')}.csv`,
  };
}
