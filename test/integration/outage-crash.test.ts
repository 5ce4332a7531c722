/**
 * The worker process is killed (SIGKILL) while an edge sits in quarantine; a new worker picks the
 * durable timer up and the edge is reported exactly once.
 */
import { randomUUID } from 'node:crypto';
import { outageReportWorkflowId, quarantineWorkflowId } from '../../activities/outages';
import { startSandboxes, type SandboxSet } from '../../sandbox';
import { makeFleetHealthy, pickEdges, setEdgeState } from '../support/fleet';
import { recordHistory, testAddress, testClient } from '../support/temporal';
import { spawnWorker, type WorkerProcess } from '../support/worker-process';

describe('P2 across a worker crash', () => {
  let sandboxes: SandboxSet;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    sandboxes = await startSandboxes({ fleet: { seed: 9, totalEdges: 30 } });
    makeFleetHealthy(sandboxes);
  });

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await sandboxes?.stop();
  });

  it('reports an edge quarantined before SIGKILL exactly once after a restart', async () => {
    const taskQueue = `outage-crash-${randomUUID()}`;
    const env = { ...sandboxes.env, TEMPORAL_ADDRESS: testAddress(), TEMPORAL_TASK_QUEUE: taskQueue, OUTAGE_QUARANTINE: '8s' };
    const [edge] = pickEdges(sandboxes, 'customer', 1);
    setEdgeState(sandboxes, edge!, 'OFFLINE');

    const client = await testClient();
    try {
      const first = await spawnWorker(env);
      workers.push(first);
      await first.waitUntilReady();
      const detection = await client.workflow.execute('outageDetectorWorkflow', { taskQueue, workflowId: `detector-${randomUUID()}`, args: [{}] });
      expect(detection).toMatchObject({ outages: 1 });

      const quarantineId = quarantineWorkflowId({ host: edge!.host, enterpriseId: edge!.enterpriseId, edgeId: edge!.id });
      const quarantine = client.workflow.getHandle(quarantineId);
      expect((await quarantine.describe()).status.name).toBe('RUNNING');
      first.child.kill('SIGKILL');
      expect(await first.exited).toBe(null);

      const second = await spawnWorker(env);
      workers.push(second);
      await second.waitUntilReady();
      expect(await quarantine.result()).toMatchObject({ outcome: 'reported' });

      await client.workflow.execute('outageReporterWorkflow', { taskQueue, workflowId: `reporter-${randomUUID()}` });
      const [mail] = await sandboxes.smtp.waitForMessages(1, 30_000);
      const csv = mail!.attachments[0]!.content;
      expect(csv.split(edge!.serialNumber)).toHaveLength(2);

      // A second report run sends nothing more.
      await client.workflow.execute('outageReporterWorkflow', { taskQueue, workflowId: `reporter-${randomUUID()}` });
      await new Promise((r) => setTimeout(r, 1_500));
      expect(sandboxes.smtp.messages()).toHaveLength(1);
      await recordHistory(client, quarantineId, 'outage-quarantine-after-crash');
      await client.workflow.getHandle(outageReportWorkflowId(taskQueue)).terminate();
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    } finally {
      await client.connection.close();
    }
  });
});
