/**
 * Every Temporal server process is stopped (SIGKILL) while P2 quarantines wait on their durable
 * timers, and kept down until the timers are overdue; the server is started again from the same
 * PostgreSQL database. Every timer fires, every edge is reported exactly once, and nothing more is
 * sent. Two worker processes stay on the task queue throughout. Runs in `npm run test:cluster` only.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { outageReportWorkflowId, quarantineWorkflowId } from '../../activities/outages';
import { startClusterServer, stopClusterServer } from '../../clients/temporal/cluster';
import { startSandboxes, type SandboxSet } from '../../sandbox';
import { makeFleetHealthy, pickEdges, setEdgeState } from '../support/fleet';
import { recordHistory, testAddress, testClient } from '../support/temporal';
import { spawnWorker, type WorkerProcess } from '../support/worker-process';

const OUTAGES = 3;

describe('the cluster restarted while quarantines wait', () => {
  let sandboxes: SandboxSet;
  const workers: WorkerProcess[] = [];
  const clusterDir = () => {
    const dir = process.env.TEMPORAL_TEST_CLUSTER_DIR;
    if (!dir) throw new Error('TEMPORAL_TEST_CLUSTER_DIR is not set: run with npm run test:cluster');
    return dir;
  };

  beforeAll(async () => {
    sandboxes = await startSandboxes({ fleet: { seed: 31, totalEdges: 40 } });
    makeFleetHealthy(sandboxes);
  });

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await sandboxes?.stop();
  });

  it('fires every timer after the restart and reports each edge exactly once', async () => {
    const taskQueue = `cluster-restart-${randomUUID()}`;
    const env = { ...sandboxes.env, TEMPORAL_ADDRESS: testAddress(), TEMPORAL_TASK_QUEUE: taskQueue, OUTAGE_QUARANTINE: '10s' };
    const edges = pickEdges(sandboxes, 'customer', OUTAGES);
    for (const edge of edges) setEdgeState(sandboxes, edge, 'OFFLINE');
    workers.push(await spawnWorker(env), await spawnWorker(env));
    for (const w of workers) await w.waitUntilReady();

    let client = await testClient();
    expect(await client.workflow.execute('outageDetectorWorkflow', { taskQueue, workflowId: `detector-${randomUUID()}`, args: [{}] })).toMatchObject({ outages: OUTAGES });
    const quarantineIds = edges.map((e) => quarantineWorkflowId({ host: e.host, enterpriseId: e.enterpriseId, edgeId: e.id }));
    for (const id of quarantineIds) expect((await client.workflow.getHandle(id).describe()).status.name).toBe('RUNNING');
    await client.connection.close();

    const stoppedAt = Date.now();
    await stopClusterServer(clusterDir(), 'SIGKILL');
    // Down past every quarantine's deadline: the timers are overdue when the server comes back.
    await sleep(Math.max(0, 13_000 - (Date.now() - stoppedAt)));
    await startClusterServer(clusterDir());
    process.stderr.write(`server down ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s (SIGKILL to serving again)\n`);

    client = await testClient();
    try {
      for (const id of quarantineIds) expect(await client.workflow.getHandle(id).result()).toMatchObject({ outcome: 'reported' });
      await client.workflow.execute('outageReporterWorkflow', { taskQueue, workflowId: `reporter-${randomUUID()}` });
      const [mail] = await sandboxes.smtp.waitForMessages(1, 30_000);
      const csv = mail!.attachments[0]!.content;
      for (const edge of edges) expect(csv.split(edge.serialNumber)).toHaveLength(2);

      await client.workflow.execute('outageReporterWorkflow', { taskQueue, workflowId: `reporter-${randomUUID()}` });
      await sleep(1_500);
      expect(sandboxes.smtp.messages()).toHaveLength(1);
      await recordHistory(client, quarantineIds[0]!, 'outage-quarantine-across-server-restart');
      await client.workflow.getHandle(outageReportWorkflowId(taskQueue)).terminate();
      for (const w of workers) w.child.kill('SIGTERM');
      for (const w of workers) expect(await w.exited).toBe(0);
    } finally {
      await client.connection.close();
    }
  });
});
