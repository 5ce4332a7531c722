/**
 * P1's Slack summary on a real Temporal server: it covers every cycle of the report interval, and
 * names an edge faulty in only some of them with the number of cycles it was faulty in.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EdgeReportResult } from '../../activities/reports';
import { startSandboxes, type SandboxSet } from '../../sandbox';
import { makeFleetHealthy, pickEdges, setEdgeState } from '../support/fleet';
import { recordHistory, startTestWorker, type TestWorker } from '../support/temporal';

describe('P1 Slack summary over the report interval', () => {
  let sandboxes: SandboxSet;
  let worker: TestWorker;

  beforeAll(async () => {
    sandboxes = await startSandboxes({ fleet: { seed: 21, totalEdges: 30 }, slackRatePerSecond: Infinity });
    makeFleetHealthy(sandboxes);
    worker = await startTestWorker({ env: sandboxes.env });
  });

  afterAll(async () => {
    await worker?.stop();
    await sandboxes?.stop();
  });

  const runCycle = () =>
    worker.client.workflow.execute('edgeMonitoringCycleWorkflow', {
      taskQueue: worker.taskQueue,
      workflowId: `edge-monitoring-${randomUUID()}`,
      args: [{ chunkSize: 20, maxChildren: 2 }],
    });

  /** Visibility lists a closed run a moment after it closed; the report reads visibility. */
  async function untilListed(cycles: number): Promise<void> {
    const query = `WorkflowType = 'edgeMonitoringCycleWorkflow' AND ExecutionStatus = 'Completed' AND TaskQueue = '${worker.taskQueue}'`;
    while ((await worker.client.workflow.count(query)).count < cycles) await sleep(100);
  }

  it('names each edge with the number of the cycles it was faulty in', async () => {
    const [flapping, once] = pickEdges(sandboxes, 'customer', 2);
    setEdgeState(sandboxes, flapping!, 'OFFLINE');
    await runCycle();
    setEdgeState(sandboxes, flapping!, 'CONNECTED');
    setEdgeState(sandboxes, once!, 'OFFLINE');
    await runCycle();
    setEdgeState(sandboxes, once!, 'CONNECTED');
    setEdgeState(sandboxes, flapping!, 'OFFLINE');
    await runCycle();
    await untilListed(3);

    const workflowId = `edge-status-report-${randomUUID()}`;
    const result: EdgeReportResult = await worker.client.workflow.execute('edgeStatusReportWorkflow', { taskQueue: worker.taskQueue, workflowId });
    expect(result).toMatchObject({ posted: true, cycles: 3 });
    expect(result.faulty).toBeGreaterThanOrEqual(2);

    const [message, ...others] = sandboxes.slack.messages();
    expect(others).toEqual([]);
    const blocks = JSON.stringify(message!.blocks);
    expect(message!.text).toContain(`faulty edges of 30 in the last 3 cycles`);
    expect(blocks).toContain(`${flapping!.name} (${flapping!.serialNumber})>: OFFLINE — faulty in 2 of 3 cycles`);
    expect(blocks).toContain(`${once!.name} (${once!.serialNumber})>: OFFLINE — faulty in 1 of 3 cycles`);
    // The post carries its idempotency key: this run, this activity.
    expect(message!.metadata?.event_payload.key).toMatch(new RegExp(`^${workflowId}/[^/]+/1/0$`));
    await recordHistory(worker.client, workflowId, 'edge-status-report-interval');
  });
});
