import {
  clientIdOf,
  displayEnterprise,
  edgeUrl,
  faultReasons,
  isCountedLink,
  isFaulty,
  isOutage,
  isTestEnterprise,
  isWireless,
  type EdgeCondition,
} from '../../domain/edges';
import { addEdge, addFailure, addUnlisted, completeTally, emptyTally, mergeTally, NO_SERIAL_REASON, stateCounts } from '../../domain/fleet-tally';
import { summarizeCycle } from '../../domain/cycle-summary';
import { chunkGroups } from '../../workflows/edge-fanout';

const link = (iface: string, state: string, backupState = 'UNCONFIGURED') => ({ interface: iface, state, backupState });

describe('edge classification (SPEC §2, §4 P1/P2)', () => {
  it.each<[string, EdgeCondition, { faulty: boolean; outage: boolean; reasons: string[] }]>([
    ['connected, links stable', { state: 'CONNECTED', links: [link('GE1', 'STABLE'), link('GE2', 'STABLE')] }, { faulty: false, outage: false, reasons: [] }],
    ['offline', { state: 'OFFLINE', links: [link('GE1', 'DISCONNECTED')] }, { faulty: true, outage: true, reasons: ['OFFLINE', 'GE1 DISCONNECTED'] }],
    ['degraded edge is faulty but not an outage', { state: 'DEGRADED', links: [link('GE1', 'STABLE')] }, { faulty: true, outage: false, reasons: ['DEGRADED'] }],
    ['never activated', { state: 'NEVER_ACTIVATED', links: [] }, { faulty: true, outage: false, reasons: ['NEVER_ACTIVATED'] }],
    ['counted link disconnected', { state: 'CONNECTED', links: [link('GE1', 'STABLE'), link('GE2', 'DISCONNECTED')] }, { faulty: true, outage: true, reasons: ['GE2 DISCONNECTED'] }],
    ['active backup link disconnected counts', { state: 'CONNECTED', links: [link('GE3', 'DISCONNECTED', 'ACTIVE')] }, { faulty: true, outage: true, reasons: ['GE3 DISCONNECTED'] }],
    ['standby backup link disconnected does not count', { state: 'CONNECTED', links: [link('GE1', 'STABLE'), link('LTE', 'DISCONNECTED', 'STANDBY')] }, { faulty: false, outage: false, reasons: [] }],
    ['unstable link is not a fault', { state: 'CONNECTED', links: [link('GE1', 'UNSTABLE'), link('GE2', 'QUIET')] }, { faulty: false, outage: false, reasons: [] }],
    ['a counted link in an unknown state is a fault, not an outage', { state: 'CONNECTED', links: [link('GE1', 'WOBBLY'), link('GE2', 'STABLE')] }, { faulty: true, outage: false, reasons: ['GE1 WOBBLY (unknown state)'] }],
    ['a counted link without a state is a fault', { state: 'CONNECTED', links: [link('GE1', '')] }, { faulty: true, outage: false, reasons: ['GE1 (no state) (unknown state)'] }],
    ['a standby link in an unknown state does not count', { state: 'CONNECTED', links: [link('GE1', 'STABLE'), link('LTE', 'WOBBLY', 'STANDBY')] }, { faulty: false, outage: false, reasons: [] }],
    ['an unknown edge state is a fault under its own name', { state: 'REBOOTING', links: [link('GE1', 'STABLE')] }, { faulty: true, outage: false, reasons: ['REBOOTING'] }],
    ['unknown link state beside a disconnected one', { state: 'CONNECTED', links: [link('GE1', 'DISCONNECTED'), link('GE2', 'WOBBLY', 'ACTIVE')] }, { faulty: true, outage: true, reasons: ['GE1 DISCONNECTED', 'GE2 WOBBLY (unknown state)'] }],
  ])('%s', (_name, edge, expected) => {
    expect({ faulty: isFaulty(edge), outage: isOutage(edge), reasons: faultReasons(edge) }).toEqual(expected);
  });

  it.each([
    ['UNCONFIGURED', true],
    ['ACTIVE', true],
    ['STANDBY', false],
  ])('backup state %s counted: %s', (backupState, counted) => {
    expect(isCountedLink({ backupState })).toBe(counted);
  });

  it('tells wireless from wired by service groups', () => {
    expect(isWireless(['PUBLIC_WIRELESS'])).toBe(true);
    expect(isWireless(['PUBLIC_WIRED', 'PRIVATE_WIRED'])).toBe(false);
    expect(isWireless([])).toBe(false);
  });

  it.each([
    ['Titan America|85940|', 85940, 'Titan America'],
    ['ACME |12| Corp', 12, 'ACME  Corp'],
    ['Lab enterprise', undefined, 'Lab enterprise'],
    ['Odd|abc|', undefined, 'Odd|abc|'],
  ])('enterprise %p has client id %p', (name, id, display) => {
    expect(clientIdOf(name)).toBe(id);
    expect(isTestEnterprise(name)).toBe(id === undefined);
    expect(displayEnterprise(name)).toBe(display);
  });

  it('links to the edge page on its VCO portal', () => {
    expect(edgeUrl('https://mettel.velocloud.net', { enterpriseId: 12, edgeId: 345 })).toBe(
      'https://mettel.velocloud.net/#!/operator/customer/12/monitor/edge/345/',
    );
  });
});

describe('fleet tally', () => {
  const summary = (edgeId: number, state: string, links = [link('GE1', 'STABLE')]) => ({
    host: 'h1',
    enterpriseId: 1,
    edgeId,
    enterpriseName: 'Titan|1|',
    name: `e${edgeId}`,
    serial: `S${edgeId}`,
    state,
    lastContact: null,
    links: links.map((l) => ({ ...l, displayName: l.interface, wireless: false })),
  });

  it('counts edges and counted links by host, enterprise and state, and merges', () => {
    const a = emptyTally();
    addEdge(a, summary(1, 'CONNECTED'));
    addEdge(a, summary(2, 'OFFLINE', [link('GE1', 'DISCONNECTED'), link('LTE', 'DISCONNECTED', 'STANDBY')]));
    const b = emptyTally();
    addEdge(b, summary(3, 'CONNECTED'));
    addFailure(b, { host: 'h1', enterpriseId: 1, edgeId: 4 }, 'timed out');
    mergeTally(a, b);
    expect(a.processed).toBe(3);
    expect(a.failed).toBe(1);
    expect(stateCounts(a.edges)).toEqual([
      { host: 'h1', enterprise: 'Titan', state: 'CONNECTED', count: 2 },
      { host: 'h1', enterprise: 'Titan', state: 'OFFLINE', count: 1 },
    ]);
    expect(stateCounts(a.links)).toEqual([
      { host: 'h1', enterprise: 'Titan', state: 'DISCONNECTED', count: 1 },
      { host: 'h1', enterprise: 'Titan', state: 'STABLE', count: 2 },
    ]);
    expect(a.faulty.map((f) => [f.serial, f.outage, f.reasons])).toEqual([['S2', true, ['OFFLINE', 'GE1 DISCONNECTED']]]);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
  });

  it('counts links in unknown states under their own state, and their edges as faulty', () => {
    const tally = emptyTally();
    addEdge(tally, summary(1, 'CONNECTED', [link('GE1', 'WOBBLY'), link('GE2', 'STABLE')]));
    addEdge(tally, summary(2, 'REBOOTING'));
    expect(stateCounts(tally.links)).toEqual([
      { host: 'h1', enterprise: 'Titan', state: 'STABLE', count: 2 },
      { host: 'h1', enterprise: 'Titan', state: 'WOBBLY', count: 1 },
    ]);
    expect(stateCounts(tally.edges).map((c) => [c.state, c.count])).toEqual([['CONNECTED', 1], ['REBOOTING', 1]]);
    expect(tally.faulty.map((f) => [f.edgeId, f.outage, f.reasons])).toEqual([
      [1, false, ['GE1 WOBBLY (unknown state)']],
      [2, false, ['REBOOTING']],
    ]);
  });

  it('counts edges without a serial and says so in their reasons when they are faulty', () => {
    const tally = emptyTally();
    addEdge(tally, { ...summary(1, 'CONNECTED'), serial: '' });
    addEdge(tally, { ...summary(2, 'OFFLINE', [link('GE1', 'DISCONNECTED')]), serial: ' ' });
    addEdge(tally, summary(3, 'CONNECTED'));
    expect(tally.noSerial).toBe(2);
    expect(tally.faulty.map((f) => [f.edgeId, f.reasons])).toEqual([[2, ['OFFLINE', 'GE1 DISCONNECTED', NO_SERIAL_REASON]]]);
  });

  it('counts unlisted hosts and enterprises and keeps the first few with their errors, through merges', () => {
    const a = emptyTally();
    addUnlisted(a, { host: 'h1', error: 'velocloud h1 monitoring/getAggregates: HTTP 503' });
    const b = emptyTally();
    for (let id = 1; id <= 12; id++) addUnlisted(b, { host: 'h2', enterpriseId: id, enterpriseName: `E${id}`, error: 'HTTP 500' });
    addFailure(b, { host: 'h2', enterpriseId: 3 }, 'no usable edge id');
    mergeTally(a, b);
    expect([a.unlistedHosts, a.unlistedEnterprises, a.failed]).toEqual([1, 12, 1]);
    expect(a.unlisted).toHaveLength(10);
    expect(a.unlisted[0]).toEqual({ host: 'h1', error: 'velocloud h1 monitoring/getAggregates: HTTP 503' });
    const summaryOf = summarizeCycle(a, 40, 0, 1_000);
    expect(summaryOf).toMatchObject({ unlistedHosts: 1, unlistedEnterprises: 12, noSerial: 0, failed: 1 });
    expect(summaryOf.unlisted).toHaveLength(10);
  });

  it('completes a tally recorded before the listing and serial counts existed', () => {
    const old = { processed: 2, failed: 0, edges: {}, links: {}, faulty: [], failures: [] };
    const into = emptyTally();
    mergeTally(into, old as never);
    expect(into).toMatchObject({ processed: 2, noSerial: 0, unlistedHosts: 0, unlistedEnterprises: 0, unlisted: [] });
    expect(completeTally(old)).toEqual({ ...emptyTally(), processed: 2 });
  });
});

describe('chunking the fleet', () => {
  const group = (enterpriseId: number, count: number) => ({
    host: 'h',
    enterpriseId,
    enterpriseName: `E${enterpriseId}`,
    edgeIds: Array.from({ length: count }, (_, i) => enterpriseId * 1000 + i),
  });

  it('cuts groups into chunks of at most the size, losing and repeating no edge', () => {
    const groups = [group(1, 7), group(2, 3), group(3, 12)];
    const chunks = chunkGroups(groups, 5);
    const sizes = chunks.map((c) => c.reduce((n, g) => n + g.edgeIds.length, 0));
    expect(sizes).toEqual([5, 5, 5, 5, 2]);
    expect(chunks.flatMap((c) => c.flatMap((g) => g.edgeIds))).toEqual(groups.flatMap((g) => g.edgeIds));
    expect(chunkGroups([], 5)).toEqual([]);
  });
});
