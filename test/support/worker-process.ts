/** The real worker process (`node dist/workers/main.js`, built by `npm test`'s first step) for tests that kill or signal it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { freePort } from '../../clients/temporal/free-port';
import { TEST_CODEC_KEYS } from './codec';
import { ROOT } from './paths';

export const WORKER_SCRIPT = join(ROOT, 'dist', 'workers', 'main.js');

export interface WorkerProcess {
  child: ChildProcess;
  metricsPort: number;
  healthPort: number;
  /** Everything the process wrote to stdout and stderr. */
  output(): string;
  waitUntilReady(timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

export async function get(url: string): Promise<{ status: number; body: string }> {
  const response = await request(url);
  return { status: response.statusCode, body: await response.body.text() };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function spawnWorker(env: Record<string, string>, nodeArgs: string[] = []): Promise<WorkerProcess> {
  const metricsPort = await freePort();
  const healthPort = await freePort();
  let output = '';
  const child = spawn(process.execPath, [...nodeArgs, WORKER_SCRIPT], {
    // The test key unless the test gives its own (TEMPORAL_CODEC_KEYS: '' runs it without encryption).
    env: { PATH: process.env.PATH ?? '', TEMPORAL_CODEC_KEYS: TEST_CODEC_KEYS, ...env, METRICS_PORT: String(metricsPort), HEALTH_PORT: String(healthPort) },
    cwd: '/',
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    metricsPort,
    healthPort,
    exited,
    output: () => output,
    waitUntilReady: async (timeoutMs = 60_000) => {
      // A worker that exits first (a port taken meanwhile, a bad configuration) says why at once.
      const ended = exited.then((code) => {
        throw new Error(`the worker exited (code ${code}) before it was ready:\n${output.slice(-2_000)}`);
      });
      const ready = waitFor(
        'the worker to be ready',
        async () => ((await get(`http://127.0.0.1:${healthPort}/readyz`)).status === 200 ? true : undefined),
        timeoutMs,
      ).catch((error: Error) => {
        throw new Error(`${error.message}; its output:\n${output.slice(-2_000)}`);
      });
      ended.catch(() => undefined);
      await Promise.race([ready, ended]);
    },
  };
}
