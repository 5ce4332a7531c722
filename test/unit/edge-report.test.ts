import type { CycleSummary } from '../../domain/cycle-summary';
import { faultsByEnterprise, faultyEdgesMessage, summarizeInterval, worstEdges, type IntervalSummary } from '../../domain/edge-report';
import type { FaultyEdge } from '../../domain/fleet-tally';

const edge = (over: Partial<FaultyEdge>): FaultyEdge => ({
  host: 'vco1.example.net',
  enterpriseId: 1,
  edgeId: 1,
  enterpriseName: 'Titan America|85940|',
  name: 'edge-1',
  serial: 'VC001',
  state: 'OFFLINE',
  reasons: ['OFFLINE'],
  outage: true,
  lastContact: null,
  ...over,
});

const summary = (faulty: FaultyEdge[], finishedAt = '2026-11-28T12:01:30.000Z'): CycleSummary => ({
  startedAt: '2026-11-28T12:00:00.000Z',
  finishedAt,
  durationSeconds: 90,
  listed: 100,
  processed: 100,
  failed: 0,
  edges: [
    { host: 'vco1.example.net', enterprise: 'Titan America', state: 'CONNECTED', count: 98 },
    { host: 'vco1.example.net', enterprise: 'Titan America', state: 'OFFLINE', count: 2 },
  ],
  links: [],
  faultyTotal: faulty.length,
  faulty,
  failures: [],
});

const options = { portalUrls: { 'vco1.example.net': 'https://vco1.example.net' }, dryRun: false, timezone: 'US/Eastern' };

/** The interval of one cycle. */
const one = (cycle: CycleSummary): IntervalSummary => summarizeInterval([cycle])!;

describe('P1 Slack summary', () => {
  it('is not built when nothing is faulty', () => {
    expect(faultyEdgesMessage(one(summary([])), options)).toBeUndefined();
  });

  it('counts by enterprise and state, names the worst edges with VCO links, and gives totals', () => {
    const faulty = [
      edge({ edgeId: 7, name: 'store-7', serial: 'VC007' }),
      edge({ edgeId: 8, name: 'store-8', serial: 'VC008', state: 'CONNECTED', reasons: ['GE2 DISCONNECTED'], outage: true }),
      edge({ edgeId: 9, name: 'lab', serial: 'VC009', enterpriseName: 'Lab', state: 'DEGRADED', reasons: ['DEGRADED'], outage: false }),
    ];
    const message = faultyEdgesMessage(one(summary(faulty)), options)!;
    const blocks = JSON.stringify(message.blocks);
    expect(message.text).toMatch(/^3 faulty edges of 100 in the last cycle/);
    expect(blocks).toContain('*Titan America (vco1.example.net)*: OFFLINE 1, LINK DISCONNECTED 1');
    expect(blocks).toContain('<https://vco1.example.net/#!/operator/customer/1/monitor/edge/7/|store-7 (VC007)>: OFFLINE — faulty in 1 of 1 cycle');
    expect(blocks).toContain('Cycle finished 2026-11-28 07:01:30 EST');
    expect(blocks).toContain('edges: CONNECTED 98 · OFFLINE 2');
    expect(worstEdges(faulty, 3).map((e) => e.serial)).toEqual(['VC007', 'VC009', 'VC008']);
    expect(faultsByEnterprise(faulty).map((e) => e.total)).toEqual([2, 1]);
  });

  it('shows hostile names literally and pings no one', () => {
    const hostile = edge({ name: '<!channel> & <@U123>', enterpriseName: 'Evil > Corp <!here>|1|' });
    const message = faultyEdgesMessage(one(summary([hostile])), { ...options, dryRun: true })!;
    const all = message.text + JSON.stringify(message.blocks);
    expect(all).not.toMatch(/<!channel>|<!here>|<@U123>/);
    expect(all).toContain('&lt;!channel&gt; &amp; &lt;@U123&gt;');
    expect(message.text.startsWith('[DRY RUN]')).toBe(true);
  });

  it('stays one message within Slack limits however many edges are faulty in however many cycles', () => {
    const many = Array.from({ length: 2_000 }, (_, i) => edge({ edgeId: i, name: `edge-${i}`, serial: `VC${i}`, enterpriseName: `Customer ${i % 40}|${i % 40}|` }));
    const cycles = [0, 1, 2, 3, 4].map((n) => ({ ...summary(many.slice(n * 100), `2026-11-28T12:0${2 * n}:30.000Z`), faultyTotal: 5_000 }));
    const message = faultyEdgesMessage(summarizeInterval(cycles)!, options)!;
    expect(message.blocks.length).toBeLessThanOrEqual(5);
    const header = message.blocks[0] as unknown as { text: { text: string } };
    expect(header.text.text).toBe('5000 faulty edges of 100 in the last 5 cycles');
    expect(header.text.text.length).toBeLessThanOrEqual(150);
    for (const block of message.blocks) {
      const text = (block as { text?: { text: string } }).text?.text ?? '';
      expect(text.length).toBeLessThanOrEqual(3000);
      for (const element of (block as { elements?: { text: string }[] }).elements ?? []) expect(element.text.length).toBeLessThanOrEqual(2000);
    }
    const blocks = JSON.stringify(message.blocks);
    expect(blocks).toContain('…and 4990 more faulty edges');
    expect(blocks).toContain('…and 25 more enterprises');
    expect(message.text.length).toBeLessThan(4000);
  });
});

describe('P1 Slack summary over the cycles of the report interval', () => {
  const a = edge({ edgeId: 1, name: 'store-a', serial: 'VCA' });
  const b = edge({ edgeId: 2, name: 'store-b', serial: 'VCB', state: 'DEGRADED', reasons: ['DEGRADED'], outage: false });
  const c = edge({ edgeId: 3, name: 'store-c', serial: 'VCC', state: 'CONNECTED', reasons: ['GE1 DISCONNECTED'] });
  const cycles = [
    summary([a, c], '2026-11-28T12:02:30.000Z'),
    summary([a, b, c], '2026-11-28T12:04:30.000Z'),
    summary([a], '2026-11-28T12:06:30.000Z'),
  ];

  it('counts each edge once, with the number of cycles it was faulty in, worst first', () => {
    const interval = summarizeInterval([...cycles].reverse())!;
    expect(interval).toMatchObject({ cycles: 3, firstFinishedAt: '2026-11-28T12:02:30.000Z', faultyTotal: 3 });
    expect(interval.latest.finishedAt).toBe('2026-11-28T12:06:30.000Z');
    expect(interval.faulty.map((e) => [e.serial, e.faultyCycles])).toEqual([
      ['VCA', 3],
      ['VCC', 2],
      ['VCB', 1],
    ]);
  });

  it('says in how many of the cycles each named edge was faulty', () => {
    const message = faultyEdgesMessage(summarizeInterval(cycles)!, options)!;
    const blocks = JSON.stringify(message.blocks);
    expect(message.text).toMatch(/^3 faulty edges of 100 in the last 3 cycles/);
    expect(blocks).toContain('store-a (VCA)>: OFFLINE — faulty in 3 of 3 cycles');
    expect(blocks).toContain('store-c (VCC)>: GE1 DISCONNECTED — faulty in 2 of 3 cycles');
    expect(blocks).toContain('store-b (VCB)>: DEGRADED — faulty in 1 of 3 cycles');
    expect(blocks).toContain('*Titan America (vco1.example.net)*: OFFLINE 1, LINK DISCONNECTED 1, DEGRADED 1');
    expect(blocks).toContain('3 cycles finished 2026-11-28 07:02:30 EST – 2026-11-28 07:06:30 EST');
    expect(message.text).toContain('store-b (VCB): DEGRADED, faulty in 1 of 3 cycles');
  });

  it('describes an edge as the latest cycle it was faulty in saw it', () => {
    const worse = { ...c, state: 'OFFLINE', reasons: ['OFFLINE', 'GE1 DISCONNECTED'] };
    const interval = summarizeInterval([summary([c]), summary([worse], '2026-11-28T12:03:30.000Z')])!;
    expect(interval.faulty).toMatchObject([{ serial: 'VCC', state: 'OFFLINE', reasons: ['OFFLINE', 'GE1 DISCONNECTED'], faultyCycles: 2 }]);
  });

  it('shows edge and link states nobody documented under their own names', () => {
    const odd = edge({ edgeId: 4, name: 'odd', serial: 'VCO', state: 'REBOOTING', reasons: ['REBOOTING'], outage: false });
    const oddLink = edge({ edgeId: 5, name: 'odd-link', serial: 'VCL', state: 'CONNECTED', reasons: ['GE3 FLAPPING (unknown state)'], outage: false });
    const cycle = {
      ...summary([odd, oddLink]),
      edges: [
        { host: 'vco1.example.net', enterprise: 'Titan America', state: 'CONNECTED', count: 99 },
        { host: 'vco1.example.net', enterprise: 'Titan America', state: 'REBOOTING', count: 1 },
      ],
      links: [
        { host: 'vco1.example.net', enterprise: 'Titan America', state: 'STABLE', count: 150 },
        { host: 'vco1.example.net', enterprise: 'Titan America', state: 'FLAPPING', count: 1 },
      ],
    };
    const blocks = JSON.stringify(faultyEdgesMessage(one(cycle), options)!.blocks);
    expect(blocks).toContain('*Titan America (vco1.example.net)*: REBOOTING 1, LINK FLAPPING (unknown state) 1');
    expect(blocks).toContain('edges: CONNECTED 99 · REBOOTING 1 · links: FLAPPING 1 · STABLE 150');
  });

  it('has nothing to say when no cycle completed, or none had a faulty edge', () => {
    expect(summarizeInterval([])).toBeUndefined();
    expect(faultyEdgesMessage(summarizeInterval([summary([]), summary([])])!, options)).toBeUndefined();
  });
});
