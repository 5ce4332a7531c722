/**
 * A worker process that dies (SIGKILL) right after one activity has done its outside write, before
 * Temporal hears that it completed: the crash the look-before-write activities must survive.
 * Run by test/support/crash.ts in a child process; configured from the environment.
 */
import { Registry } from 'prom-client';
import { createActivities } from '../../activities';
import { connectClient, connectWorker } from '../../clients/temporal/connection';
import { loadConfig } from '../../config';
import { createActivityDeps } from '../../workers/deps';
import { createLogger } from '../../workers/logger';
import { createEngineWorker } from '../../workers/worker';

async function main(): Promise<void> {
  const crashAfter = process.env.CRASH_AFTER ?? '';
  const config = loadConfig(process.env);
  const connection = await connectWorker(config.temporal);
  const client = await connectClient(config.temporal);
  const deps = createActivityDeps({ config, logger: createLogger({ level: 'warn' }), registry: new Registry(), temporal: client });
  const real = createActivities(deps) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const target = real[crashAfter];
  if (!target) throw new Error(`no activity ${crashAfter}`);
  const worker = await createEngineWorker({
    connection,
    deps,
    workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH,
    activities: {
      [crashAfter]: async (...args: unknown[]) => {
        await target(...args);
        process.stdout.write(`crashing after ${crashAfter}\n`);
        process.kill(process.pid, 'SIGKILL');
        await new Promise(() => undefined);
      },
    },
  });
  process.stdout.write('worker ready\n');
  await worker.run();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(2);
});
