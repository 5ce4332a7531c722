/**
 * P1 on a real Temporal server over a 240-edge sandbox fleet on two orchestrators: every edge is
 * fetched once per cycle, the cycle summary and the fleet gauges equal the sandbox's truth, they
 * move after a state change, two workers publish the same values, and the Slack summary names the
 * faulty edges in one message.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import { toCycleSummary, type CycleResult, type CycleSummary } from '../../domain/cycle-summary';
import type { EdgeMonitoringInput } from '../../workflows/edge-monitoring';
import { displayEnterprise, isFaulty } from '../../domain/edges';
import { worstEdges } from '../../domain/edge-report';
import { startSandboxes, type SandboxSet } from '../../sandbox';
import type { TruthEdge } from '../../sandbox/velocloud';
import { makeFleetHealthy, truthEdges } from '../support/fleet';
import { samples, value } from '../support/metrics';
import { recordHistory, startTestWorker, type TestWorker } from '../support/temporal';

const EDGES = 240;

function expectedEdgeCounts(edges: TruthEdge[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of edges) {
    const key = `${e.host}|${displayEnterprise(e.enterpriseName)}|${e.edgeState}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

function faultySerials(edges: TruthEdge[]): string[] {
  return edges
    .filter((e) => isFaulty({ state: e.edgeState, links: e.links }))
    .map((e) => e.serialNumber)
    .sort();
}

async function gaugeCounts(worker: TestWorker): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const s of await samples(worker.registry, 'automation_edges')) {
    if (s.value > 0) counts[`${s.labels.host}|${s.labels.enterprise}|${s.labels.state}`] = s.value;
  }
  return counts;
}

/** The fleet gauges read the latest cycle from Temporal with a short cache: wait until they show `expected`. */
async function expectGaugesToEqual(worker: TestWorker, expected: Record<string, number>): Promise<void> {
  let last: Record<string, number> = {};
  for (let i = 0; i < 60; i++) {
    last = await gaugeCounts(worker);
    if (JSON.stringify(Object.entries(last).sort()) === JSON.stringify(Object.entries(expected).sort())) return;
    await sleep(250);
  }
  expect(last).toEqual(expected);
}

describe('P1 edge status monitoring', () => {
  let sandboxes: SandboxSet;
  let worker: TestWorker;

  const runCycle = async (name: string, options: EdgeMonitoringInput = { chunkSize: 50, maxChildren: 2 }) => {
    const workflowId = `edge-monitoring-${name}-${randomUUID()}`;
    for (const s of sandboxes.velocloud.sandboxes) s.resetStats();
    const result: CycleResult = await worker.client.workflow.execute('edgeMonitoringCycleWorkflow', {
      taskQueue: worker.taskQueue,
      workflowId,
      args: [options],
    });
    const summary: CycleSummary = toCycleSummary(result);
    return { summary, workflowId };
  };

  beforeAll(async () => {
    sandboxes = await startSandboxes({ fleet: { seed: 11, totalEdges: EDGES }, slackRatePerSecond: Infinity });
    worker = await startTestWorker({ env: sandboxes.env });
  });

  afterAll(async () => {
    await worker?.stop();
    await sandboxes?.stop();
  });

  it('fetches every edge exactly once and reports the sandbox truth', async () => {
    const { summary, workflowId } = await runCycle('first');
    const truth = truthEdges(sandboxes);
    expect(truth).toHaveLength(EDGES);

    for (const sandbox of sandboxes.velocloud.sandboxes) {
      const ids = sandbox.fleetTruth().edges.map((e) => e.id);
      expect([...sandbox.edgeFetches.keys()].sort()).toEqual([...ids].sort());
      expect([...sandbox.edgeFetches.values()].every((n) => n === 1)).toBe(true);
    }
    expect(summary).toMatchObject({ listed: EDGES, processed: EDGES, failed: 0 });
    const summaryCounts = Object.fromEntries(summary.edges.map((r) => [`${r.host}|${r.enterprise}|${r.state}`, r.count]));
    expect(summaryCounts).toEqual(expectedEdgeCounts(truth));
    expect(summary.faulty.map((e) => e.serial).sort()).toEqual(faultySerials(truth));
    expect(summary.faultyTotal).toBeGreaterThan(0);

    await expectGaugesToEqual(worker, expectedEdgeCounts(truth));
    expect(await value(worker.registry, 'automation_edges_processed')).toBe(EDGES);
    expect(await value(worker.registry, 'automation_faulty_edges')).toBe(summary.faultyTotal);
    // One call per edge (its links); state, serial and name came with the enterprise's listing.
    expect(await value(worker.registry, 'automation_velocloud_calls_total', { call: 'metrics/getEdgeLinkMetrics', outcome: 'ok' })).toBe(EDGES);
    expect((await value(worker.registry, 'automation_velocloud_calls_total', { call: 'edge/getEdge' })) ?? 0).toBe(0);
    expect(await value(worker.registry, 'automation_edge_cycle_duration_seconds_count')).toBe(1);
    const countedLinks = truth.flatMap((e) => e.links.filter((l) => ['UNCONFIGURED', 'ACTIVE'].includes(l.backupState)));
    expect(await value(worker.registry, 'automation_links')).toBe(countedLinks.length);

    await recordHistory(worker.client, workflowId, 'edge-monitoring-cycle');
    await recordHistory(worker.client, `${workflowId}-chunk-0`, 'edge-status-chunk');
  });

  it('continues as new when its history grows (the cycle and its chunks), and still fetches every edge exactly once', async () => {
    const { summary, workflowId } = await runCycle('continued', { chunkSize: 20, maxChildren: 2, historyLimit: 30, pageSize: 5 });
    expect(summary).toMatchObject({ listed: EDGES, processed: EDGES, failed: 0 });
    for (const sandbox of sandboxes.velocloud.sandboxes) {
      expect(sandbox.edgeFetches.size).toBe(sandbox.fleetTruth().edges.length);
      expect([...sandbox.edgeFetches.values()].every((n) => n === 1)).toBe(true);
    }
    // Visibility is eventually consistent: wait until it lists the completed last run.
    let runs: WorkflowExecutionInfo[] = [];
    for (let i = 0; i < 50 && !runs.some((r) => r.status.name === 'COMPLETED'); i++) {
      if (i) await sleep(200);
      runs = [];
      for await (const run of worker.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(run);
    }
    const continued = runs.filter((r) => r.status.name === 'CONTINUED_AS_NEW');
    expect(continued.length).toBeGreaterThanOrEqual(1);
    expect(runs.filter((r) => r.status.name === 'COMPLETED')).toHaveLength(1);
    await recordHistory(worker.client, workflowId, 'edge-monitoring-continued-first-run', continued.at(-1)!.runId);
    // A chunk whose enterprise takes more pages than its history allows carries on in a fresh run too.
    const chunkQuery = `WorkflowType = 'edgeStatusChunkWorkflow' AND ExecutionStatus = 'ContinuedAsNew' AND WorkflowId STARTS_WITH '${workflowId}-chunk-'`;
    let continuedChunk: WorkflowExecutionInfo | undefined;
    for (let i = 0; i < 50 && !continuedChunk; i++) {
      if (i) await sleep(200);
      for await (const run of worker.client.workflow.list({ query: chunkQuery })) continuedChunk ??= run;
    }
    expect(continuedChunk).toBeDefined();
    await recordHistory(worker.client, continuedChunk!.workflowId, 'edge-status-chunk-continued-first-run', continuedChunk!.runId);
  });

  it('classifies the fleet alike with local and remote activities per edge (EDGE_FETCH_ACTIVITY)', async () => {
    const { summary: local } = await runCycle('local');
    const remoteWorker = await startTestWorker({ env: { ...sandboxes.env, EDGE_FETCH_ACTIVITY: 'remote' } });
    try {
      for (const s of sandboxes.velocloud.sandboxes) s.resetStats();
      const workflowId = `edge-monitoring-remote-${randomUUID()}`;
      const remote = toCycleSummary(
        await remoteWorker.client.workflow.execute<(input: EdgeMonitoringInput) => Promise<CycleResult>>('edgeMonitoringCycleWorkflow', {
          taskQueue: remoteWorker.taskQueue,
          workflowId,
          args: [{ chunkSize: 50, maxChildren: 2 }],
        }),
      );
      for (const sandbox of sandboxes.velocloud.sandboxes) expect([...sandbox.edgeFetches.values()].every((n) => n === 1)).toBe(true);
      const decisions = (s: CycleSummary) => ({
        counts: [s.listed, s.processed, s.failed, s.faultyTotal, s.noSerial],
        edges: s.edges,
        links: s.links,
        faulty: s.faulty.map((f) => [f.serial, f.state, f.outage, f.reasons]).sort(),
      });
      expect(decisions(remote)).toEqual(decisions(local));
      // The remote kind schedules one activity task per edge; the local kind records markers instead.
      const history = await remoteWorker.client.workflow.getHandle(`${workflowId}-chunk-0`).fetchHistory();
      const scheduled = history.events?.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'fetchListedEdgeStatus');
      expect(scheduled?.length).toBeGreaterThan(0);
      await recordHistory(remoteWorker.client, `${workflowId}-chunk-0`, 'edge-status-chunk-remote');
    } finally {
      await remoteWorker.stop();
    }
  });

  it('moves the gauges after a state change and another cycle, identically on a second worker', async () => {
    const truth = truthEdges(sandboxes);
    const healthy = truth.filter((e) => e.edgeState === 'CONNECTED' && !isFaulty({ state: e.edgeState, links: e.links }));
    const [goesOffline, losesLink] = healthy;
    const owner = (edge: TruthEdge) => sandboxes.velocloud.byHostName(edge.host);
    owner(goesOffline!).setEdgeState(goesOffline!.id, 'OFFLINE');
    const link = losesLink!.links.find((l) => l.backupState !== 'STANDBY')!;
    owner(losesLink!).setLink(losesLink!.id, link.interface, { state: 'DISCONNECTED' });

    const second = await startTestWorker({ env: sandboxes.env, taskQueue: worker.taskQueue });
    try {
      const { summary } = await runCycle('after-change');
      const after = truthEdges(sandboxes);
      expect(summary.faulty.map((e) => e.serial)).toEqual(expect.arrayContaining([goesOffline!.serialNumber, losesLink!.serialNumber]));
      const offlineKey = `${goesOffline!.host}|${displayEnterprise(goesOffline!.enterpriseName)}|OFFLINE`;
      expect(expectedEdgeCounts(after)[offlineKey]).toBe((expectedEdgeCounts(truth)[offlineKey] ?? 0) + 1);
      await expectGaugesToEqual(worker, expectedEdgeCounts(after));
      await expectGaugesToEqual(second, expectedEdgeCounts(after));
      expect(await value(second.registry, 'automation_faulty_edges')).toBe(summary.faultyTotal);
      // Each cycle fetched every edge once more, whichever worker ran which activity.
      for (const sandbox of sandboxes.velocloud.sandboxes) {
        expect([...sandbox.edgeFetches.values()].every((n) => n === 1)).toBe(true);
      }
    } finally {
      await second.stop();
    }
  });

  it('posts one Slack summary of the faulty edges, marked as a dry run', async () => {
    sandboxes.slack.clearMessages();
    const { summary } = await runCycle('for-report');
    const workflowId = `edge-status-report-${randomUUID()}`;
    const result = await worker.client.workflow.execute('edgeStatusReportWorkflow', { taskQueue: worker.taskQueue, workflowId });
    expect(result).toMatchObject({ posted: true, faulty: summary.faultyTotal });
    const messages = sandboxes.slack.messages();
    expect(messages).toHaveLength(1);
    const message = messages[0]!;
    const blocksText = JSON.stringify(message.blocks);
    expect(message.text).toContain('[DRY RUN]');
    expect(message.text).toContain(`${summary.faultyTotal} faulty edges of ${summary.processed}`);
    const worst = worstEdges(summary.faulty, 1)[0]!;
    expect(blocksText).toContain(worst.serial);
    expect(blocksText).toContain(`/#!/operator/customer/${worst.enterpriseId}/monitor/edge/${worst.edgeId}/`);
    await recordHistory(worker.client, workflowId, 'edge-status-report');
  });

  it('posts nothing when no edge is faulty', async () => {
    makeFleetHealthy(sandboxes);
    // The summary covers every cycle of its interval: a task queue whose only cycle is healthy.
    const quiet = await startTestWorker({ env: sandboxes.env });
    try {
      const summary: CycleSummary = await quiet.client.workflow.execute('edgeMonitoringCycleWorkflow', {
        taskQueue: quiet.taskQueue,
        workflowId: `edge-monitoring-healthy-${randomUUID()}`,
        args: [{ chunkSize: 50, maxChildren: 2 }],
      });
      expect(summary.faultyTotal).toBe(0);
      sandboxes.slack.clearMessages();
      const result = await quiet.client.workflow.execute('edgeStatusReportWorkflow', {
        taskQueue: quiet.taskQueue,
        workflowId: `edge-status-report-${randomUUID()}`,
      });
      expect(result).toMatchObject({ posted: false, faulty: 0 });
      expect(sandboxes.slack.messages()).toHaveLength(0);
    } finally {
      await quiet.stop();
    }
  });
});
