import { Registry } from 'prom-client';
import type { CycleSummary } from '../../domain/cycle-summary';
import { registerFleetGauges } from '../../workers/engine-metrics';

function cycle(n: number): CycleSummary {
  return {
    startedAt: `2026-11-28T12:0${n}:00.000Z`,
    finishedAt: `2026-11-28T12:0${n}:30.000Z`,
    durationSeconds: 30,
    listed: 10 * n,
    processed: 10 * n,
    failed: n,
    edges: [{ host: 'vco1', enterprise: 'Titan', state: 'OFFLINE', count: n }],
    links: [{ host: 'vco1', enterprise: 'Titan', state: 'DISCONNECTED', count: 2 * n }],
    faultyTotal: 3 * n,
    faulty: [],
    failures: [],
  };
}

/** Every fleet gauge's value in one scrape, by metric name. */
async function scrape(registry: Registry): Promise<Record<string, number[]>> {
  const metrics = await registry.getMetricsAsJSON();
  return Object.fromEntries(metrics.map((m) => [m.name, m.values.map((v) => v.value)]));
}

const expected = (n: number) => ({
  automation_edges: [n],
  automation_links: [2 * n],
  automation_edges_processed: [10 * n],
  automation_edges_failed: [n],
  automation_faulty_edges: [3 * n],
  automation_edge_cycle_completed_timestamp_seconds: [Date.parse(cycle(n).finishedAt) / 1000],
});

describe('fleet gauges', () => {
  it('show one and the same cycle in every gauge of a scrape, the first scrape included', async () => {
    const registry = new Registry();
    let reads = 0;
    let current = 1;
    registerFleetGauges(registry, async () => {
      reads += 1;
      return cycle(current);
    });

    expect(await scrape(registry)).toEqual(expected(1));
    expect(reads).toBe(1);
    current = 2;
    expect(await scrape(registry)).toEqual(expected(2));
    expect(reads).toBe(2);
  });

  it('keep the last cycle they read while Temporal cannot be reached', async () => {
    const registry = new Registry();
    let fail = false;
    registerFleetGauges(registry, async () => {
      if (fail) throw new Error('unavailable');
      return cycle(3);
    });
    expect(await scrape(registry)).toEqual(expected(3));
    fail = true;
    expect(await scrape(registry)).toEqual(expected(3));
  });

  it('have no series by state, and zeros, before any cycle completed', async () => {
    const registry = new Registry();
    registerFleetGauges(registry, async () => undefined);
    const values = await scrape(registry);
    expect(values).toMatchObject({ automation_edges: [], automation_links: [], automation_edges_processed: [0], automation_edge_cycle_completed_timestamp_seconds: [0] });
  });
});
