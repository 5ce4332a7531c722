/**
 * P3's later troubles (jitter, bandwidth over-utilisation, circuit instability), their configurable
 * limits, the recovery rule, and VAS auto-resolve under the outage incidents' rules.
 */
import { engineNote } from '../../domain/engine-notes';
import { RESOLVE_NOTE_TITLE, type AutoResolvePolicy } from '../../domain/incidents';
import {
  deviceRecovered,
  isTroubleResolveNote,
  linkDeadCounts,
  linkTroubles,
  noteNamesAnyTrouble,
  noteNamesTrouble,
  troubleAutoResolveRefusal,
  troubleNote,
  troubleResolveNote,
  troubleWorkflowId,
  TROUBLE_KINDS,
  TROUBLE_THRESHOLDS,
  utilisationPct,
  type LinkSample,
  type TroubleReport,
} from '../../domain/service-affecting';

const MIN = 60_000;
const base = { bestLatencyMsRx: 10, bestLatencyMsTx: 10, bestLossPctRx: 0, bestLossPctTx: 0, bestJitterMsRx: 2, bestJitterMsTx: 2 };
const wired = (metrics: Partial<LinkSample> = {}): LinkSample => ({
  interface: 'GE1',
  displayName: 'Comcast',
  backupState: 'UNCONFIGURED',
  serviceGroups: ['PUBLIC_WIRED'],
  ...base,
  ...metrics,
});
const wireless = (metrics: Partial<LinkSample> = {}): LinkSample => wired({ interface: 'CELL1', serviceGroups: ['PUBLIC_WIRELESS'], ...metrics });
/** Bytes that use `pct` percent of `bps` over `lookbackMs`. */
const bytesFor = (pct: number, bps: number, lookbackMs: number) => ((pct / 100) * bps * (lookbackMs / 1000)) / 8;
const bandwidth = (rxPct: number, txPct = 10, lookbackMs = 30 * MIN, bps = 100_000_000) => ({
  bandwidth: { bytesRx: bytesFor(rxPct, bps, lookbackMs), bytesTx: bytesFor(txPct, bps, lookbackMs), bpsOfBestPathRx: bps, bpsOfBestPathTx: bps, lookbackMs },
});

describe('later troubles (jitter > 50 ms, bandwidth > 80 % of the best path, ≥ 10 LINK_DEAD in 60 min)', () => {
  it.each([
    ['wired jitter at 50 ms', wired({ bestJitterMsRx: 50, bestJitterMsTx: 50 }), []],
    ['wired jitter at 50.5 ms Rx', wired({ bestJitterMsRx: 50.5 }), ['Jitter']],
    ['wireless jitter at 51 ms Tx', wireless({ bestJitterMsTx: 51 }), ['Jitter']],
    ['jitter not measured', wired({ bestJitterMsRx: undefined, bestJitterMsTx: undefined }), []],
    ['bandwidth at 80 % Rx', wired(bandwidth(80)), []],
    ['bandwidth at 81 % Rx', wired(bandwidth(81)), ['Bandwidth Over Utilization']],
    ['bandwidth at 90 % Tx only', wired(bandwidth(10, 90)), ['Bandwidth Over Utilization']],
    ['bandwidth over a 10 min look-back', wired(bandwidth(85, 10, 10 * MIN)), ['Bandwidth Over Utilization']],
    ['capacity unknown (bps 0): no trouble', wired({ bandwidth: { bytesRx: 1e12, bytesTx: 1e12, bpsOfBestPathRx: 0, bpsOfBestPathTx: 0, lookbackMs: 30 * MIN } }), []],
    ['9 LINK_DEAD events', wired({ deadEvents: 9, deadEventsLookbackMs: 60 * MIN }), []],
    ['10 LINK_DEAD events (reaching the limit counts)', wired({ deadEvents: 10, deadEventsLookbackMs: 60 * MIN }), ['Circuit Instability']],
    ['wireless, 12 LINK_DEAD events', wireless({ deadEvents: 12, deadEventsLookbackMs: 60 * MIN }), ['Circuit Instability']],
    [
      'every trouble on one link, in a fixed order',
      wired({ bestLatencyMsRx: 60, bestLossPctTx: 6, bestJitterMsRx: 70, ...bandwidth(95), deadEvents: 11 }),
      ['Latency', 'Packet Loss', 'Jitter', 'Bandwidth Over Utilization', 'Circuit Instability'],
    ],
  ])('%s', (_case, link, kinds) => {
    expect(linkTroubles(link).map((t) => t.kind)).toEqual(kinds);
  });

  it('reports utilisation in percent and the look-back it covers', () => {
    const [trouble] = linkTroubles(wired(bandwidth(90, 20, 30 * MIN)));
    expect(trouble).toMatchObject({ kind: 'Bandwidth Over Utilization', threshold: 80, lookbackMs: 30 * MIN });
    expect(trouble!.rx).toBeCloseTo(90);
    expect(trouble!.tx).toBeCloseTo(20);
    expect(utilisationPct(75_000_000, 60_000, 10_000_000)).toBe(100);
    expect(utilisationPct(1, 60_000, 0)).toBe(0);
  });

  it.each([
    ['wired jitter limit 30', { Jitter: { wired: 30, wireless: 60, unit: 'ms' } }, wired({ bestJitterMsRx: 31 }), ['Jitter']],
    ['wireless jitter limit 60', { Jitter: { wired: 30, wireless: 60, unit: 'ms' } }, wireless({ bestJitterMsRx: 59 }), []],
    ['bandwidth limit 95 %', { 'Bandwidth Over Utilization': { wired: 95, wireless: 95, unit: '%' } }, wired(bandwidth(90)), []],
    ['instability limit 5 events', { 'Circuit Instability': { wired: 5, wireless: 5, unit: 'events' } }, wired({ deadEvents: 5 }), ['Circuit Instability']],
  ])('configured limits: %s', (_case, limits, link, kinds) => {
    expect(linkTroubles(link, { ...TROUBLE_THRESHOLDS, ...limits }).map((t) => t.kind)).toEqual(kinds);
  });

  it('counts LINK_DEAD events per link from their messages', () => {
    const events = [
      { event: 'LINK_DEAD', message: 'Link GE1 is now DEAD' },
      { event: 'LINK_DEAD', message: 'Link GE1 is now DEAD' },
      { event: 'LINK_DEAD', message: 'Link GE2 is now DEAD' },
      { event: 'LINK_ALIVE', message: 'Link GE1 is no longer DEAD' },
      { event: 'EDGE_DOWN', message: 'Edge has gone down' },
      { event: 'LINK_DEAD', message: '' },
    ];
    expect(Object.fromEntries(linkDeadCounts(events))).toEqual({ GE1: 2, GE2: 1 });
  });
});

describe('trouble names on notes stay distinct', () => {
  const note = (kind: string) => engineNote([['Edge Name', 'Store 12'], ['Trouble', kind], ['Interface', 'GE1']]);

  it.each(TROUBLE_KINDS.map((kind) => [kind]))('a note of %s names only that trouble', (kind) => {
    for (const other of TROUBLE_KINDS) expect(noteNamesTrouble(note(kind), { kind: other })).toBe(other === kind);
  });

  it('old-format notes (marker and Trouble only) name the new troubles too', () => {
    expect(noteNamesTrouble('#*Automation Engine*#\nTrouble: Circuit Instability', { kind: 'Circuit Instability' })).toBe(true);
    expect(noteNamesTrouble('#*Automation Engine*#\nTrouble: Jitter', { kind: 'Latency' })).toBe(false);
  });

  it('workflow ids per trouble are distinct', () => {
    const edge = { host: 'vco.example', enterpriseId: 1, edgeId: 2 };
    const ids = TROUBLE_KINDS.map((kind) => troubleWorkflowId(edge as never, { interface: 'GE1', kind }));
    expect(new Set(ids).size).toBe(TROUBLE_KINDS.length);
  });

  it('the note of a bandwidth trouble says its look-back and utilisation; instability says its events', () => {
    const report = (trouble: TroubleReport['trouble']): TroubleReport => ({
      host: 'vco.example',
      enterpriseId: 1,
      edgeId: 2,
      serial: 'VC1',
      edgeName: 'Store 12',
      enterpriseName: 'Acme|42|',
      clientId: 42,
      trouble,
      scanStart: '2026-11-29T10:00:00.000Z',
      scanEnd: '2026-11-29T10:10:00.000Z',
    });
    const [bw] = linkTroubles(wired(bandwidth(90)));
    const text = troubleNote(report(bw!), { portalUrl: 'https://vco.example', timezone: 'UTC' });
    expect(text).toContain('Trouble: Bandwidth Over Utilization');
    expect(text).toContain('Interval for Scan: 30m');
    expect(text).toContain('Input: 90%');
    const [unstable] = linkTroubles(wired({ deadEvents: 12, deadEventsLookbackMs: 60 * MIN }));
    const text2 = troubleNote(report(unstable!), { portalUrl: 'https://vco.example', timezone: 'UTC' });
    expect(text2).toContain('Input: 12 LINK_DEAD events');
    expect(text2).toContain('Threshold: 10 LINK_DEAD events (wired)');
    expect(text2).toContain('Interval for Scan: 1h');
  });
});

describe('recovery (every metric within its limit over the recovery look-back, fewer than 4 LINK_DEAD)', () => {
  const rule = { instabilityBelow: 4 };
  it.each([
    ['all quiet', 'CONNECTED', [wired({ deadEvents: 0 }), wired({ interface: 'GE2', deadEvents: 3 })], true],
    ['4 LINK_DEAD events on a link', 'CONNECTED', [wired({ deadEvents: 4 })], false],
    ['jitter above its limit', 'CONNECTED', [wired({ bestJitterMsTx: 60 })], false],
    ['latency above its limit', 'CONNECTED', [wired({ bestLatencyMsRx: 51 })], false],
    ['bandwidth above its limit', 'CONNECTED', [wired(bandwidth(85, 10, 20 * MIN))], false],
    ['a STANDBY link in trouble does not count', 'CONNECTED', [wired({ backupState: 'STANDBY', bestLatencyMsRx: 300 })], true],
    ['edge offline', 'OFFLINE', [wired()], false],
  ] as const)('%s', (_case, edgeState, links, recovered) => {
    expect(deviceRecovered({ edgeState, links: [...links] }, TROUBLE_THRESHOLDS, rule)).toBe(recovered);
  });
});

describe('VAS auto-resolve: the incidents rules with trouble notes as the documenting notes', () => {
  const policy: AutoResolvePolicy = {
    creator: 'engine-client',
    graceDayMs: 90 * MIN,
    graceNightMs: 180 * MIN,
    dayStartHour: 8,
    dayEndHour: 24,
    timezone: 'UTC',
    maxAutoResolves: 3,
  };
  const now = '2026-11-29T12:00:00.000Z';
  const ago = (minutes: number) => new Date(Date.parse(now) - minutes * MIN).toISOString();
  const trouble = (minutes: number) => ({ noteValue: engineNote([['Edge Name', 'Store'], ['Trouble', 'Jitter']]), createdDate: ago(minutes) });
  const resolved = (minutes: number, serial = 'VC1') => ({ noteValue: troubleResolveNote(serial, ago(minutes), '20m'), createdDate: ago(minutes) });

  it.each([
    ['engine ticket, trouble noted 30 min ago', 'engine-client', [trouble(30)], undefined],
    ['creator compared without case or spaces', ' ENGINE-client ', [trouble(30)], undefined],
    ['someone else opened the ticket', 'Jane NOC', [trouble(30)], 'not-created-by-engine'],
    ['no trouble note at all', 'engine-client', [{ noteValue: 'a human note', createdDate: ago(5) }], 'no-outage-note'],
    ['trouble noted 100 min ago (day grace 90 min)', 'engine-client', [trouble(100)], 'grace-expired'],
    ['the latest trouble note counts', 'engine-client', [trouble(300), trouble(20)], undefined],
    ['resolved 3 times already', 'engine-client', [resolved(400), resolved(300), resolved(200), trouble(10)], 'max-auto-resolves'],
    ['resolved twice: a third is allowed', 'engine-client', [resolved(300), resolved(200), trouble(10)], undefined],
    ['resolves of another serial do not count', 'engine-client', [resolved(400, 'VC9'), resolved(300, 'VC9'), resolved(200, 'VC9'), trouble(10)], undefined],
  ])('%s', (_case, createdBy, notes, refusal) => {
    expect(troubleAutoResolveRefusal({ createdBy, notes, serial: 'VC1', now }, policy)).toBe(refusal);
  });

  it('the resolve note names no trouble, counts as an auto-resolve and is found again by its scan', () => {
    const note = troubleResolveNote('VC1', now, '20m');
    expect(noteNamesAnyTrouble(note)).toBe(false);
    expect(note.split('\n')[1]).toBe(RESOLVE_NOTE_TITLE);
    expect(isTroubleResolveNote(note, 'vc1', now)).toBe(true);
    expect(isTroubleResolveNote(note, 'VC1', ago(10))).toBe(false);
    expect(isTroubleResolveNote(note, 'VC2', now)).toBe(false);
  });
});
