/**
 * The fleet gauges of a worker that has never been scraped: after one cycle completes, the first
 * GET /metrics shows every fleet gauge with that cycle's values (no waiting for a second scrape).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Server } from 'node:http';
import { latestCycleSummary } from '../../clients/temporal/cycles';
import { startSandboxes, type SandboxSet } from '../../sandbox';
import { close, createHealthServer, listen } from '../../workers/health';
import { startTestWorker, type TestWorker } from '../support/temporal';

/** `name{labels} value` lines of the exposition text, summed by metric name. */
function totals(exposition: string): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const line of exposition.split('\n')) {
    const match = /^([a-z_]+)(?:\{[^}]*\})? (\S+)$/.exec(line);
    if (match) sums[match[1]!] = (sums[match[1]!] ?? 0) + Number(match[2]);
  }
  return sums;
}

describe('fleet gauges on the first scrape', () => {
  let sandboxes: SandboxSet;
  let worker: TestWorker;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    sandboxes = await startSandboxes({ fleet: { seed: 5, totalEdges: 40 } });
    worker = await startTestWorker({ env: sandboxes.env });
    server = createHealthServer({ registry: worker.registry, isReady: () => true });
    port = await listen(server, 0, '127.0.0.1');
  });

  afterAll(async () => {
    if (server) await close(server);
    await worker?.stop();
    await sandboxes?.stop();
  });

  it("shows every fleet gauge with the completed cycle's values", async () => {
    const workflowId = `edge-monitoring-gauges-${randomUUID()}`;
    await worker.client.workflow.execute('edgeMonitoringCycleWorkflow', {
      taskQueue: worker.taskQueue,
      workflowId,
      args: [{ chunkSize: 20, maxChildren: 2 }],
    });
    // The gauges read the cycle from visibility, which lists a closed run a moment after it closed:
    // wait for Temporal to list it (not for the gauges), then scrape once.
    const query = `WorkflowId = '${workflowId}' AND ExecutionStatus = 'Completed'`;
    for (let listed = false; !listed; ) {
      for await (const run of worker.client.workflow.list({ query })) listed = run.workflowId === workflowId;
      if (!listed) await sleep(100);
    }

    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    const metrics = totals(await response.text());

    // The cycle's result in the flat view every reader gets.
    const summary = (await latestCycleSummary(worker.client, worker.taskQueue))!;
    expect(summary).toMatchObject({ processed: 40, finishedAt: expect.any(String) });
    const sum = (rows: { count: number }[]) => rows.reduce((n, r) => n + r.count, 0);
    expect(summary.faultyTotal).toBeGreaterThan(0);
    expect({
      automation_edges: metrics.automation_edges,
      automation_links: metrics.automation_links,
      automation_edges_processed: metrics.automation_edges_processed,
      automation_edges_failed: metrics.automation_edges_failed,
      automation_faulty_edges: metrics.automation_faulty_edges,
      automation_edge_cycle_completed_timestamp_seconds: metrics.automation_edge_cycle_completed_timestamp_seconds,
    }).toEqual({
      automation_edges: sum(summary.edges),
      automation_links: sum(summary.links),
      automation_edges_processed: summary.processed,
      automation_edges_failed: summary.failed,
      automation_faulty_edges: summary.faultyTotal,
      automation_edge_cycle_completed_timestamp_seconds: Date.parse(summary.finishedAt) / 1000,
    });
  });
});
