import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
/** Test run state: the shared workflow bundle and the histories integration tests record. */
export const TEST_DATA = join(ROOT, '.data', 'test');
export const WORKFLOW_BUNDLE = join(TEST_DATA, 'workflow-bundle.js');
export const RECORDED_HISTORIES = join(TEST_DATA, 'histories');
export const COMMITTED_HISTORIES = join(ROOT, 'test', 'replay', 'histories');
