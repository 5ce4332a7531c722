/**
 * Notes the engine writes on Bruin tickets (SPEC §2): a marker line, then `Key: value` lines. The
 * same text is read back to decide whether a trouble or a triage is already on a ticket, so outside
 * values are flattened to one line each: an edge name with a line break cannot forge a field.
 */

export const ENGINE_NOTE_MARKER = '#*Automation Engine*#';

/** Where people open a ticket in Bruin; the API does not return a portal link of its own. */
export const BRUIN_TICKET_PORTAL = 'https://app.bruin.com/t/';

export type NoteField = readonly [key: string, value: string | number];

export function isEngineNote(noteValue: string): boolean {
  return noteValue.trimStart().startsWith(ENGINE_NOTE_MARKER);
}

export function oneLine(value: string | number): string {
  return String(value).replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** The marker, an optional title line, then one `Key: value` line per field. */
export function engineNote(fields: readonly NoteField[], title?: string): string {
  const lines = [ENGINE_NOTE_MARKER, ...(title ? [title] : []), ...fields.map(([key, value]) => `${key}: ${oneLine(value)}`)];
  return lines.join('\n');
}

/** The `Key: value` lines of a note (first occurrence of a key wins). */
export function noteFields(noteValue: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of noteValue.split(/\r?\n/)) {
    const colon = line.indexOf(': ');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim();
    if (!fields.has(key)) fields.set(key, line.slice(colon + 2).trim());
  }
  return fields;
}

/** Bruin may change line endings or trailing space; the words are what identify a note. */
export function sameNote(a: string, b: string): boolean {
  const normal = (text: string) =>
    text
      .replace(/\r\n?/g, '\n')
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n')
      .trim();
  return normal(a) === normal(b);
}

export function bruinTicketUrl(ticketId: number): string {
  return `${BRUIN_TICKET_PORTAL}${ticketId}`;
}

/** The VCO pages a note links to: the edge, its QoE and its transport (links) pages. */
export function vcoEdgePages(edgePageUrl: string): { edge: string; qoe: string; transport: string } {
  const base = edgePageUrl.endsWith('/') ? edgePageUrl : `${edgePageUrl}/`;
  return { edge: base, qoe: `${base}qoe/`, transport: `${base}links/` };
}

/** `[Edge|url] - [QoE|url] - [Transport|url]`: Bruin renders this markup as links. */
export function vcoLinksLine(edgePageUrl: string): string {
  const pages = vcoEdgePages(edgePageUrl);
  return `[Edge|${pages.edge}] - [QoE|${pages.qoe}] - [Transport|${pages.transport}]`;
}
