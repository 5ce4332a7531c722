/**
 * P4 Outage ticket triage (SPEC §4): the first triage note of a VOO ticket, and the event notes
 * that follow it. Every note ends with a `TimeStamp:` line; the newest one on the ticket says how
 * far the engine has reported, so events are never appended twice.
 */
import { DateTime } from 'luxon';
import { edgeUrl, type EdgeRef } from './edges';
import { engineNote, isEngineNote, noteFields, oneLine, vcoLinksLine, type NoteField } from './engine-notes';
import { escapeHtml, escapeMrkdwn, mrkdwnSection, slackLink, type MrkdwnSectionBlock } from './notification-format';

export const TRIAGE_TITLE = 'Triage (VeloCloud)';
export const EVENTS_TITLE = 'Triage (VeloCloud) events';
/** Bruin's limit on what the NOC reads comfortably in one note (SPEC §4 P4). */
export const NOTE_LIMIT = 1_000;
/** How old the newest engine note must be before new events are appended. */
export const EVENT_NOTE_AFTER_MS = 30 * 60_000;
export const TRIAGE_EVENT_WINDOW_DAYS = 7;
export const TRIAGE_EVENTS = ['EDGE_UP', 'EDGE_DOWN', 'LINK_ALIVE', 'LINK_DEAD'] as const;
const TRIAGED_INTERFACES = ['GE1', 'GE2'] as const;

export interface TriageEvent {
  event: string;
  message: string;
  /** ISO time. */
  eventTime: string;
}

export interface TriageLink {
  interface: string;
  displayName: string;
  state: string;
}

export interface TriageEdge extends EdgeRef {
  serial: string;
  edgeName: string;
  edgeState: string;
  links: TriageLink[];
}

/** T7's top prediction, or why there is none (T7 down, not configured, asset unknown). */
export type TriagePrediction = { name: string; probability: number } | { unavailable: string };

/** `Link GE1 is now DEAD` → GE1. */
export function eventInterface(event: Pick<TriageEvent, 'event' | 'message'>): string | undefined {
  if (!event.event.startsWith('LINK_')) return undefined;
  return /\bLink\s+(\S+)/i.exec(event.message)?.[1];
}

export function isTriageEvent(event: Pick<TriageEvent, 'event'>): boolean {
  return (TRIAGE_EVENTS as readonly string[]).includes(event.event);
}

/** A time as the notes write it: ISO with the zone's offset, so it reads locally and parses back exactly. */
export function noteTime(iso: string, timezone: string): string {
  return DateTime.fromISO(iso, { zone: 'utc' }).setZone(timezone).toISO() ?? iso;
}

function latest(events: readonly TriageEvent[], match: (e: TriageEvent) => boolean): string | undefined {
  return events.filter(match).reduce<string | undefined>((max, e) => (max === undefined || e.eventTime > max ? e.eventTime : max), undefined);
}

function predictionText(prediction: TriagePrediction): string {
  if ('unavailable' in prediction) return `unavailable (${prediction.unavailable})`;
  return `${prediction.name} (${Math.round(prediction.probability * 1000) / 10}% probability)`;
}

/** The first note on a VOO ticket: where the edge is, how it and its links stand, what happened in 7 days. */
export function triageNote(
  edge: TriageEdge,
  events: readonly TriageEvent[],
  prediction: TriagePrediction,
  options: { portalUrl: string; timezone: string; now: string; extra?: readonly NoteField[] },
): string {
  const when = (iso: string | undefined) => (iso ? noteTime(iso, options.timezone) : `none in the last ${TRIAGE_EVENT_WINDOW_DAYS} days`);
  const fields: NoteField[] = [
    ['Orchestrator Instance', edge.host],
    ['Edge Name', edge.edgeName],
    ['Links', vcoLinksLine(edgeUrl(options.portalUrl, edge))],
    ['Edge Status', edge.edgeState],
  ];
  for (const name of TRIAGED_INTERFACES) {
    const link = edge.links.find((l) => l.interface === name);
    fields.push([`Interface ${name} Label`, link ? link.displayName || name : 'not configured']);
    fields.push([`Interface ${name} Status`, link ? link.state : 'not configured']);
  }
  fields.push(['Last Edge Online', when(latest(events, (e) => e.event === 'EDGE_UP'))]);
  fields.push(['Last Edge Offline', when(latest(events, (e) => e.event === 'EDGE_DOWN'))]);
  for (const name of TRIAGED_INTERFACES) {
    fields.push([`Last ${name} Interface Online`, when(latest(events, (e) => e.event === 'LINK_ALIVE' && eventInterface(e) === name))]);
    fields.push([`Last ${name} Interface Offline`, when(latest(events, (e) => e.event === 'LINK_DEAD' && eventInterface(e) === name))]);
  }
  fields.push(['T7 Prediction', predictionText(prediction)]);
  fields.push(...(options.extra ?? []));
  fields.push(['TimeStamp', noteTime(options.now, options.timezone)]);
  return engineNote(fields, TRIAGE_TITLE);
}

/** The newest `TimeStamp:` among the engine's notes, as an ISO instant; undefined when there is none. */
export function lastTriageTimestamp(notes: readonly { noteValue: string }[]): string | undefined {
  let newest: number | undefined;
  for (const note of notes) {
    if (!isEngineNote(note.noteValue)) continue;
    const stamp = noteFields(note.noteValue).get('TimeStamp');
    const at = stamp ? DateTime.fromISO(stamp, { setZone: true }) : undefined;
    if (at?.isValid && (newest === undefined || at.toMillis() > newest)) newest = at.toMillis();
  }
  return newest === undefined ? undefined : new Date(newest).toISOString();
}

export type TriageStep = { step: 'first-note' } | { step: 'wait' } | { step: 'events'; since: string };

/**
 * What a triage run does for a ticket, from the engine notes already on it. Only a note with a
 * `TimeStamp:` counts as triage, so an engine note of another process does not stop the first one.
 */
export function nextTriageStep(notes: readonly { noteValue: string }[], now: string): TriageStep {
  const since = lastTriageTimestamp(notes);
  if (since === undefined) return { step: 'first-note' };
  return Date.parse(now) - Date.parse(since) >= EVENT_NOTE_AFTER_MS ? { step: 'events', since } : { step: 'wait' };
}

function eventBlock(event: TriageEvent, timezone: string): string {
  return [`New event: ${oneLine(event.event)}`, oneLine(event.message), `Time: ${noteTime(event.eventTime, timezone)}`].join('\n');
}

export interface EventNote {
  text: string;
  /** ISO time of the newest event in the note: the next note starts after it. */
  timestamp: string;
}

/**
 * Events strictly after `since`, oldest first, packed into notes of at most NOTE_LIMIT characters,
 * each ending with the time of its own newest event. A block too long for any note is shortened.
 */
export function eventNotes(events: readonly TriageEvent[], since: string, timezone: string): EventNote[] {
  const after = Date.parse(since);
  const fresh = events
    .filter((e) => isTriageEvent(e) && Date.parse(e.eventTime) > after)
    .sort((a, b) => a.eventTime.localeCompare(b.eventTime));
  const notes: EventNote[] = [];
  let blocks: string[] = [];
  let newest = '';
  const render = (parts: string[], stamp: string) => `${engineNote([], EVENTS_TITLE)}\n${parts.join('\n\n')}\n\nTimeStamp: ${noteTime(stamp, timezone)}`;
  const flush = () => {
    if (blocks.length) notes.push({ text: render(blocks, newest), timestamp: newest });
    blocks = [];
  };
  for (const event of fresh) {
    let block = eventBlock(event, timezone);
    const alone = render([block], event.eventTime);
    if (alone.length > NOTE_LIMIT) block = block.slice(0, block.length - (alone.length - NOTE_LIMIT) - 1) + '…';
    if (blocks.length && render([...blocks, block], event.eventTime).length > NOTE_LIMIT) flush();
    blocks.push(block);
    newest = event.eventTime;
  }
  flush();
  return notes;
}

/** The Slack post for a triage note appended to a VOO ticket. */
export function triageSlackMessage(
  ticket: { ticketId: number; serial: string; edgeName: string },
  kind: 'triage' | 'events',
  ticketUrl: string,
): { text: string; blocks: MrkdwnSectionBlock[] } {
  const what = kind === 'triage' ? 'Triage note' : 'New events';
  const mrkdwn = `:mag: *${what}* appended to VOO ticket ${slackLink(ticketUrl, `#${ticket.ticketId}`)} for edge *${escapeMrkdwn(ticket.edgeName)}* (${escapeMrkdwn(ticket.serial)})`;
  return { text: escapeMrkdwn(`${what} appended to VOO ticket #${ticket.ticketId} for ${ticket.edgeName} (${ticket.serial})`), blocks: [mrkdwnSection(mrkdwn)] };
}

/** Dry run: the notes that would have been appended, in one e-mail per ticket and run. */
export function triageDryRunEmail(ticket: { ticketId: number; serial: string; edgeName: string }, notes: readonly string[]): { subject: string; html: string; text: string } {
  const subject = `[DRY RUN] Outage triage of ticket ${ticket.ticketId}: ${oneLine(ticket.edgeName)} (${oneLine(ticket.serial)})`;
  const intro = `Dry run: nothing was written to Bruin. Production mode would append ${notes.length} note${notes.length === 1 ? '' : 's'} to VOO ticket ${ticket.ticketId}.`;
  return {
    subject,
    text: `${intro}\n\n${notes.join('\n\n----\n\n')}\n`,
    html: `<p>${escapeHtml(intro)}</p>\n${notes.map((n) => `<pre>${escapeHtml(n)}</pre>`).join('\n<hr>\n')}`,
  };
}

/** Triage notes longer than this are split into pages (Bruin's readers lose long notes). */
export const TRIAGE_SPLIT_OVER = 1_500;
export const TRIAGE_PAGE_SIZE = NOTE_LIMIT;

/**
 * A triage note over 1,500 characters as pages of about 1,000, each a note of its own: the marker,
 * the title, `Triage note: n/N`, then whole `Key: value` lines (a line is never cut).
 */
export function triagePages(note: string): string[] {
  if (note.length <= TRIAGE_SPLIT_OVER) return [note];
  const [marker, title, ...lines] = note.replace(/\r\n?/g, '\n').split('\n');
  const head = (n: number, total: number) => `${marker}\n${title}\nTriage note: ${n}/${total}`;
  const budget = TRIAGE_PAGE_SIZE - head(99, 99).length;
  const pages: string[][] = [[]];
  let size = 0;
  for (const line of lines) {
    const page = pages[pages.length - 1]!;
    if (page.length && size + line.length + 1 > budget) {
      pages.push([line]);
      size = line.length + 1;
    } else {
      page.push(line);
      size += line.length + 1;
    }
  }
  return pages.map((page, i) => `${head(i + 1, pages.length)}\n${page.join('\n')}`);
}
