/** HA pairs: the outage kind from haState, where each kind is documented, and the note's HA Partner line. */
import { noteFields } from '../../domain/engine-notes';
import { haDocumentation, haPartner, outageKind, outageNote, severityFor } from '../../domain/incidents';

const link = (state: string) => ({ interface: 'GE1', displayName: 'ISP', state, backupState: 'UNCONFIGURED' });
const edge = (state: string, linkState = 'STABLE') => ({ state, links: [link(linkState)] }) as never;

describe('HA outage kinds', () => {
  it.each([
    ['READY', 'up'],
    ['FAILED', 'down'],
    ['UNCONFIGURED', 'none'],
    [null, 'none'],
    ['PENDING_INIT', 'none'],
  ] as const)('haState %s → partner %s', (haState, partner) => {
    expect(haPartner(haState)).toBe(partner);
  });

  it.each([
    ['link down, no HA', edge('CONNECTED', 'DISCONNECTED'), 'none', 'Link Down', 3],
    ['edge down, no HA', edge('OFFLINE'), 'none', 'Hard Down', 2],
    ['link down, partner up', edge('CONNECTED', 'DISCONNECTED'), 'up', 'Link Down (HA)', 3],
    ['edge down, partner up', edge('OFFLINE'), 'up', 'Soft Down (HA)', 2],
    ['edge down, partner down', edge('OFFLINE'), 'down', 'Hard Down (HA)', 2],
  ] as const)('%s → %s, severity %s', (_case, e, partner, kind, severity) => {
    expect(outageKind(e, partner)).toBe(kind);
    expect(severityFor(kind)).toBe(severity);
  });

  it.each([
    ['no HA', 'VC2', undefined, 'Hard Down', { on: 'self' }],
    ['link down (HA), serial sorts first', 'VC1', 'VC2', 'Link Down (HA)', { on: 'self' }],
    ['link down (HA), partner sorts first', 'VC2', 'VC1', 'Link Down (HA)', { on: 'partner', serial: 'VC1' }],
    ['soft down: documented on the partner that is up', 'VC1', 'VC2', 'Soft Down (HA)', { on: 'partner', serial: 'VC2' }],
    ['hard down (HA), serial sorts first', 'VC1', 'VC2', 'Hard Down (HA)', { on: 'self' }],
    ['hard down (HA), partner sorts first: its incident documents the pair', 'VC2', 'VC1', 'Hard Down (HA)', { on: 'partner-incident', serial: 'VC1' }],
  ] as const)('%s', (_case, serial, partner, kind, where) => {
    expect(haDocumentation(serial, partner, kind)).toEqual(where);
  });

  it('the outage note names the HA partner only in a pair', () => {
    const key = { serial: 'VC2', outageStart: '2026-11-29T08:00:00.000Z' };
    expect(noteFields(outageNote(key, 'Soft Down (HA)', [], false, 'VC1')).get('HA Partner')).toBe('VC1');
    expect(noteFields(outageNote(key, 'Hard Down', [])).has('HA Partner')).toBe(false);
  });
});
