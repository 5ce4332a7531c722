/**
 * `npm run bench -- [--edges 10000] [--latency 50] [--hosts 2] [--workers 1] [--mode local|remote]
 *   [--rate-limit EVERY_MS:BURST_MS] [--histories DIR] [--serial-sample 100] [--chunk N] [--children N] [--page N]`
 *
 * Runs one P1 monitoring cycle on a real Temporal dev server against the VeloCloud sandbox (with
 * the given added latency per call) through the real worker process (prebuilt workflow bundle, as
 * the production image runs it), and compares it with the old system's way: the same edges fetched
 * one after another, three calls each. The serial baseline is measured on a sample of edges and
 * scaled to the fleet (fetching 10,000 edges serially would take half an hour). Afterwards it reads
 * the cycle's histories (parent, continued runs, children) to count billable Temporal actions and
 * the largest payload. Prints a progress line every few seconds and ends with one JSON line.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode } from '@temporalio/worker';
import { VelocloudClient } from '../clients/velocloud';
import { connectClient } from '../clients/temporal/connection';
import { startBenchServer } from './server';
import { toCycleSummary, type CycleResult } from '../domain/cycle-summary';
import type { EdgeMonitoringInput } from '../workflows/edge-monitoring';
import { loadConfig } from '../config';
import { startSandboxes } from '../sandbox';
import { get, spawnWorker } from '../test/support/worker-process';
import { WORKER_NODE_OPTIONS } from '../workers/heap-policy';
import { countActions, countActivities, largestPayloadBytes, type ActionCount } from './histories';

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
    mode: { type: 'string', default: 'local' },
    'rate-limit': { type: 'string' },
    histories: { type: 'string' },
    chunk: { type: 'string' },
    children: { type: 'string' },
    page: { type: 'string' },
  },
});
const edges = Number(values.edges);
const latencyMs = Number(values.latency);
const hostCount = Number(values.hosts);
const sampleSize = Math.min(Number(values['serial-sample']), edges);
const workerCount = Number(values.workers);
const mode = values.mode;
if (mode !== 'local' && mode !== 'remote') throw new Error('--mode is local or remote');
/** `--rate-limit 10000:1000`: every 10 s, each orchestrator answers 429 (Retry-After: 1) to every call for 1 s. */
const rateLimit = values['rate-limit']?.split(':').map(Number) as [number, number] | undefined;

const T = temporal.api.enums.v1.EventType;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const log = (line: string) => process.stderr.write(`${line}\n`);

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
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

interface HistoryFigures {
  actions: ActionCount;
  runs: number;
  children: number;
  localActivities: number;
  remoteActivities: number;
  historyEvents: number;
  largestPayloadBytes: number;
}

/**
 * Reads every run of the cycle (the parent's continued runs, each child and its continued runs),
 * one at a time so that a 100,000-edge cycle's histories are never all in memory.
 */
async function readHistories(client: Client, workflowId: string, runId: string, dir: string | undefined): Promise<HistoryFigures> {
  const figures: HistoryFigures = { actions: { total: 0, byKind: {} }, runs: 0, children: 0, localActivities: 0, remoteActivities: 0, historyEvents: 0, largestPayloadBytes: 0 };
  const pending: Array<{ workflowId: string; runId: string; topLevel: boolean }> = [{ workflowId, runId, topLevel: true }];
  for (let next = pending.shift(); next; next = pending.shift()) {
    const history = await client.workflow.getHandle(next.workflowId, next.runId).fetchHistory();
    const events: HistoryEvent[] = history.events ?? [];
    figures.runs += 1;
    figures.historyEvents += events.length;
    countActions(events, next.topLevel, figures.actions);
    const activities = countActivities(events);
    figures.localActivities += activities.local;
    figures.remoteActivities += activities.remote;
    figures.largestPayloadBytes = Math.max(figures.largestPayloadBytes, largestPayloadBytes(events));
    for (const event of events) {
      if (event.eventType === T.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED) {
        const child = event.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
        if (child?.workflowId && child.runId) {
          figures.children += 1;
          pending.push({ workflowId: child.workflowId, runId: child.runId, topLevel: false });
        }
      }
      const continued = event.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
      if (continued) pending.push({ workflowId: next.workflowId, runId: continued, topLevel: false });
    }
    if (dir) writeFileSync(join(dir, `${next.workflowId}-${next.runId}.json`), historyToJSON(history));
  }
  return figures;
}

async function main(): Promise<void> {
  log(`bench: ${edges} edges on ${hostCount} orchestrators, ${latencyMs} ms added per VCO call, ${mode} activities per edge${rateLimit ? `, 429 bursts of ${rateLimit[1]} ms every ${rateLimit[0]} ms` : ''}`);
  const bundleDir = mkdtempSync(join(tmpdir(), 'bench-bundle-'));
  const bundlePath = join(bundleDir, 'workflow-bundle.js');
  // Bundled as the Dockerfile bundles it.
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    failureConverterPath: require.resolve('../clients/temporal/codec/failure-converter'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => log(m), log() {} },
  });
  writeFileSync(bundlePath, bundle.code);
  const server = await startBenchServer(values.server, values.shards === undefined ? undefined : Number(values.shards));
  const hosts = Array.from({ length: hostCount }, (_, i) => `vco${i + 1}.bench`);
  const sandboxes = await startSandboxes({ fleet: { seed: 99, hosts, totalEdges: edges, enterprisesPerHost: Math.max(4, Math.ceil(edges / 250)) } });
  for (const s of sandboxes.velocloud.sandboxes) {
    s.setFaults({ latencyMs, ...(rateLimit ? { rateLimitEveryMs: rateLimit[0], rateLimitCoolDownMs: rateLimit[1], retryAfterSeconds: 1 } : {}) });
  }
  const taskQueue = `bench-${randomUUID()}`;
  const env = {
    ...sandboxes.env,
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    EDGE_FETCH_ACTIVITY: mode,
    WORKFLOW_BUNDLE_PATH: bundlePath,
    // Payloads as the default configuration sends them (no TEMPORAL_CODEC_KEYS: not encrypted).
    TEMPORAL_CODEC_KEYS: '',
    // The worker process as the image starts it (Dockerfile: NODE_OPTIONS).
    NODE_OPTIONS: WORKER_NODE_OPTIONS,
  };
  // BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the workers.
  const nodeArgs = process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean);
  const workers = await Promise.all(Array.from({ length: workerCount }, () => spawnWorker(env, nodeArgs)));
  try {
    for (const w of workers) {
      await w.waitUntilReady().catch((error: Error) => {
        throw new Error(`${error.message}\n${w.output()}`);
      });
    }
    if (process.env.BENCH_DEBUG_MEMORY) log(`idle worker RSS: ${workers.map((w) => peakRssMb(w.child.pid!)).join(', ')} MB`);
    const client = await connectClient(loadConfig(env).temporal);
    const edgesFetched = () => sandboxes.velocloud.sandboxes.reduce((n, s) => n + s.edgeFetches.size, 0);
    const workflowId = `bench-cycle-${randomUUID()}`;
    const cpuBefore = workers.map((w) => cpuSeconds(w.child.pid!));
    const started = performance.now();
    const handle = await client.workflow.start<(input: EdgeMonitoringInput) => Promise<CycleResult>>('edgeMonitoringCycleWorkflow', {
      taskQueue,
      workflowId,
      args: [
        {
          ...(values.chunk ? { chunkSize: Number(values.chunk) } : {}),
          ...(values.children ? { maxChildren: Number(values.children) } : {}),
          ...(values.page ? { pageSize: Number(values.page) } : {}),
        },
      ],
    });
    const progress = setInterval(() => {
      const seconds = (performance.now() - started) / 1000;
      const done = edgesFetched();
      client.workflow
        .count(`WorkflowType = 'edgeStatusChunkWorkflow' AND ExecutionStatus = 'Completed' AND TaskQueue = '${taskQueue}'`)
        .then(({ count }) => log(`progress: ${seconds.toFixed(0)} s, ${done}/${edges} edges fetched (${(done / seconds).toFixed(0)} edges/s), ${count} chunks done`))
        .catch(() => log(`progress: ${seconds.toFixed(0)} s, ${done}/${edges} edges fetched (${(done / seconds).toFixed(0)} edges/s)`));
    }, 5_000);
    // BENCH_SNAPSHOT_AT=8 with BENCH_WORKER_NODE_ARGS=--heapsnapshot-signal=SIGUSR2: a heap snapshot of each worker 8 s in.
    const snapshotAt = Number(process.env.BENCH_SNAPSHOT_AT ?? 0);
    const snapshot = snapshotAt ? setTimeout(() => workers.forEach((w) => w.child.kill('SIGUSR2')), snapshotAt * 1000) : undefined;
    let result: CycleResult;
    try {
      result = await handle.result();
    } finally {
      clearInterval(progress);
      clearTimeout(snapshot);
    }
    const cycleSeconds = (performance.now() - started) / 1000;
    const workerCpuSeconds = workers.reduce((n, w, i) => n + cpuSeconds(w.child.pid!) - cpuBefore[i]!, 0);
    const summary = toCycleSummary(result);
    log(`cycle: ${summary.processed} processed, ${summary.failed} failed in ${cycleSeconds.toFixed(1)} s`);
    let vcoCalls = 0;
    for (const w of workers) vcoCalls += sumMetric((await get(`http://127.0.0.1:${w.metricsPort}/metrics`)).body, 'automation_velocloud_calls_total');
    const workerRssMb = Math.max(...workers.map((w) => peakRssMb(w.child.pid!)));
    if (process.env.BENCH_DEBUG_MEMORY) {
      for (const w of workers) {
        const text = (await get(`http://127.0.0.1:${w.metricsPort}/metrics`)).body;
        log(text.split('\n').filter((l) => /^(nodejs_heap_size|nodejs_external|process_resident|nodejs_heap_space_size_used)/.test(l)).join('\n'));
      }
    }
    const rateLimited = sandboxes.velocloud.sandboxes.reduce((n, s) => n + s.stats.rateLimited, 0);
    const maxInFlight = Math.max(...sandboxes.velocloud.sandboxes.map((s) => s.stats.maxInFlight));

    if (values.histories) mkdirSync(values.histories, { recursive: true });
    const firstRunId = handle.firstExecutionRunId;
    const histories = await readHistories(client, workflowId, firstRunId, values.histories);
    log(`histories: ${histories.runs} runs (${histories.children} children), ${histories.historyEvents} events, actions ${JSON.stringify(histories.actions.byKind)}`);

    for (const s of sandboxes.velocloud.sandboxes) s.setFaults({ latencyMs });
    const first = sandboxes.velocloud.sandboxes[0]!;
    const sample = first.fleetTruth().edges.slice(0, sampleSize).map((e) => ({ enterpriseId: e.enterpriseId, edgeId: e.id }));
    const vco = new VelocloudClient(first.velocloudHost(), { maxConcurrentRequests: 1 });
    const sampleSeconds = await serialBaseline(vco, sample);
    await vco.close();
    const serialBaselineSeconds = (sampleSeconds / sample.length) * edges;
    log(`serial baseline: ${sample.length} edges in ${sampleSeconds.toFixed(1)} s, scaled to ${edges}`);
    await client.connection.close();

    const resultBytes = JSON.stringify(result).length;
    const figures = {
      server: server.name,
      historyShards: server.shards,
      mode,
      edges,
      hosts: hostCount,
      workers: workerCount,
      vcoLatencyMs: latencyMs,
      ...(rateLimit ? { rateLimitEveryMs: rateLimit[0], rateLimitBurstMs: rateLimit[1], rateLimitedAnswers: rateLimited } : {}),
      processed: summary.processed,
      failed: summary.failed,
      cycleSeconds: Number(cycleSeconds.toFixed(2)),
      edgesPerSecond: Number((summary.processed / cycleSeconds).toFixed(1)),
      vcoCalls,
      vcoCallsPerEdge: Number((vcoCalls / edges).toFixed(3)),
      vcoMaxInFlightPerHost: maxInFlight,
      billableActions: histories.actions.total,
      actionsByKind: histories.actions.byKind,
      workflowRuns: histories.runs,
      localActivities: histories.localActivities,
      remoteActivities: histories.remoteActivities,
      largestPayloadKB: Number((histories.largestPayloadBytes / 1024).toFixed(1)),
      resultKB: Number((resultBytes / 1024).toFixed(1)),
      workerRssMb,
      workerCpuSeconds: Number(workerCpuSeconds.toFixed(1)),
      serialBaselineSeconds: Number(serialBaselineSeconds.toFixed(1)),
      serialBaselineSampledEdges: sample.length,
      speedup: Number((serialBaselineSeconds / cycleSeconds).toFixed(1)),
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.race([Promise.all(workers.map((w) => w.exited)), sleep(20_000)]);
    await sandboxes.stop();
    await server.stop();
    rmSync(bundleDir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
