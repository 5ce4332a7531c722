/**
 * What a fan-out carries stays bounded whatever the fleet: the tally names at most MAX_FAULTY_KEPT
 * faulty edges (the worst) and counts the rest, folds the counts of the smallest enterprises when a
 * fleet has thousands of them, and the cycle's result stays under Temporal's 512 KB payload warning.
 */
import { summarizeCycle, toCycleSummary, type CycleSummary } from '../../domain/cycle-summary';
import type { EdgeSummary } from '../../domain/edges';
import {
  addEdge,
  boundTally,
  completeTally,
  emptyTally,
  faultSeverity,
  MAX_FAULTY_KEPT,
  mergeTally,
  OTHER_ENTERPRISES,
  stateCounts,
  TALLY_BUDGET_BYTES,
  type FleetTally,
} from '../../domain/fleet-tally';

const PAYLOAD_WARNING_BYTES = 512 * 1024;

function edge(host: string, enterprise: number, edgeId: number, state: string, linkState = 'STABLE'): EdgeSummary {
  return {
    host,
    enterpriseId: enterprise,
    edgeId,
    enterpriseName: `Customer number ${enterprise}|${10_000 + enterprise}|`,
    name: `CUSTO-CITY-${edgeId}`,
    serial: `VC${String(edgeId).padStart(11, '0')}`,
    state,
    lastContact: '2026-11-29T07:00:00.000Z',
    links: [
      { interface: 'GE1', displayName: 'Comcast', state: linkState, backupState: 'UNCONFIGURED' },
      { interface: 'GE2', displayName: 'AT&T', state: 'STABLE', backupState: 'ACTIVE' },
    ],
  };
}

/** A fleet of `edges` edges on two hosts, `enterprises` enterprises each, every `faultyEvery`-th edge faulty. */
function fleetTally(edges: number, enterprises: number, faultyEvery: number, chunks = 20): FleetTally {
  const perChunk = Math.ceil(edges / chunks);
  const total = emptyTally();
  for (let c = 0; c < chunks; c++) {
    const chunk = emptyTally();
    for (let i = c * perChunk; i < Math.min(edges, (c + 1) * perChunk); i++) {
      const host = i % 2 ? '127.0.0.1:40001' : '127.0.0.1:40002';
      const faulty = i % faultyEvery === 0;
      const state = faulty ? (i % (3 * faultyEvery) === 0 ? 'OFFLINE' : 'DEGRADED') : 'CONNECTED';
      addEdge(chunk, edge(host, Math.floor(i / 2) % enterprises, i, state, faulty ? 'DISCONNECTED' : 'STABLE'));
    }
    mergeTally(total, boundTally(chunk));
  }
  return boundTally(total);
}

const sum = (rows: { count: number }[]) => rows.reduce((n, r) => n + r.count, 0);

describe('bounded tallies and cycle results', () => {
  it('names the worst MAX_FAULTY_KEPT faulty edges of 100,000 and counts them all; the result stays under 512 KB', () => {
    const tally = fleetTally(100_000, 400, 10);
    expect(tally.processed).toBe(100_000);
    expect(tally.faultyTotal).toBe(10_000);
    expect(tally.outages).toBe(10_000);
    expect(tally.faulty).toHaveLength(MAX_FAULTY_KEPT);
    // The worst first: every OFFLINE edge of the fleet outranks every DEGRADED one.
    expect(tally.faulty.every((f) => f.state === 'OFFLINE')).toBe(true);
    expect(JSON.stringify(tally).length).toBeLessThanOrEqual(TALLY_BUDGET_BYTES);

    const result = summarizeCycle(tally, 100_000, 0, 150_000);
    expect(JSON.stringify(result).length).toBeLessThan(PAYLOAD_WARNING_BYTES);
    expect(result).toMatchObject({ faultyTotal: 10_000, faultyNamed: MAX_FAULTY_KEPT });
    const summary = toCycleSummary(result);
    expect(sum(summary.edges)).toBe(100_000);
    expect(sum(summary.edges.filter((r) => r.state === 'OFFLINE'))).toBe(3_334);
  });

  it('keeps the same faulty edges whatever order the chunks finish in', () => {
    const chunks = Array.from({ length: 6 }, (_, c) => {
      const t = emptyTally();
      for (let i = 0; i < 700; i++) addEdge(t, edge('h', c, c * 1_000 + i, i % 3 ? 'DEGRADED' : 'OFFLINE'));
      return boundTally(t);
    });
    const merged = (order: number[]) => {
      const total = emptyTally();
      for (const i of order) mergeTally(total, chunks[i]!);
      return boundTally(total).faulty.map((f) => f.edgeId).sort((a, b) => a - b);
    };
    expect(merged([0, 1, 2, 3, 4, 5])).toEqual(merged([5, 3, 1, 0, 4, 2]));
    expect(faultSeverity({ state: 'OFFLINE', reasons: ['OFFLINE'] })).toBeGreaterThan(faultSeverity({ state: 'DEGRADED', reasons: ['DEGRADED', 'GE1 DISCONNECTED'] }));
  });

  it('folds the smallest enterprises’ counts when thousands of enterprises would not fit, keeping every total', () => {
    const tally = fleetTally(60_000, 6_000, 50);
    expect(tally.foldedEnterprises).toBeGreaterThan(0);
    expect(JSON.stringify(tally).length).toBeLessThanOrEqual(TALLY_BUDGET_BYTES);
    const result = summarizeCycle(tally, 60_000, 0, 1);
    expect(result.foldedEnterprises).toBe(tally.foldedEnterprises);
    expect(JSON.stringify(result).length).toBeLessThan(PAYLOAD_WARNING_BYTES);
    const summary = toCycleSummary(result);
    expect(sum(summary.edges)).toBe(60_000);
    expect(summary.edges.some((r) => r.enterprise === OTHER_ENTERPRISES)).toBe(true);
  });

  it('reads the results earlier releases recorded, and tallies with counts keyed by JSON', () => {
    const old: CycleSummary = {
      startedAt: 'a',
      finishedAt: 'b',
      durationSeconds: 1,
      listed: 1,
      processed: 1,
      failed: 0,
      edges: [{ host: 'h', enterprise: 'E', state: 'CONNECTED', count: 1 }],
      links: [],
      faultyTotal: 0,
      faulty: [],
      failures: [],
    };
    expect(toCycleSummary(old)).toBe(old);
    const tally = completeTally({ processed: 3, edges: { '["h","E","CONNECTED"]': 2, '["h","E","OFFLINE"]': 1 }, links: {}, faulty: [] });
    expect(stateCounts(tally.edges)).toEqual([
      { host: 'h', enterprise: 'E', state: 'CONNECTED', count: 2 },
      { host: 'h', enterprise: 'E', state: 'OFFLINE', count: 1 },
    ]);
    expect(tally).toMatchObject({ faultyTotal: 0, outages: 0, listed: 0 });
  });
});
