/**
 * A worker process for crash tests that pick their moment: the activity named by STALL_AFTER does
 * its work (the outside write, the progress it records) and then never completes, and every other
 * activity runs as usual. The test kills the process (SIGKILL) when it chooses: once Temporal holds
 * the recorded progress, or while a sandbox holds the answer to a write it already committed.
 *
 * `startStalledWorker` (in the test process) runs this file in a child process, where STALLED_WORKER
 * is set and `main` runs; TypeScript is compiled on load as for test/support/crashing-worker.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Registry } from 'prom-client';
import { createActivities } from '../../activities';
import { connectClient, connectWorker } from '../../clients/temporal/connection';
import { loadConfig } from '../../config';
import { createActivityDeps } from '../../workers/deps';
import { createLogger } from '../../workers/logger';
import { createEngineWorker } from '../../workers/worker';
import { TEST_CODEC_KEYS } from './codec';
import { REGISTER_TS } from './crash';
import { workflowBundlePath } from './paths';

export interface StalledWorker {
  process: ChildProcess;
  output: () => string;
  /** Resolves once the worker polls its task queue. */
  ready: Promise<void>;
  /** Resolves with the signal that ended the process. */
  exited: Promise<NodeJS.Signals | null>;
}

export function startStalledWorker(env: Record<string, string>, stallAfter = ''): StalledWorker {
  const child = spawn(process.execPath, ['-e', REGISTER_TS, __filename], {
    env: { PATH: process.env.PATH ?? '', TEMPORAL_CODEC_KEYS: TEST_CODEC_KEYS, ...env, STALLED_WORKER: '1', STALL_AFTER: stallAfter, WORKFLOW_BUNDLE_PATH: workflowBundlePath() },
    cwd: __dirname,
  });
  let output = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const read = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes('worker ready')) markReady();
  };
  child.stdout.on('data', read);
  child.stderr.on('data', read);
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  return { process: child, output: () => output, ready: Promise.race([ready, exited.then(() => Promise.reject(new Error(`worker exited: ${output}`)))]), exited };
}

async function main(): Promise<void> {
  const stallAfter = process.env.STALL_AFTER ?? '';
  const config = loadConfig(process.env);
  const connection = await connectWorker(config.temporal);
  const client = await connectClient(config.temporal);
  const deps = createActivityDeps({ config, logger: createLogger({ level: 'warn' }), registry: new Registry(), temporal: client });
  const real = createActivities(deps) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const target = real[stallAfter];
  if (stallAfter && !target) throw new Error(`no activity ${stallAfter}`);
  const worker = await createEngineWorker({
    connection,
    deps,
    workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH,
    activities: target
      ? {
          [stallAfter]: async (...args: unknown[]) => {
            await target(...args);
            process.stdout.write(`stalled after ${stallAfter}\n`);
            await new Promise(() => undefined);
          },
        }
      : {},
  });
  process.stdout.write('worker ready\n');
  await worker.run();
}

if (process.env.STALLED_WORKER === '1') {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(2);
  });
}
