/**
 * Integration-test plumbing: a client and a worker on the shared dev server, each test with its
 * own task queue, and recording of histories for the replay run. Clients and workers connect as
 * the product does (clients/temporal/connection.ts), payloads encrypted with the test key.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Runtime, type Worker } from '@temporalio/worker';
import { Registry } from 'prom-client';
import type { ActivityDeps } from '../../activities';
import type { Config } from '../../config';
import { connectClient, connectWorker } from '../../clients/temporal/connection';
import { engineDataConverter } from '../../clients/temporal/codec/data-converter';
import { createLogger, temporalLogger, type Logger } from '../../workers/logger';
import { createEngineWorker, type EngineWorkerOptions } from '../../workers/worker';
import { closeActivityDeps, createActivityDeps } from '../../workers/deps';
import { codecKeys, TEST_CODEC_KEYS } from './codec';
import { testConfig } from './config';
import { recordedHistoriesDir, workflowBundlePath } from './paths';

/** What the Temporal SDK logged in this test file (worker, workflow and activity logs), as JSON lines. */
export const sdkLogLines: string[] = [];
let runtimeInstalled = false;

function installTestRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: temporalLogger(createLogger({ level: 'debug', write: (line) => sdkLogLines.push(line) })) });
  runtimeInstalled = true;
}

export function testAddress(): string {
  const address = process.env.TEMPORAL_TEST_ADDRESS;
  if (!address) throw new Error('TEMPORAL_TEST_ADDRESS is not set: run the tests through jest (global setup)');
  return address;
}

/** A client with the test key (or `keys`); `keys: ''` reads what the server holds, undecrypted. */
export async function testClient(keys = TEST_CODEC_KEYS): Promise<Client> {
  const connection = await Connection.connect({ address: testAddress() });
  return new Client({ connection, dataConverter: engineDataConverter(keys ? codecKeys(keys) : []) });
}

export interface TestWorker {
  client: Client;
  config: Config;
  deps: ActivityDeps;
  worker: Worker;
  registry: Registry;
  logger: Logger;
  logLines: string[];
  taskQueue: string;
  stop(): Promise<void>;
}

export interface TestWorkerOptions {
  env?: Record<string, string | undefined>;
  /** Join an existing task queue (a second worker); a fresh one when absent. */
  taskQueue?: string;
  activities?: EngineWorkerOptions['activities'];
  /** Extra dependencies for activities (sandboxed clients...). */
  deps?: Partial<ActivityDeps>;
  maxConcurrentActivityTaskExecutions?: number;
}

/** Starts a worker on a fresh task queue; `stop()` shuts it down and closes the connections. */
export async function startTestWorker(options: TestWorkerOptions = {}): Promise<TestWorker> {
  installTestRuntime();
  const taskQueue = options.taskQueue ?? `test-${randomUUID()}`;
  const config = testConfig({ TEMPORAL_TASK_QUEUE: taskQueue, ...options.env });
  const logLines: string[] = [];
  const logger = createLogger({ level: 'debug', secrets: [], write: (line) => logLines.push(line) });
  const registry = new Registry();
  const connection = await connectWorker(config.temporal);
  const client = await connectClient(config.temporal);
  const deps = { ...createActivityDeps({ config, logger, registry, temporal: client }), ...options.deps };
  const worker = await createEngineWorker({
    connection,
    deps,
    workflowBundlePath: workflowBundlePath(),
    activities: options.activities,
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions,
  });
  const running = worker.run();
  return {
    client,
    config,
    deps,
    worker,
    registry,
    logger,
    logLines,
    taskQueue,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await closeActivityDeps(deps);
      await connection.close();
      await client.connection.close();
    },
  };
}

/** The workflow id of the first run a schedule started (after a trigger). */
export async function firstRunOf(client: Client, scheduleId: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const { info } = await client.schedule.getHandle(scheduleId).describe();
    const run = info.recentActions[0]?.action.workflow.workflowId;
    if (run) return run;
    await sleep(200);
  }
  throw new Error(`schedule ${scheduleId} started no run`);
}

/** Saves a finished workflow's history where the replay run (npm test's second step) picks it up. */
export async function recordHistory(client: Client, workflowId: string, name: string, runId?: string): Promise<string> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  mkdirSync(recordedHistoriesDir(), { recursive: true });
  const json = historyToJSON(history);
  writeFileSync(join(recordedHistoriesDir(), `${name}.json`), json);
  return json;
}
