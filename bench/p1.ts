/**
 * `npm run bench -- [--edges 10000] [--latency 50] [--hosts 2] [--workers 1] [--serial-sample 100]`
 *
 * Runs one P1 monitoring cycle on a real Temporal dev server against the VeloCloud sandbox (with
 * the given added latency per call) through the real worker process, and compares it with the
 * old system's way: the same edges fetched one after another. The serial baseline is measured on
 * a sample of edges and scaled to the fleet (fetching 10,000 edges serially would take half an
 * hour). Ends with one JSON line of figures.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { VelocloudClient } from '../clients/velocloud';
import { connectClient } from '../clients/temporal/connection';
import { startBenchServer } from './server';
import type { CycleSummary } from '../domain/cycle-summary';
import type { EdgeMonitoringInput } from '../workflows/edge-monitoring';
import { loadConfig } from '../config';
import { startSandboxes } from '../sandbox';
import { get, spawnWorker } from '../test/support/worker-process';

const { values } = parseArgs({
  options: {
    edges: { type: 'string', default: '10000' },
    latency: { type: 'string', default: '50' },
    hosts: { type: 'string', default: '2' },
    'serial-sample': { type: 'string', default: '100' },
    workers: { type: 'string', default: '1' },
    /** dev (the dev server, in memory) or cluster (the real server on PostgreSQL, `--shards N` history shards). */
    server: { type: 'string', default: 'dev' },
    shards: { type: 'string' },
    chunk: { type: 'string' },
    children: { type: 'string' },
  },
});
const edges = Number(values.edges);
const latencyMs = Number(values.latency);
const hostCount = Number(values.hosts);
const sampleSize = Math.min(Number(values['serial-sample']), edges);
const workerCount = Number(values.workers);

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

function sumMetric(text: string, name: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

async function serialBaseline(client: VelocloudClient, refs: { enterpriseId: number; edgeId: number }[]): Promise<number> {
  const end = new Date();
  const interval = { start: new Date(end.getTime() - 600_000), end };
  const started = performance.now();
  for (const ref of refs) {
    await client.getEdge(ref.enterpriseId, ref.edgeId);
    await client.getEdgeLinkMetrics(ref.enterpriseId, ref.edgeId, interval);
    await client.getEdgeAppLinkMetrics(ref.enterpriseId, ref.edgeId);
  }
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`bench: ${edges} edges on ${hostCount} orchestrators, ${latencyMs} ms added per VCO call`);
  const server = await startBenchServer(values.server, values.shards === undefined ? undefined : Number(values.shards));
  const hosts = Array.from({ length: hostCount }, (_, i) => `vco${i + 1}.bench`);
  const sandboxes = await startSandboxes({ fleet: { seed: 99, hosts, totalEdges: edges, enterprisesPerHost: Math.max(4, Math.ceil(edges / 250)) } });
  for (const s of sandboxes.velocloud.sandboxes) s.setFaults({ latencyMs });
  const taskQueue = `bench-${randomUUID()}`;
  const env = { ...sandboxes.env, TEMPORAL_ADDRESS: server.address, TEMPORAL_TASK_QUEUE: taskQueue };
  // BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the workers.
  const nodeArgs = process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean);
  const workers = await Promise.all(Array.from({ length: workerCount }, () => spawnWorker(env, nodeArgs)));
  try {
    for (const w of workers) {
      await w.waitUntilReady().catch((error: Error) => {
        throw new Error(`${error.message}\n${w.output()}`);
      });
    }
    const client = await connectClient(loadConfig(env).temporal);
    const started = performance.now();
    const summary = await client.workflow.execute<(input: EdgeMonitoringInput) => Promise<CycleSummary>>('edgeMonitoringCycleWorkflow', {
      taskQueue,
      workflowId: `bench-cycle-${randomUUID()}`,
      args: [
        {
          ...(values.chunk ? { chunkSize: Number(values.chunk) } : {}),
          ...(values.children ? { maxChildren: Number(values.children) } : {}),
        },
      ],
    });
    const cycleSeconds = (performance.now() - started) / 1000;
    log(`cycle: ${summary.processed} processed, ${summary.failed} failed in ${cycleSeconds.toFixed(1)} s`);
    let vcoCalls = 0;
    for (const w of workers) vcoCalls += sumMetric((await get(`http://127.0.0.1:${w.metricsPort}/metrics`)).body, 'automation_velocloud_calls_total');
    const workerRssMb = Math.max(...workers.map((w) => peakRssMb(w.child.pid!)));

    const first = sandboxes.velocloud.sandboxes[0]!;
    const sample = first.fleetTruth().edges.slice(0, sampleSize).map((e) => ({ enterpriseId: e.enterpriseId, edgeId: e.id }));
    const vco = new VelocloudClient(first.velocloudHost(), { maxConcurrentRequests: 1 });
    const sampleSeconds = await serialBaseline(vco, sample);
    await vco.close();
    const serialBaselineSeconds = (sampleSeconds / sample.length) * edges;
    log(`serial baseline: ${sample.length} edges in ${sampleSeconds.toFixed(1)} s, scaled to ${edges}`);
    await client.connection.close();

    const result = {
      server: server.name,
      historyShards: server.shards,
      edges,
      hosts: hostCount,
      workers: workerCount,
      vcoLatencyMs: latencyMs,
      processed: summary.processed,
      failed: summary.failed,
      cycleSeconds: Number(cycleSeconds.toFixed(2)),
      edgesPerSecond: Number((summary.processed / cycleSeconds).toFixed(1)),
      vcoCalls,
      workerRssMb,
      serialBaselineSeconds: Number(serialBaselineSeconds.toFixed(1)),
      serialBaselineSampledEdges: sample.length,
      speedup: Number((serialBaselineSeconds / cycleSeconds).toFixed(1)),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.race([Promise.all(workers.map((w) => w.exited)), sleep(20_000)]);
    await sandboxes.stop();
    await server.stop();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
