import type { CycleSummary } from '../../domain/cycle-summary';
import { faultsByEnterprise, faultyEdgesMessage, worstEdges } from '../../domain/edge-report';
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

const summary = (faulty: FaultyEdge[]): CycleSummary => ({
  startedAt: '2026-11-28T12:00:00.000Z',
  finishedAt: '2026-11-28T12:01:30.000Z',
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

describe('P1 Slack summary', () => {
  it('is not built when nothing is faulty', () => {
    expect(faultyEdgesMessage(summary([]), options)).toBeUndefined();
  });

  it('counts by enterprise and state, names the worst edges with VCO links, and gives totals', () => {
    const faulty = [
      edge({ edgeId: 7, name: 'store-7', serial: 'VC007' }),
      edge({ edgeId: 8, name: 'store-8', serial: 'VC008', state: 'CONNECTED', reasons: ['GE2 DISCONNECTED'], outage: true }),
      edge({ edgeId: 9, name: 'lab', serial: 'VC009', enterpriseName: 'Lab', state: 'DEGRADED', reasons: ['DEGRADED'], outage: false }),
    ];
    const message = faultyEdgesMessage(summary(faulty), options)!;
    const blocks = JSON.stringify(message.blocks);
    expect(message.text).toMatch(/^3 faulty edges of 100/);
    expect(blocks).toContain('*Titan America (vco1.example.net)*: OFFLINE 1, LINK DISCONNECTED 1');
    expect(blocks).toContain('<https://vco1.example.net/#!/operator/customer/1/monitor/edge/7/|store-7 (VC007)>: OFFLINE');
    expect(blocks).toContain('2026-11-28 07:01:30 EST');
    expect(blocks).toContain('CONNECTED 98 · OFFLINE 2');
    expect(worstEdges(faulty, 3).map((e) => e.serial)).toEqual(['VC007', 'VC009', 'VC008']);
    expect(faultsByEnterprise(faulty).map((e) => e.total)).toEqual([2, 1]);
  });

  it('shows hostile names literally and pings no one', () => {
    const hostile = edge({ name: '<!channel> & <@U123>', enterpriseName: 'Evil > Corp <!here>|1|' });
    const message = faultyEdgesMessage(summary([hostile]), { ...options, dryRun: true })!;
    const all = message.text + JSON.stringify(message.blocks);
    expect(all).not.toMatch(/<!channel>|<!here>|<@U123>/);
    expect(all).toContain('&lt;!channel&gt; &amp; &lt;@U123&gt;');
    expect(message.text.startsWith('[DRY RUN]')).toBe(true);
  });

  it('stays one message however many edges are faulty', () => {
    const many = Array.from({ length: 2_000 }, (_, i) => edge({ edgeId: i, name: `edge-${i}`, serial: `VC${i}`, enterpriseName: `Customer ${i % 40}|${i % 40}|` }));
    const message = faultyEdgesMessage(summary(many), options)!;
    expect(message.blocks.length).toBeLessThanOrEqual(5);
    for (const block of message.blocks) {
      const text = (block as { text?: { text: string } }).text?.text ?? '';
      expect(text.length).toBeLessThanOrEqual(3000);
    }
  });
});
