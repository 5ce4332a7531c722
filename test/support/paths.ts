import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../clients/temporal/project';

export const ROOT = projectRoot();
export const TEST_DATA = join(ROOT, '.data', 'test');
/** Names the run directory of the latest `jest` run, so the replay step finds its histories. */
export const LAST_RUN_MARKER = join(TEST_DATA, 'last-run');
export const COMMITTED_HISTORIES = join(ROOT, 'test', 'replay', 'histories');

/**
 * This run's directory (the workflow bundle, the server log and the histories integration tests
 * record). Each run gets its own, so two runs on one machine do not clobber each other.
 */
export function runDir(): string {
  const dir = process.env.TEST_RUN_DIR;
  if (dir) return dir;
  if (existsSync(LAST_RUN_MARKER)) return readFileSync(LAST_RUN_MARKER, 'utf8').trim();
  throw new Error('No test run directory: run the tests through jest (global setup)');
}

export const workflowBundlePath = () => join(runDir(), 'workflow-bundle.js');
export const recordedHistoriesDir = () => join(runDir(), 'histories');
