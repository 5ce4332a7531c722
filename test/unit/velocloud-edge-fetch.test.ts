/**
 * The per-edge fetch of P1 and P2 against the VCO sandbox: the enterprise's listing carries state,
 * serial, name and last contact, one call per edge reads its links. Over the same seeded fleet (every
 * state, links down and on standby, an undocumented link state, an edge without a serial) it decides
 * exactly what the three-call fetch of earlier releases decided, edge by edge and in the tally.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import type { ActivityDeps } from '../../activities';
import { createVelocloudActivities } from '../../activities/velocloud';
import { VelocloudClients, type VelocloudCallEvent } from '../../clients/velocloud';
import { faultReasons, isFaulty, isOutage, type EdgeSummary } from '../../domain/edges';
import { addEdge, emptyTally } from '../../domain/fleet-tally';
import { generateFleet, VelocloudSandbox } from '../../sandbox/velocloud';
import { createLogger } from '../../workers/logger';
import { testConfig } from '../support/config';

let sandbox: VelocloudSandbox;
let velocloud: VelocloudClients;
let activities: ReturnType<typeof createVelocloudActivities>;
const calls: string[] = [];

const run = <A, R>(fn: (arg: A) => Promise<R>, arg: A): Promise<R> => new MockActivityEnvironment().run(fn, arg);

beforeAll(async () => {
  const fleet = generateFleet({ seed: 23, hosts: ['vco.sandbox'], enterprisesPerHost: 4, totalEdges: 160, faultyShare: 0.3 });
  sandbox = new VelocloudSandbox({ fleetHost: fleet.hosts[0]!, seed: 23 });
  await sandbox.start();
  const config = testConfig({ VELOCLOUD_CREDENTIALS: sandbox.credentialsEntry });
  velocloud = new VelocloudClients(config.velocloud.hosts, { timeoutMs: 5_000, onCall: (e: VelocloudCallEvent) => calls.push(e.call) });
  const logger = createLogger({ level: 'error', write: () => undefined });
  activities = createVelocloudActivities({ config, velocloud, logger } as unknown as ActivityDeps);
});

afterAll(async () => {
  await velocloud.close();
  await sandbox.stop();
});

/** Every edge of the host the new way: a page of each enterprise's listing, then one call per edge. */
async function fetchTheNewWay(pageSize = 1_000): Promise<EdgeSummary[]> {
  const { enterprises } = await run((r: Parameters<typeof activities.listEnterprisesPage>[0]) => activities.listEnterprisesPage(r), { host: sandbox.hostName, limit: 100 });
  const summaries: EdgeSummary[] = [];
  for (const enterprise of enterprises) {
    let after: number | undefined;
    do {
      const ref = { host: sandbox.hostName, enterpriseId: enterprise.id, enterpriseName: enterprise.name };
      const page = await run((r: Parameters<typeof activities.listEnterpriseEdges>[0]) => activities.listEnterpriseEdges(r), { ...ref, afterEdgeId: after, limit: pageSize });
      for (const edge of page.edges) summaries.push(await run((r: Parameters<typeof activities.fetchListedEdgeStatus>[0]) => activities.fetchListedEdgeStatus(r), { ...ref, edge }));
      after = page.nextAfter;
    } while (after !== undefined);
  }
  return summaries;
}

/** The same edges the way earlier releases fetched them: getEdge, link metrics and service groups per edge. */
async function fetchTheOldWay(): Promise<EdgeSummary[]> {
  const summaries: EdgeSummary[] = [];
  for (const e of sandbox.fleetTruth().edges) {
    summaries.push(
      await run((r: Parameters<typeof activities.fetchEdgeStatus>[0]) => activities.fetchEdgeStatus(r), { host: sandbox.hostName, enterpriseId: e.enterpriseId, edgeId: e.id, enterpriseName: e.enterpriseName }),
    );
  }
  return summaries;
}

const decisions = (edges: EdgeSummary[]) =>
  edges
    .map((e) => ({
      edge: e.edgeId,
      serial: e.serial,
      state: e.state,
      lastContact: e.lastContact,
      faulty: isFaulty(e),
      outage: isOutage(e),
      reasons: faultReasons(e),
      links: e.links.map((l) => [l.interface, l.state, l.backupState]),
    }))
    .sort((a, b) => a.edge - b.edge);

function tallyOf(edges: EdgeSummary[]) {
  const tally = emptyTally();
  for (const e of edges) addEdge(tally, e);
  return { edges: tally.edges, links: tally.links, faulty: tally.faultyTotal, outages: tally.outages, noSerial: tally.noSerial };
}

describe('fetching an edge from its listing', () => {
  beforeAll(() => {
    const edges = sandbox.fleetTruth().edges;
    // Beyond what the generator made: an undocumented link state and an edge without a serial, down.
    sandbox.setMalformed(edges[3]!.id, 'unknown-link-state');
    sandbox.setMalformed(edges[5]!.id, 'missing-serialNumber');
    sandbox.setEdgeState(edges[5]!.id, 'OFFLINE');
  });

  test('decides every edge as the three-call fetch did, with one call per edge instead of three', async () => {
    calls.length = 0;
    const now = await fetchTheNewWay();
    const perEdgeNow = calls.filter((c) => c.startsWith('metrics/') || c.startsWith('edge/')).length;
    calls.length = 0;
    const before = await fetchTheOldWay();
    const perEdgeBefore = calls.filter((c) => c.startsWith('metrics/') || c.startsWith('edge/')).length;

    expect(now).toHaveLength(160);
    expect(decisions(now)).toEqual(decisions(before));
    expect(tallyOf(now)).toEqual(tallyOf(before));
    expect(decisions(now).filter((d) => d.faulty).length).toBeGreaterThan(20);
    expect(decisions(now).some((d) => d.links.some(([, , backup]) => backup === 'STANDBY'))).toBe(true);
    expect([perEdgeNow, perEdgeBefore]).toEqual([160, 480]);
  });

  test('pages an enterprise by edge id: every edge once, in order, whatever the page size', async () => {
    const all = (await fetchTheNewWay(1_000)).map((e) => e.edgeId);
    const paged = (await fetchTheNewWay(7)).map((e) => e.edgeId);
    expect(paged).toEqual(all);
    expect(new Set(paged).size).toBe(160);
  });

  test('a row with an id but a bad field is a failed edge named by its row; a row without an id is unfetchable once', async () => {
    const enterprise = sandbox.fleet.enterprises()[1]!;
    const [a, b] = enterprise.edges;
    sandbox.setMalformed(a!.id, 'null-edgeState');
    sandbox.setMalformed(b!.id, 'null-id');
    try {
      const ref = { host: sandbox.hostName, enterpriseId: enterprise.id, enterpriseName: enterprise.name };
      const first = await run((r: Parameters<typeof activities.listEnterpriseEdges>[0]) => activities.listEnterpriseEdges(r), { ...ref, limit: 5 });
      expect(first.broken).toEqual([{ edgeId: a!.id, error: expect.stringMatching(/getEnterpriseEdges: row \d+ \(edge \d+\): edgeState: /) }]);
      expect(first.unfetchable).toEqual([expect.stringMatching(/row \d+: id: .*no usable edge id/)]);
      expect(first.edges.map((e) => e.id)).not.toContain(a!.id);
      const second = await run((r: Parameters<typeof activities.listEnterpriseEdges>[0]) => activities.listEnterpriseEdges(r), { ...ref, afterEdgeId: first.nextAfter, limit: 1_000 });
      expect(second.unfetchable).toEqual([]);
      expect(first.edges.length + first.broken.length + second.edges.length + second.broken.length).toBe(enterprise.edges.length - 1);
    } finally {
      sandbox.setMalformed(a!.id, null);
      sandbox.setMalformed(b!.id, null);
    }
  });
});
