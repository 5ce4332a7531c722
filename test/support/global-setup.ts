/**
 * Starts one real Temporal server (the dev server; the cluster with TEMPORAL_TEST_SERVER=cluster) on free ports for the whole test run, with a codec server
 * (both test keys) its Web UI decodes payloads through, and bundles the workflow code once, with
 * the engine's failure converter; test files reach them through environment variables.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { DevServer } from '../../clients/temporal/dev-server';
import { startCodecServer, type RunningCodecServer } from '../../clients/temporal/codec/codec-server';
import { FAILURE_CONVERTER_PATH } from '../../clients/temporal/codec/data-converter';
import { freePort } from '../../clients/temporal/free-port';
import { codecKeys, ROTATED_CODEC_KEYS } from './codec';
import { LAST_RUN_MARKER, TEST_DATA } from './paths';
import { startTestServer } from './test-server';

declare global {
  var __TEMPORAL_DEV_SERVER__: DevServer | undefined;
  var __TEMPORAL_CODEC_SERVER__: RunningCodecServer | undefined;
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
  const uiPort = await freePort();
  const codec = await startCodecServer({
    keys: codecKeys(ROTATED_CODEC_KEYS),
    corsOrigins: [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`],
  });
  globalThis.__TEMPORAL_CODEC_SERVER__ = codec;
  const [server, bundle] = await Promise.all([
    startTestServer({ uiPort, logFile: join(dir, 'temporal-server.log'), codecEndpoint: codec.url }),
    bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), failureConverterPath: FAILURE_CONVERTER_PATH, logger: quietLogger }),
  ]);
  writeFileSync(join(dir, 'workflow-bundle.js'), bundle.code);
  writeFileSync(LAST_RUN_MARKER, dir);
  globalThis.__TEMPORAL_DEV_SERVER__ = server;
  process.env.TEMPORAL_TEST_ADDRESS = server.address;
  process.env.TEMPORAL_TEST_UI_URL = server.uiUrl;
  process.env.TEMPORAL_TEST_CODEC_URL = codec.url;
  process.env.TEST_RUN_DIR = dir;
}

const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
