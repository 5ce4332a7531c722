import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { redactor } from '../clients/redact';
import { engineDataConverter } from '../clients/temporal/codec/data-converter';
import { secretValues } from '../config';
import { applyWorkerHeapPolicy } from './heap-policy';
import { ExternalFailureInterceptor } from './interceptors';

export interface EngineWorkerOptions {
  connection: NativeConnection;
  deps: ActivityDeps;
  /** Path of a prebuilt workflow bundle (production image, tests); bundled from source when absent. */
  workflowBundlePath?: string;
  identity?: string;
  /** Overrides for tests: extra or replaced activities. */
  activities?: Record<string, (...args: never[]) => unknown>;
  maxConcurrentActivityTaskExecutions?: number;
}

/** The prebuilt bundle `npm run build:bundle` writes, if present. */
export function defaultWorkflowBundlePath(): string | undefined {
  const path = process.env.WORKFLOW_BUNDLE_PATH ?? join(__dirname, '..', 'workflow-bundle.js');
  return existsSync(path) ? path : undefined;
}

export async function createEngineWorker(options: EngineWorkerOptions): Promise<Worker> {
  const { config } = options.deps;
  const bundlePath = options.workflowBundlePath ?? defaultWorkflowBundlePath();
  const redact = redactor(secretValues(config));
  applyWorkerHeapPolicy();
  return Worker.create({
    connection: options.connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...(options.identity ? { identity: options.identity } : {}),
    ...(bundlePath ? { workflowBundle: { codePath: bundlePath } } : { workflowsPath: require.resolve('../workflows') }),
    activities: { ...createActivities(options.deps), ...options.activities },
    // Payloads encrypted when TEMPORAL_CODEC_KEYS is set; failure texts always in encoded attributes.
    dataConverter: engineDataConverter(config.temporal.codecKeys),
    interceptors: { activity: [() => ({ inbound: new ExternalFailureInterceptor(redact) })] },
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions ?? 200,
    // P1/P2 fetch each edge in a local activity on the worker that runs its chunk: enough slots to
    // keep every orchestrator's 32 connections busy (the VCO client bounds the calls, not these).
    maxConcurrentLocalActivityExecutions: 256,
    // The fan-out schedules hundreds of short activities at once: start many of them eagerly on
    // this worker, and let the pollers scale with the backlog instead of a fixed handful.
    maxEagerActivityReservationsPerWorkflowTask: 100,
    activityTaskPollerBehavior: { type: 'autoscaling', minimum: 2, initial: 10, maximum: 50 },
    workflowTaskPollerBehavior: { type: 'autoscaling', minimum: 2, initial: 5, maximum: 20 },
    shutdownGraceTime: '30s',
    // A heartbeat carries what a notification attempt sent (activities/notify.ts): the SDK would hold
    // one back for up to 0.8 × the heartbeat timeout after the previous, widening the window in
    // which a crash forgets an e-mail that went out.
    maxHeartbeatThrottleInterval: '1s',
  });
}
