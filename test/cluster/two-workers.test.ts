/**
 * Two worker processes on one task queue of the real server (PostgreSQL, several history shards):
 * a P1 cycle fetches every edge exactly once between them, and a P2 quarantine survives one of
 * them being SIGKILLed while its timer waits: the other worker finishes it and the edge is
 * reported exactly once. Runs in `npm run test:cluster` only.
 */
import { randomUUID } from 'node:crypto';
import { outageReportWorkflowId, quarantineWorkflowId } from '../../activities/outages';
import type { CycleSummary } from '../../domain/cycle-summary';
import { startSandboxes, type SandboxSet } from '../../sandbox';
import { makeFleetHealthy, pickEdges, setEdgeState } from '../support/fleet';
import { testAddress, testClient } from '../support/temporal';
import { get, spawnWorker, type WorkerProcess } from '../support/worker-process';

const EDGES = 600;

function sumMetric(text: string, name: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describe('two worker processes on the cluster', () => {
  let sandboxes: SandboxSet;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    sandboxes = await startSandboxes({ fleet: { seed: 21, totalEdges: EDGES }, slackRatePerSecond: Infinity });
    makeFleetHealthy(sandboxes);
  });

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await sandboxes?.stop();
  });

  async function twoWorkers(env: Record<string, string>): Promise<WorkerProcess[]> {
    const pair = await Promise.all([spawnWorker(env), spawnWorker(env)]);
    workers.push(...pair);
    for (const w of pair) await w.waitUntilReady();
    return pair;
  }

  it('P1: fetches every edge exactly once across both workers', async () => {
    const taskQueue = `cluster-p1-${randomUUID()}`;
    const pair = await twoWorkers({ ...sandboxes.env, TEMPORAL_ADDRESS: testAddress(), TEMPORAL_TASK_QUEUE: taskQueue });
    const client = await testClient();
    try {
      const summary: CycleSummary = await client.workflow.execute('edgeMonitoringCycleWorkflow', {
        taskQueue,
        workflowId: `cluster-p1-${randomUUID()}`,
        args: [{ chunkSize: 50, maxChildren: 4 }],
      });
      expect(summary).toMatchObject({ listed: EDGES, processed: EDGES, failed: 0 });
      for (const sandbox of sandboxes.velocloud.sandboxes) {
        expect(sandbox.edgeFetches.size).toBe(sandbox.fleetTruth().edges.length);
        expect([...sandbox.edgeFetches.values()].every((n) => n === 1)).toBe(true);
      }
      const calls = await Promise.all(pair.map(async (w) => sumMetric((await get(`http://127.0.0.1:${w.metricsPort}/metrics`)).body, 'automation_velocloud_calls_total')));
      process.stderr.write(`P1 on two workers: VCO calls per worker ${calls.join(' + ')}\n`);
      expect(calls.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(EDGES);
    } finally {
      for (const w of pair) w.child.kill('SIGTERM');
      await Promise.all(pair.map((w) => w.exited));
      await client.connection.close();
    }
  });

  it('P2: one of two workers SIGKILLed during quarantine, the edge is reported exactly once', async () => {
    const taskQueue = `cluster-p2-${randomUUID()}`;
    const env = { ...sandboxes.env, TEMPORAL_ADDRESS: testAddress(), TEMPORAL_TASK_QUEUE: taskQueue, OUTAGE_QUARANTINE: '8s' };
    const [edge] = pickEdges(sandboxes, 'customer', 1);
    setEdgeState(sandboxes, edge!, 'OFFLINE');
    const [first, second] = await twoWorkers(env);
    const client = await testClient();
    try {
      expect(await client.workflow.execute('outageDetectorWorkflow', { taskQueue, workflowId: `detector-${randomUUID()}`, args: [{}] })).toMatchObject({ outages: 1 });
      const quarantine = client.workflow.getHandle(quarantineWorkflowId({ host: edge!.host, enterpriseId: edge!.enterpriseId, edgeId: edge!.id }));
      expect((await quarantine.describe()).status.name).toBe('RUNNING');
      first!.child.kill('SIGKILL');
      expect(await first!.exited).toBe(null);

      expect(await quarantine.result()).toMatchObject({ outcome: 'reported' });
      await client.workflow.execute('outageReporterWorkflow', { taskQueue, workflowId: `reporter-${randomUUID()}` });
      const [mail] = await sandboxes.smtp.waitForMessages(1, 30_000);
      expect(mail!.attachments[0]!.content.split(edge!.serialNumber)).toHaveLength(2);
      await client.workflow.getHandle(outageReportWorkflowId(taskQueue)).terminate();
      second!.child.kill('SIGTERM');
      expect(await second!.exited).toBe(0);
    } finally {
      setEdgeState(sandboxes, edge!, 'CONNECTED');
      await client.connection.close();
    }
  });
});
