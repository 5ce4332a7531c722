/**
 * P5 Last contact report (SPEC §4): edges silent for 30 days or more, with how long they have been
 * in service against the 36-month term. Days and months are counted on the calendar of the
 * configured zone, so a DST change or a short month does not move an edge in or out of the report.
 */
import { DateTime } from 'luxon';
import { displayEnterprise, edgeUrl, type EdgeRef } from './edges';
import { escapeHtml, htmlTable, plainTable, toCsv, type Column, type ReportEmail } from './notification-format';

export const STALE_AFTER_DAYS = 30;
export const SERVICE_TERM_MONTHS = 36;

/** An edge the report lists: compact, as the listing activity returns it. */
export interface StaleEdge extends EdgeRef {
  enterpriseName: string;
  name: string;
  serial: string;
  model: string;
  /** ISO time of the last contact. */
  lastContact: string;
  /** ISO time of activation, when the VCO knows it. */
  activationTime?: string;
}

function inZone(iso: string, timezone: string): DateTime {
  return DateTime.fromISO(iso, { zone: 'utc' }).setZone(timezone);
}

/** The newest last contact that is still "30 days old": the same wall-clock time 30 calendar days back. */
export function staleCutoff(asOf: string, timezone: string): DateTime {
  return inZone(asOf, timezone).minus({ days: STALE_AFTER_DAYS });
}

/** Never-contacted edges (null) are not "last contacted" at all and are left out. */
export function isStale(lastContact: string | null, asOf: string, timezone: string): boolean {
  if (!lastContact) return false;
  const contact = DateTime.fromISO(lastContact, { zone: 'utc' });
  return contact.isValid && contact.toMillis() <= staleCutoff(asOf, timezone).toMillis();
}

/**
 * Whole calendar months from activation to the report date (0 when activated after it). Month ends
 * match month ends, as in billing: 31 January to 28 February is one month.
 */
export function monthsInService(activationTime: string | undefined, asOf: string, timezone: string): number | undefined {
  if (!activationTime) return undefined;
  const start = inZone(activationTime, timezone);
  if (!start.isValid) return undefined;
  const months = inZone(asOf, timezone).diff(start, 'months').months;
  return Math.max(0, Math.floor(months));
}

export function balanceOfTerm(months: number | undefined): number | undefined {
  return months === undefined ? undefined : Math.max(0, SERVICE_TERM_MONTHS - months);
}

export interface LastContactRow {
  enterprise: string;
  serial: string;
  edge: string;
  model: string;
  lastContact: string;
  daysSinceContact: number;
  monthsInService: number | undefined;
  balanceMonths: number | undefined;
  host: string;
  edgeUrl: string;
}

const CSV_COLUMNS: Column<LastContactRow>[] = [
  { key: 'enterprise', title: 'Enterprise' },
  { key: 'serial', title: 'Serial' },
  { key: 'edge', title: 'Edge' },
  { key: 'model', title: 'Model' },
  { key: 'lastContact', title: 'Last Contact' },
  { key: 'daysSinceContact', title: 'Days Since Contact' },
  { key: 'monthsInService', title: 'Months in Service' },
  { key: 'balanceMonths', title: `Balance of ${SERVICE_TERM_MONTHS} Months` },
  { key: 'host', title: 'Orchestrator' },
  { key: 'edgeUrl', title: 'Edge URL', link: true },
];

interface EnterpriseCount {
  enterprise: string;
  edges: number;
  oldestContact: string;
}

const SUMMARY_COLUMNS: Column<EnterpriseCount>[] = [
  { key: 'enterprise', title: 'Enterprise' },
  { key: 'edges', title: 'Edges' },
  { key: 'oldestContact', title: 'Oldest Last Contact' },
];

export function lastContactRows(
  edges: readonly StaleEdge[],
  options: { asOf: string; timezone: string; portalUrls: Record<string, string> },
): LastContactRow[] {
  const asOf = inZone(options.asOf, options.timezone);
  return [...edges]
    .sort((a, b) => displayEnterprise(a.enterpriseName).localeCompare(displayEnterprise(b.enterpriseName)) || a.lastContact.localeCompare(b.lastContact))
    .map((edge) => {
      const contact = inZone(edge.lastContact, options.timezone);
      const months = monthsInService(edge.activationTime, options.asOf, options.timezone);
      return {
        enterprise: displayEnterprise(edge.enterpriseName),
        serial: edge.serial,
        edge: edge.name,
        model: edge.model,
        lastContact: contact.toFormat('yyyy-LL-dd HH:mm ZZZZ'),
        daysSinceContact: Math.floor(asOf.diff(contact, 'days').days),
        monthsInService: months,
        balanceMonths: balanceOfTerm(months),
        host: edge.host,
        edgeUrl: edgeUrl(options.portalUrls[edge.host] ?? `https://${edge.host}`, edge),
      };
    });
}

function byEnterprise(rows: readonly LastContactRow[]): EnterpriseCount[] {
  const counts = new Map<string, EnterpriseCount>();
  for (const row of rows) {
    const entry = counts.get(row.enterprise) ?? { enterprise: row.enterprise, edges: 0, oldestContact: row.lastContact };
    entry.edges += 1;
    counts.set(row.enterprise, entry);
  }
  return [...counts.values()].sort((a, b) => b.edges - a.edges || a.enterprise.localeCompare(b.enterprise));
}

export type LastContactEmail = ReportEmail;

/** The monthly e-mail: a per-enterprise summary in the body, every edge in the CSV. Call from activities (CSV). */
export function lastContactEmail(
  edges: readonly StaleEdge[],
  options: { asOf: string; timezone: string; portalUrls: Record<string, string>; missingHosts?: readonly string[] },
): LastContactEmail {
  const rows = lastContactRows(edges, options);
  const summary = byEnterprise(rows);
  const month = inZone(options.asOf, options.timezone);
  const title = `Last contact report ${month.toFormat('LLLL yyyy')}: ${rows.length} edge${rows.length === 1 ? '' : 's'} silent for ${STALE_AFTER_DAYS} days or more`;
  const intro = `Edges whose last contact with their orchestrator is ${STALE_AFTER_DAYS} days old or more as of ${month.toFormat('yyyy-LL-dd HH:mm ZZZZ')}, by enterprise. Every edge, with months in service and the balance of the ${SERVICE_TERM_MONTHS}-month term, is in the attached CSV.`;
  const missing = options.missingHosts?.length
    ? `Incomplete: these orchestrators could not be listed: ${options.missingHosts.join(', ')}.`
    : '';
  return {
    subject: missing ? `${title} (incomplete)` : title,
    html: `<h2>${escapeHtml(title)}</h2>\n<p>${escapeHtml(intro)}</p>\n${missing ? `<p><strong>${escapeHtml(missing)}</strong></p>\n` : ''}${htmlTable(SUMMARY_COLUMNS, summary)}`,
    text: `${title}\n\n${intro}\n${missing ? `\n${missing}\n` : ''}\n${plainTable(SUMMARY_COLUMNS, summary)}\n`,
    csv: toCsv(CSV_COLUMNS, rows),
    csvFilename: `last-contact-${month.toFormat('yyyy-LL')}.csv`,
  };
}
