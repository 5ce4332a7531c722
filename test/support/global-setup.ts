/**
 * Starts one real Temporal dev server on free ports for the whole test run and bundles the
 * workflow code once; test files reach both through environment variables.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startDevServer, type DevServer } from '../../clients/temporal/dev-server';
import { RECORDED_HISTORIES, TEST_DATA, WORKFLOW_BUNDLE } from './paths';

declare global {
  var __TEMPORAL_DEV_SERVER__: DevServer | undefined;
}

export default async function globalSetup(): Promise<void> {
  mkdirSync(TEST_DATA, { recursive: true });
  rmSync(RECORDED_HISTORIES, { recursive: true, force: true });
  mkdirSync(RECORDED_HISTORIES, { recursive: true });
  const [server, bundle] = await Promise.all([
    startDevServer({ headless: true, logFile: `${TEST_DATA}/temporal-server.log` }),
    bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: quietLogger }),
  ]);
  writeFileSync(WORKFLOW_BUNDLE, bundle.code);
  globalThis.__TEMPORAL_DEV_SERVER__ = server;
  process.env.TEMPORAL_TEST_ADDRESS = server.address;
}

const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
