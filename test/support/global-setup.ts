/**
 * Starts one real Temporal server (the dev server; the cluster with TEMPORAL_TEST_SERVER=cluster) on free ports for the whole test run and bundles the
 * workflow code once; test files reach both through environment variables.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { DevServer } from '../../clients/temporal/dev-server';
import { LAST_RUN_MARKER, TEST_DATA } from './paths';
import { startTestServer } from './test-server';

declare global {
  var __TEMPORAL_DEV_SERVER__: DevServer | undefined;
}

const KEEP_RUNS = 3;
/** A run younger than this may still be going on (another jest on the same machine): never removed. */
const RUN_MAY_BE_LIVE_MS = 60 * 60_000;

export default async function globalSetup(): Promise<void> {
  mkdirSync(TEST_DATA, { recursive: true });
  const runs = readdirSync(TEST_DATA).filter((d) => d.startsWith('run-')).sort();
  const startedAt = (run: string) => Number(run.split('-')[1]) || 0;
  for (const old of runs.slice(0, Math.max(0, runs.length - KEEP_RUNS + 1))) {
    if (Date.now() - startedAt(old) > RUN_MAY_BE_LIVE_MS) rmSync(join(TEST_DATA, old), { recursive: true, force: true });
  }
  const dir = join(TEST_DATA, `run-${Date.now()}-${process.pid}`);
  mkdirSync(join(dir, 'histories'), { recursive: true });
  const [server, bundle] = await Promise.all([
    startTestServer({ logFile: join(dir, 'temporal-server.log') }),
    bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: quietLogger }),
  ]);
  writeFileSync(join(dir, 'workflow-bundle.js'), bundle.code);
  writeFileSync(LAST_RUN_MARKER, dir);
  globalThis.__TEMPORAL_DEV_SERVER__ = server;
  process.env.TEMPORAL_TEST_ADDRESS = server.address;
  process.env.TEMPORAL_TEST_UI_URL = server.uiUrl;
  process.env.TEST_RUN_DIR = dir;
}

const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
