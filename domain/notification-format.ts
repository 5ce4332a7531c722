/**
 * Turning outside values (edge names, enterprise names, serials, VCO text) into Slack mrkdwn, HTML
 * and CSV without letting them act as markup: a hostile edge name must not ping a channel, open a
 * link, inject HTML into a report or a formula into a spreadsheet.
 *
 * Pure functions, safe to import from workflows. `toCsv` is the exception to call from activities
 * only: csv-stringify needs the `Buffer` global, which Temporal's workflow sandbox does not have.
 */
import escapeHtmlText from 'escape-html';
import type * as CsvStringify from 'csv-stringify/sync';

/** A report as e-mailed: HTML body, plain-text part, and the full CSV as an attachment. */
export interface ReportEmail {
  subject: string;
  html: string;
  text: string;
  csv: string;
  csvFilename: string;
}

export type CellValue = string | number | boolean | Date | null | undefined;

export interface Column<Row> {
  key: keyof Row & string;
  title: string;
  /** Render an http(s) URL in this column as a link in HTML (other values stay text). */
  link?: boolean;
}

/**
 * Slack's own rule: only `&`, `<` and `>` are control characters in mrkdwn, and escaping them is
 * enough to stop `<!channel>`, `<@U123>`, `<#C1>` and `<url|label>` from being read as such.
 * `*`, `_`, `~` and backticks are left alone: Slack has no escape for them, the workaround
 * (zero-width characters) would corrupt serials and names people copy out of a message, and
 * the worst they can do is change how a word looks.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * `<url|label>`. Slack reads up to the first `|` as the URL, so the URL's own `|`, `<`, `>` and
 * white space are percent-encoded; the label is escaped, and its `|` swapped for a look-alike so no
 * parser can take it as a second separator.
 */
export function slackLink(url: string, label?: string): string {
  const safeUrl = url
    .trim()
    .replace(/&/g, '&amp;')
    .replace(/[|<>\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  const text = label === undefined || label === '' ? url : label;
  return `<${safeUrl}|${escapeMrkdwn(text).replace(/\|/g, '\uFF5C')}>`;
}

/** Slack rejects a section whose text is over 3,000 characters (`invalid_blocks`). */
export const SLACK_SECTION_LIMIT = 3000;

// A type alias, not an interface, so it fits the clients' open-ended block type.
export type MrkdwnSectionBlock = {
  type: 'section';
  text: { type: 'mrkdwn'; text: string };
};

/**
 * A Block Kit section of already-escaped mrkdwn, cut to Slack's limit without splitting an entity
 * (`&amp;`) or a `<link|label>` in half.
 */
export function mrkdwnSection(mrkdwn: string): MrkdwnSectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncateMrkdwn(mrkdwn, SLACK_SECTION_LIMIT) } };
}

export function truncateMrkdwn(mrkdwn: string, limit: number): string {
  if (mrkdwn.length <= limit) return mrkdwn;
  const ellipsis = '…';
  let cut = mrkdwn.slice(0, limit - ellipsis.length);
  const openLink = cut.lastIndexOf('<');
  if (openLink > cut.lastIndexOf('>')) cut = cut.slice(0, openLink);
  const openEntity = cut.lastIndexOf('&');
  if (openEntity >= 0 && !cut.slice(openEntity).includes(';')) cut = cut.slice(0, openEntity);
  return cut + ellipsis;
}

export function escapeHtml(text: string): string {
  return escapeHtmlText(text);
}

/** How a value reads in a table cell: empty for missing, ISO time for dates. */
export function cellText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

const HTTP_URL = /^https?:\/\/[^\s"'<>]+$/i;

/** An HTML table for e-mail bodies; every title and cell is escaped, links only for http(s) URLs. */
export function htmlTable<Row extends object>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const cellStyle = 'border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top';
  const head = columns.map((c) => `<th style="${cellStyle};background:#f2f2f2">${escapeHtml(c.title)}</th>`).join('');
  const body = rows
    .map((row) => {
      const cells = columns.map((c) => {
        const text = cellText(row[c.key] as CellValue);
        const html = c.link && HTTP_URL.test(text) ? `<a href="${escapeHtml(text)}">${escapeHtml(text)}</a>` : escapeHtml(text);
        return `<td style="${cellStyle}">${html}</td>`;
      });
      return `<tr>${cells.join('')}</tr>`;
    })
    .join('\n');
  return `<table style="border-collapse:collapse">\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/**
 * Spreadsheets run a cell that starts with `=`, `+`, `-`, `@`, tab or CR as a formula; an outside
 * text that does is prefixed with `'` (OWASP's advice). Numbers are left as they are.
 */
function neutraliseFormula(value: CellValue): string {
  const text = cellText(value);
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** RFC 4180 CSV (CRLF between records, quotes where needed) with a header row of column titles. */
export function toCsv<Row extends object>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const records = [columns.map((c) => c.title), ...rows.map((row) => columns.map((c) => neutraliseFormula(row[c.key] as CellValue)))];
  return csvStringify()(records, { record_delimiter: 'windows' });
}

/**
 * Loaded on first use rather than imported: csv-stringify calls `Buffer.from` as it loads, and
 * workflows import this module for the Slack and HTML helpers, where there is no `Buffer`.
 */
function csvStringify(): typeof CsvStringify.stringify {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('csv-stringify/sync') as typeof CsvStringify).stringify;
}

/** A fixed-width table for plain-text e-mail parts; line breaks inside values become spaces. */
export function plainTable<Row extends object>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const flat = (value: string) => value.replace(/\s*[\r\n]+\s*/g, ' ');
  const lines = [columns.map((c) => flat(c.title)), ...rows.map((row) => columns.map((c) => flat(cellText(row[c.key] as CellValue))))];
  const widths = columns.map((_, i) => Math.max(...lines.map((line) => (line[i] ?? '').length)));
  const render = (line: string[]) =>
    line
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const [header = [], ...body] = lines;
  return [render(header), rule, ...body.map(render)].join('\n');
}
