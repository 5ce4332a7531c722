/**
 * Outage incidents (SPEC §3 "Bruin calls for incidents", issue "close the loop"): what an outage is
 * called, what Bruin's repair answer asks of the engine, which severity a ticket gets, the notes the
 * incident writes, and when a recovered edge's ticket detail may be auto-resolved.
 */
import { DateTime } from 'luxon';
import { countedLinks, DISCONNECTED, OFFLINE, type EdgeCondition } from './edges';
import { engineNote, isEngineNote, noteFields, type NoteField } from './engine-notes';

export const OUTAGE_KINDS = ['Link Down', 'Hard Down', 'Link Down (HA)', 'Soft Down (HA)', 'Hard Down (HA)'] as const;
export type OutageKind = (typeof OUTAGE_KINDS)[number];

/** VCO `haState`: READY = partner up, FAILED = partner down, anything else = no HA pair. */
export type HaPartner = 'up' | 'down' | 'none';

export function haPartner(haState: string | null | undefined): HaPartner {
  if (haState === 'READY') return 'up';
  if (haState === 'FAILED') return 'down';
  return 'none';
}

/** The kind of an edge's outage; undefined when it is not in outage. */
export function outageKind(edge: EdgeCondition, partner: HaPartner = 'none'): OutageKind | undefined {
  const edgeDown = edge.state === OFFLINE;
  const linkDown = countedLinks(edge.links).some((l) => l.state === DISCONNECTED);
  if (!edgeDown && !linkDown) return undefined;
  if (partner === 'none') return edgeDown ? 'Hard Down' : 'Link Down';
  if (!edgeDown) return 'Link Down (HA)';
  return partner === 'up' ? 'Soft Down (HA)' : 'Hard Down (HA)';
}

/** Interfaces of counted links that are down, for the repair call's `WtnInterfaces`. */
export function interfacesDown(edge: EdgeCondition): string[] {
  return countedLinks(edge.links)
    .filter((l) => l.state === DISCONNECTED)
    .map((l) => l.interface)
    .sort();
}

/** 2 when the edge is down, 3 when only a link is. */
export function severityFor(kind: OutageKind): 2 | 3 {
  return kind.startsWith('Link Down') ? 3 : 2;
}

/**
 * HA pairs are documented on the primary only: the partner that is up (or, both down, the edge
 * whose serial sorts first, so both sides agree without talking).
 */
export function documentsHaPair(serial: string, partnerSerial: string | undefined, kind: OutageKind): boolean {
  if (!partnerSerial || !kind.endsWith('(HA)')) return true;
  if (kind === 'Soft Down (HA)') return false; // this edge is down, its partner carries the site
  return serial <= partnerSerial;
}

/** What Bruin's repair answer means for the incident. */
export type RepairBranch = 'created' | 'in-progress' | 'resolved' | 'reopened-by-bruin' | 'new-detail-elsewhere' | 'retry' | 'refused';

export function repairBranch(errorCode: number, ticketId: number): RepairBranch {
  if (!ticketId) return 'retry';
  switch (errorCode) {
    case 0:
    case 200:
      return 'created';
    case 409:
      return 'in-progress';
    case 471:
      return 'resolved';
    case 472:
      return 'reopened-by-bruin';
    case 473:
      return 'new-detail-elsewhere';
    default:
      return 'refused';
  }
}

/** The note each branch writes: a triage note on a ticket new to us, a re-open note, or an outage note. */
export function noteForBranch(branch: RepairBranch): 'triage' | 'reopen' | 'outage' {
  if (branch === 'resolved') return 'reopen';
  if (branch === 'created' || branch === 'new-detail-elsewhere') return 'triage';
  return 'outage';
}

export const OUTAGE_NOTE_TITLE = 'Outage (VeloCloud)';
export const REOPEN_NOTE_TITLE = 'Outage re-opened (VeloCloud)';
export const RESOLVE_NOTE_TITLE = 'Auto-resolved (VeloCloud)';

/** The fields every incident note carries: they say which outage of which edge it documents. */
export interface IncidentNoteKey {
  serial: string;
  /** When the outage began (ISO): one outage, one key. */
  outageStart: string;
}

/** `haPartner`: the other edge of an HA pair (the one that is down, when the pair is documented on the partner that is up). */
export function incidentFields(key: IncidentNoteKey, kind: OutageKind, interfaces: readonly string[], haPartner?: string): NoteField[] {
  return [
    ['Serial', key.serial],
    ['Outage Kind', kind],
    ...(haPartner ? ([['HA Partner', haPartner]] as NoteField[]) : []),
    ['Interfaces Down', interfaces.length ? interfaces.join(', ') : 'none'],
    ['Outage Start', key.outageStart],
  ];
}

export function outageNote(key: IncidentNoteKey, kind: OutageKind, interfaces: readonly string[], reopen = false, haPartner?: string): string {
  return engineNote(incidentFields(key, kind, interfaces, haPartner), reopen ? REOPEN_NOTE_TITLE : OUTAGE_NOTE_TITLE);
}

/**
 * Where an HA pair's outage is documented (domain rule documentsHaPair): on this edge's serial, on
 * its partner's (the partner carries the site: Soft Down, or sorts first), or not at all by this
 * edge because the partner, down as well, documents the pair itself (Hard Down (HA)).
 */
export type HaDocumentation = { on: 'self' } | { on: 'partner'; serial: string } | { on: 'partner-incident'; serial: string };

export function haDocumentation(serial: string, partnerSerial: string | undefined, kind: OutageKind): HaDocumentation {
  if (!partnerSerial || documentsHaPair(serial, partnerSerial, kind)) return { on: 'self' };
  return kind === 'Hard Down (HA)' ? { on: 'partner-incident', serial: partnerSerial } : { on: 'partner', serial: partnerSerial };
}

export function resolveNote(key: IncidentNoteKey, recoveredAt: string, reason: string): string {
  return engineNote(
    [
      ['Serial', key.serial],
      ['Outage Start', key.outageStart],
      ['Recovered', recoveredAt],
      ['Reason', reason],
    ],
    RESOLVE_NOTE_TITLE,
  );
}

function titleOf(noteValue: string): string {
  return noteValue.replace(/\r\n?/g, '\n').split('\n')[1]?.trim() ?? '';
}

/** An engine note about this outage of this edge (any title), so it is written once. */
export function notesOutage(noteValue: string, key: IncidentNoteKey, titles?: readonly string[]): boolean {
  if (!isEngineNote(noteValue)) return false;
  if (titles && !titles.includes(titleOf(noteValue))) return false;
  const fields = noteFields(noteValue);
  return fields.get('Serial')?.toUpperCase() === key.serial.toUpperCase() && fields.get('Outage Start') === key.outageStart;
}

export interface AutoResolvePolicy {
  /** Bruin's `createdBy` of tickets the engine opened. */
  creator: string;
  graceDayMs: number;
  graceNightMs: number;
  /** Day = [dayStartHour, dayEndHour) in the site's time zone; 24 = midnight. */
  dayStartHour: number;
  dayEndHour: number;
  timezone: string;
  maxAutoResolves: number;
}

export const AUTO_RESOLVE_REFUSALS = ['not-created-by-engine', 'grace-expired', 'max-auto-resolves', 'no-outage-note', 'detail-not-open'] as const;
export type ResolveRefusal = (typeof AUTO_RESOLVE_REFUSALS)[number];

export interface ResolveFacts {
  createdBy?: string;
  /** Notes of the ticket, with Bruin's createdDate. */
  notes: readonly { noteValue: string; createdDate?: string }[];
  serial: string;
  now: string;
  /**
   * Which notes document what is being resolved; the latest one starts the grace. Default: the
   * serial's outage and re-open notes (incidents). P3 passes its trouble notes.
   */
  documents?: (noteValue: string) => boolean;
}

function isDay(iso: string, policy: AutoResolvePolicy): boolean {
  const hour = DateTime.fromISO(iso, { zone: 'utc' }).setZone(policy.timezone).hour;
  return hour >= policy.dayStartHour && hour < policy.dayEndHour;
}

export function graceMs(now: string, policy: AutoResolvePolicy): number {
  return isDay(now, policy) ? policy.graceDayMs : policy.graceNightMs;
}

/** How many times the engine auto-resolved this serial on the ticket (its own resolve notes). */
export function autoResolveCount(notes: ResolveFacts['notes'], serial: string): number {
  return notes.filter(
    (n) => isEngineNote(n.noteValue) && titleOf(n.noteValue) === RESOLVE_NOTE_TITLE && noteFields(n.noteValue).get('Serial')?.toUpperCase() === serial.toUpperCase(),
  ).length;
}

/** An engine outage or re-open note about this serial. */
function outageNoteOf(serial: string): (noteValue: string) => boolean {
  return (noteValue) => {
    if (!isEngineNote(noteValue)) return false;
    const fields = noteFields(noteValue);
    return fields.get('Serial')?.toUpperCase() === serial.toUpperCase() && fields.has('Outage Kind');
  };
}

/**
 * When the last outage or re-open was documented for this serial (a note's createdDate, else its
 * Outage Start); `documents` widens "outage note" to other notes (P3's trouble notes).
 */
export function lastOutageNoteAt(notes: ResolveFacts['notes'], serial: string, documents: (noteValue: string) => boolean = outageNoteOf(serial)): string | undefined {
  let latest: number | undefined;
  for (const note of notes) {
    if (!documents(note.noteValue)) continue;
    const at = Date.parse(note.createdDate ?? noteFields(note.noteValue).get('Outage Start') ?? '');
    if (Number.isFinite(at) && (latest === undefined || at > latest)) latest = at;
  }
  return latest === undefined ? undefined : new Date(latest).toISOString();
}

/** May the engine resolve the serial's detail now? Undefined = yes; otherwise why not. */
export function autoResolveRefusal(facts: ResolveFacts, policy: AutoResolvePolicy): ResolveRefusal | undefined {
  if ((facts.createdBy ?? '').trim().toLowerCase() !== policy.creator.trim().toLowerCase()) return 'not-created-by-engine';
  const last = lastOutageNoteAt(facts.notes, facts.serial, facts.documents);
  if (!last) return 'no-outage-note';
  if (Date.parse(facts.now) - Date.parse(last) > graceMs(facts.now, policy)) return 'grace-expired';
  if (autoResolveCount(facts.notes, facts.serial) >= policy.maxAutoResolves) return 'max-auto-resolves';
  return undefined;
}
