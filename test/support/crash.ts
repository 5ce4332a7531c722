/** Runs test/support/crashing-worker.ts in a child process (TypeScript compiled on load by @swc/core). */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { TEST_CODEC_KEYS } from './codec';
import { workflowBundlePath } from './paths';

// The child has no jest transform: compile .ts files with swc as they are required.
export const REGISTER_TS = `
const { transformSync } = require('@swc/core');
const { readFileSync } = require('node:fs');
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
require(process.argv[1]);
`;

export interface CrashingWorker {
  process: ChildProcess;
  output: () => string;
  /** Resolves with the signal that ended the process. */
  exited: Promise<NodeJS.Signals | null>;
}

export function startCrashingWorker(env: Record<string, string>, crashAfter: string): CrashingWorker {
  const child = spawn(process.execPath, ['-e', REGISTER_TS, join(__dirname, 'crashing-worker.ts')], {
    env: { PATH: process.env.PATH ?? '', TEMPORAL_CODEC_KEYS: TEST_CODEC_KEYS, ...env, CRASH_AFTER: crashAfter, WORKFLOW_BUNDLE_PATH: workflowBundlePath() },
    cwd: join(__dirname, '..', '..'),
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  return { process: child, output: () => output, exited };
}
