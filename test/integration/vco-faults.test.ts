/**
 * P1, P2 and P5 on a real Temporal server against orchestrators that misbehave the way real ones
 * do: 5xx answers, 429 overload bursts, expired sessions, a proxy's HTML page, and rows that break
 * the contract. A cycle degrades, it never fails whole: every edge that can be fetched is processed,
 * and what cannot is counted with an error that names host, call and field.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError } from '@temporalio/client';
import { quarantineWorkflowId } from '../../activities/outages';
import { toCycleSummary, type CycleResult, type CycleSummary } from '../../domain/cycle-summary';
import { NO_SERIAL_REASON } from '../../domain/fleet-tally';
import { startSandboxes, type SandboxSet } from '../../sandbox';
import type { TruthEdge } from '../../sandbox/velocloud';
import type { LastContactResult } from '../../workflows/last-contact';
import type { OutageDetectorResult } from '../../workflows/outage-monitor';
import { makeFleetHealthy, truthEdges } from '../support/fleet';
import { samples, value } from '../support/metrics';
import { recordHistory, startTestWorker, type TestWorker } from '../support/temporal';

const EDGES = 48;
const CYCLES = 10;
const DAY = 86_400_000;

describe('VCO faults', () => {
  let sandboxes: SandboxSet;
  let worker: TestWorker;

  const runCycle = async (name: string) => {
    const workflowId = `edge-monitoring-${name}-${randomUUID()}`;
    const result: CycleResult = await worker.client.workflow.execute('edgeMonitoringCycleWorkflow', {
      taskQueue: worker.taskQueue,
      workflowId,
      args: [{ chunkSize: 25, maxChildren: 2 }],
    });
    const summary: CycleSummary = toCycleSummary(result);
    return { summary, workflowId };
  };
  const stats = () => {
    const all = sandboxes.velocloud.sandboxes.map((s) => s.stats);
    const sum = (pick: (s: (typeof all)[number]) => number) => all.reduce((n, s) => n + pick(s), 0);
    return { serverErrors: sum((s) => s.serverErrors), rateLimited: sum((s) => s.rateLimited), logins: all.map((s) => s.logins) };
  };

  beforeAll(async () => {
    sandboxes = await startSandboxes({ fleet: { seed: 13, totalEdges: EDGES }, slackRatePerSecond: Infinity });
    worker = await startTestWorker({ env: sandboxes.env });
  });

  afterAll(async () => {
    await worker?.stop();
    await sandboxes?.stop();
  });

  it(`10% 5xx, 429 bursts and a session expiry: ${CYCLES} of ${CYCLES} cycles complete with every edge processed`, async () => {
    for (const sandbox of sandboxes.velocloud.sandboxes) {
      sandbox.resetStats();
      sandbox.setFaults({ errorRate: 0.1, errorStatus: 503, rateLimitEveryMs: 2_500, rateLimitCoolDownMs: 400, retryAfterSeconds: 1 });
    }
    const figures: string[] = [];
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      // Halfway, every session expires while the cycle runs: each host logs in again, once.
      const expiry =
        cycle === CYCLES / 2
          ? sleep(300).then(() => sandboxes.velocloud.sandboxes.forEach((s) => s.expireSessions()))
          : Promise.resolve();
      const { summary } = await runCycle(`faults-${cycle}`);
      await expiry;
      figures.push(`cycle ${cycle}: ${summary.processed}/${summary.listed} processed, ${summary.failed} failed`);
      expect(summary).toMatchObject({ listed: EDGES, processed: EDGES, failed: 0, unlistedHosts: 0, unlistedEnterprises: 0 });
    }
    const served = stats();
    process.stdout.write(
      `VCO at 10% 5xx + 429 bursts + a session expiry: ${CYCLES}/${CYCLES} cycles completed, ${CYCLES * EDGES}/${CYCLES * EDGES} edge fetches processed; ` +
        `the orchestrators answered ${served.serverErrors} 5xx and ${served.rateLimited} 429, logins per host ${served.logins.join(', ')}\n  ${figures.join('\n  ')}\n`,
    );
    expect(served.serverErrors).toBeGreaterThan(0);
    expect(served.rateLimited).toBeGreaterThan(0);
    for (const logins of served.logins) expect(logins).toBeGreaterThanOrEqual(2);
  });

  describe('listing', () => {
    beforeEach(() => {
      for (const sandbox of sandboxes.velocloud.sandboxes) sandbox.reset();
    });

    it('an enterprise whose listing fails is retried alone: the next attempt lists only what is left', async () => {
      const [east] = sandboxes.velocloud.sandboxes;
      const enterprises = east!.fleet.enterprises().length;
      east!.setFaults({ errorNext: 3, errorStatus: 503, pathContains: 'getEnterpriseEdges' });
      const { summary } = await runCycle('listing-retried');
      expect(summary).toMatchObject({ listed: EDGES, processed: EDGES, failed: 0, unlistedEnterprises: 0 });
      const answered = east!.received.filter((r) => r.path.endsWith('getEnterpriseEdges')).length;
      process.stdout.write(`Listing with 3 of ${enterprises} enterprise listings failing once: ${answered} listings answered (not ${enterprises + enterprises}), ${summary.processed}/${summary.listed} processed\n`);
      expect(answered).toBe(enterprises);
    });

    it('an enterprise and a host that cannot be listed are counted and named; every other edge is processed', async () => {
      const [east, west] = sandboxes.velocloud.sandboxes;
      east!.setFaults({ malformedNext: 1, pathContains: 'getEnterpriseEdges' });
      west!.setFaults({ malformedNext: 1, pathContains: 'getAggregates' });
      const { summary } = await runCycle('unlisted');
      const unlistedEnterprise = summary.unlisted!.find((u) => u.enterpriseId !== undefined)!;
      const expected = east!.fleetTruth().edges.filter((e) => e.enterpriseId !== unlistedEnterprise.enterpriseId).length;
      expect(summary).toMatchObject({ listed: expected, processed: expected, failed: 0, unlistedHosts: 1, unlistedEnterprises: 1 });
      expect(summary.unlisted).toEqual(
        expect.arrayContaining([
          {
            host: east!.hostName,
            enterpriseId: unlistedEnterprise.enterpriseId,
            enterpriseName: east!.fleet.enterprise(unlistedEnterprise.enterpriseId!)!.name,
            error: expect.stringContaining(`velocloud ${east!.hostName} enterprise/getEnterpriseEdges: unexpected response`),
          },
          { host: west!.hostName, error: expect.stringContaining(`velocloud ${west!.hostName} monitoring/getAggregates: `) },
        ]),
      );
      process.stdout.write(
        `One enterprise and one host unlisted: ${summary.processed}/${summary.listed} listed edges processed; unlisted:\n  ${summary.unlisted!.map((u) => u.error).join('\n  ')}\n`,
      );
    });
  });

  describe('malformed rows', () => {
    let nullState: TruthEdge;
    let noSerial: TruthEdge;
    let wobbly: TruthEdge;
    let noId: TruthEdge;
    let staleNullState: TruthEdge;
    let staleNeighbour: TruthEdge;
    let vcoEast: string;

    beforeAll(() => {
      for (const sandbox of sandboxes.velocloud.sandboxes) sandbox.reset();
      makeFleetHealthy(sandboxes);
      const [first] = sandboxes.velocloud.sandboxes;
      vcoEast = first!.hostName;
      const edges = truthEdges(sandboxes).filter((e) => e.host === vcoEast && e.links.length >= 2);
      [nullState, noSerial, wobbly, noId] = [edges[0]!, edges[4]!, edges[8]!, edges[12]!];
      for (const [edge, kind] of [
        [nullState, 'null-edgeState'],
        [noSerial, 'missing-serialNumber'],
        [wobbly, 'unknown-link-state'],
        [noId, 'null-id'],
      ] as const) {
        first!.setMalformed(edge.id, kind);
      }
      // The edge without a serial is down too: P2 must see the outage and still not quarantine it.
      first!.setEdgeState(noSerial.id, 'OFFLINE');
      // For P5: a stale edge with a broken row is skipped, a stale neighbour still reported.
      staleNullState = nullState;
      staleNeighbour = edges.find((e) => e.enterpriseId === nullState.enterpriseId && e.id !== nullState.id)!;
      first!.setLastContact(staleNullState.id, new Date(Date.now() - 200 * DAY));
      first!.setLastContact(staleNeighbour.id, new Date(Date.now() - 200 * DAY));
      // And a proxy answers one call with its HTML error page.
      first!.setFaults({ nonJsonNext: 1 });
    });

    it('P1: the broken edges count as failed or under their own state, named by host, call and field; the rest is processed', async () => {
      const { summary, workflowId } = await runCycle('malformed');
      const failedIds = summary.failures.map((f) => f.edgeId);
      expect(summary).toMatchObject({ listed: EDGES, processed: EDGES - 2, failed: 2, noSerial: 1, unlistedHosts: 0, unlistedEnterprises: 0 });
      expect(failedIds).toEqual(expect.arrayContaining([nullState.id, undefined]));
      const nullStateError = summary.failures.find((f) => f.edgeId === nullState.id)!.error;
      // The listing carries each edge's state: a row without one is a failed edge, named by its row.
      expect(nullStateError).toMatch(new RegExp(`^velocloud ${vcoEast} enterprise/getEnterpriseEdges: row \\d+ \\(edge ${nullState.id}\\): edgeState: .*expected string`));
      const noIdError = summary.failures.find((f) => f.edgeId === undefined)!.error;
      expect(noIdError).toMatch(new RegExp(`^velocloud ${vcoEast} enterprise/getEnterpriseEdges: row \\d+: id: .*expected number.*no usable edge id`));

      const faulty = new Map(summary.faulty.map((f) => [f.edgeId, f]));
      expect(faulty.get(wobbly.id)).toMatchObject({ state: 'CONNECTED', outage: false, reasons: ['GE1 WOBBLY (unknown state)'] });
      expect(faulty.get(noSerial.id)).toMatchObject({ serial: '', outage: true });
      expect(faulty.get(noSerial.id)!.reasons).toContain(NO_SERIAL_REASON);
      expect(summary.faultyTotal).toBe(2);
      expect(summary.links.filter((l) => l.state === 'WOBBLY')).toEqual([expect.objectContaining({ host: vcoEast, count: 1 })]);
      expect(sandboxes.velocloud.byHostName(vcoEast).faults.nonJsonNext).toBe(0);

      // The fleet gauges read the cycle's result: the unknown link state shows as its own series.
      let wobblyLinks = 0;
      for (let i = 0; i < 60 && wobblyLinks === 0; i++) {
        if (i) await sleep(250);
        wobblyLinks = (await samples(worker.registry, 'automation_links')).filter((s) => s.labels.state === 'WOBBLY').reduce((n, s) => n + s.value, 0);
      }
      expect(wobblyLinks).toBe(1);
      expect(await value(worker.registry, 'automation_edges_failed')).toBe(2);
      process.stdout.write(
        `Malformed rows (null edgeState, no serial, unknown link state, no id, one HTML 502): ${summary.processed}/${summary.listed} processed, ` +
          `${summary.failed} failed:\n  ${summary.failures.map((f) => f.error).join('\n  ')}\n`,
      );
      await recordHistory(worker.client, workflowId, 'vco-faults-cycle');
    });

    it('P2: the detector completes, sees the outage of the edge without a serial, and quarantines nothing', async () => {
      const workflowId = `outage-detector-malformed-${randomUUID()}`;
      const result: OutageDetectorResult = await worker.client.workflow.execute('outageDetectorWorkflow', {
        taskQueue: worker.taskQueue,
        workflowId,
        args: [{ chunkSize: 25 }],
      });
      expect(result).toEqual({ listed: EDGES, processed: EDGES - 2, failed: 2, outages: 1, noSerial: 1, unlistedHosts: 0, unlistedEnterprises: 0 });
      const quarantine = worker.client.workflow.getHandle(quarantineWorkflowId({ host: noSerial.host, enterpriseId: noSerial.enterpriseId, edgeId: noSerial.id }));
      await expect(quarantine.describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
      expect(await value(worker.registry, 'automation_outages_quarantined_total')).toBe(0);
      await recordHistory(worker.client, workflowId, 'vco-faults-outage-detector');
    });

    it('P5: a broken row costs its edge, not its orchestrator', async () => {
      sandboxes.smtp.clear();
      const result: LastContactResult = await worker.client.workflow.execute('lastContactReportWorkflow', {
        taskQueue: worker.taskQueue,
        workflowId: `last-contact-malformed-${randomUUID()}`,
      });
      expect(result.missingHosts).toEqual([]);
      const [mail] = await sandboxes.smtp.waitForMessages(1, 30_000);
      const csv = mail!.attachments.find((a) => a.filename.endsWith('.csv'))!.content;
      expect(csv).toContain(staleNeighbour.serialNumber);
      expect(csv).not.toContain(staleNullState.serialNumber);
    });
  });
});
