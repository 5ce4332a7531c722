import {
  autoResolveCount,
  autoResolveRefusal,
  documentsHaPair,
  haPartner,
  notesOutage,
  outageKind,
  outageNote,
  repairBranch,
  resolveNote,
  severityFor,
  type AutoResolvePolicy,
} from '../../domain/incidents';
import { triageNote } from '../../domain/triage-notes';
import { incidentFields } from '../../domain/incidents';

const link = (state: string, backupState = 'UNCONFIGURED') => ({ interface: 'GE1', state, backupState });

describe('outage kinds', () => {
  it.each([
    ['OFFLINE', 'STABLE', undefined, 'Hard Down'],
    ['CONNECTED', 'DISCONNECTED', undefined, 'Link Down'],
    ['CONNECTED', 'STABLE', undefined, undefined],
    ['CONNECTED', 'DISCONNECTED', 'READY', 'Link Down (HA)'],
    ['OFFLINE', 'STABLE', 'READY', 'Soft Down (HA)'],
    ['OFFLINE', 'STABLE', 'FAILED', 'Hard Down (HA)'],
    ['OFFLINE', 'STABLE', 'PENDING_INIT', 'Hard Down'],
    ['OFFLINE', 'STABLE', null, 'Hard Down'],
  ])('edge %s, link %s, haState %s → %s', (state, linkState, haState, kind) => {
    expect(outageKind({ state, links: [link(linkState)] }, haPartner(haState))).toBe(kind);
  });

  it.each([
    ['Hard Down', 2],
    ['Soft Down (HA)', 2],
    ['Hard Down (HA)', 2],
    ['Link Down', 3],
    ['Link Down (HA)', 3],
  ] as const)('%s has severity %d', (kind, severity) => expect(severityFor(kind)).toBe(severity));

  it.each([
    ['A1', 'B1', 'Hard Down (HA)', true],
    ['B1', 'A1', 'Hard Down (HA)', false],
    ['A1', 'B1', 'Soft Down (HA)', false],
    ['A1', undefined, 'Hard Down', true],
    ['B1', 'A1', 'Link Down (HA)', false],
  ] as const)('%s (partner %s) in %s is documented: %s', (serial, partner, kind, documented) =>
    expect(documentsHaPair(serial, partner, kind)).toBe(documented));
});

describe('repair answers', () => {
  it.each([
    [0, 5, 'created'],
    [200, 5, 'created'],
    [409, 5, 'in-progress'],
    [471, 5, 'resolved'],
    [472, 5, 'reopened-by-bruin'],
    [473, 5, 'new-detail-elsewhere'],
    [0, 0, 'retry'],
    [500, 0, 'retry'],
    [418, 5, 'refused'],
  ])('errorCode %d, ticketId %d → %s', (code, ticketId, branch) => expect(repairBranch(code, ticketId)).toBe(branch));
});

describe('auto-resolve', () => {
  const policy: AutoResolvePolicy = {
    creator: 'automation-engine',
    graceDayMs: 90 * 60_000,
    graceNightMs: 180 * 60_000,
    dayStartHour: 8,
    dayEndHour: 24,
    timezone: 'US/Eastern',
    maxAutoResolves: 3,
  };
  const key = { serial: 'VC1', outageStart: '2024-06-03T14:00:00.000Z' };
  const outage = (createdDate: string) => ({ noteValue: outageNote(key, 'Hard Down', []), createdDate });
  const resolved = (n: number) => Array.from({ length: n }, () => ({ noteValue: resolveNote(key, '2024-06-03T14:10:00.000Z', 'back') }));

  it.each([
    // 16:00 UTC = 12:00 Eastern (day: 90 min)
    ['engine, 60 min ago by day', 'automation-engine', '2024-06-03T15:00:00Z', '2024-06-03T16:00:00Z', 0, undefined],
    ['someone else', 'Jane NOC', '2024-06-03T15:00:00Z', '2024-06-03T16:00:00Z', 0, 'not-created-by-engine'],
    ['creator name in other case', 'Automation-Engine', '2024-06-03T15:00:00Z', '2024-06-03T16:00:00Z', 0, undefined],
    ['100 min ago by day', 'automation-engine', '2024-06-03T14:20:00Z', '2024-06-03T16:00:00Z', 0, 'grace-expired'],
    // 07:00 UTC = 03:00 Eastern (night: 180 min)
    ['100 min ago by night', 'automation-engine', '2024-06-03T05:20:00Z', '2024-06-03T07:00:00Z', 0, undefined],
    ['200 min ago by night', 'automation-engine', '2024-06-03T03:40:00Z', '2024-06-03T07:00:00Z', 0, 'grace-expired'],
    ['resolved twice before', 'automation-engine', '2024-06-03T15:00:00Z', '2024-06-03T16:00:00Z', 2, undefined],
    ['resolved three times before', 'automation-engine', '2024-06-03T15:00:00Z', '2024-06-03T16:00:00Z', 3, 'max-auto-resolves'],
  ])('%s', (_name, createdBy, notedAt, now, before, refusal) => {
    const notes = [outage(notedAt), ...resolved(before)];
    expect(autoResolveRefusal({ createdBy, notes, serial: 'VC1', now }, policy)).toBe(refusal);
  });

  it('refuses without an outage note and counts only its own resolve notes of the serial', () => {
    expect(autoResolveRefusal({ createdBy: 'automation-engine', notes: [], serial: 'VC1', now: '2024-06-03T16:00:00Z' }, policy)).toBe('no-outage-note');
    const other = { noteValue: resolveNote({ serial: 'VC2', outageStart: key.outageStart }, 'x', 'y') };
    expect(autoResolveCount([...resolved(2), other, { noteValue: 'Auto-resolved by hand' }], 'VC1')).toBe(2);
  });

  it('knows the notes of one outage, the triage note with incident fields included', () => {
    const triage = triageNote(
      { host: 'h', enterpriseId: 1, edgeId: 2, serial: 'VC1', edgeName: 'e', edgeState: 'OFFLINE', links: [] },
      [],
      { unavailable: 'n/a' },
      { portalUrl: 'https://h', timezone: 'UTC', now: '2024-06-03T14:00:00Z', extra: incidentFields(key, 'Hard Down', ['GE1']) },
    );
    expect(notesOutage(triage, key)).toBe(true);
    expect(notesOutage(outageNote(key, 'Link Down', []), key)).toBe(true);
    expect(notesOutage(outageNote({ ...key, outageStart: '2024-06-04T00:00:00.000Z' }, 'Link Down', []), key)).toBe(false);
    expect(notesOutage(outageNote({ ...key, serial: 'VC2' }, 'Link Down', []), key)).toBe(false);
  });
});
