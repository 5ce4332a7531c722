/**
 * The binaries of the self-hosted tier (`npm run cluster`): the Temporal server and its schema tool
 * (temporal-sql-tool), and the Web UI server, built from their Go modules with `go install` once and
 * kept under .tools/; and the PostgreSQL programs (initdb, pg_ctl) of the machine's PostgreSQL.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './project';
import { isExecutable, onPath } from './temporal-cli';

/** The server version the compose stack pins (temporalio/auto-setup); test/unit/cluster-parity.test.ts keeps them equal. */
export const TEMPORAL_SERVER_VERSION = '1.27.2';
/** The Web UI version the compose stack pins (temporalio/ui). */
export const TEMPORAL_UI_VERSION = '2.54.1';

export interface ClusterTools {
  server: string;
  sqlTool: string;
  uiServer?: string;
}

export function serverToolsDir(root = projectRoot()): string {
  return join(root, '.tools', `temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

export function uiToolsDir(root = projectRoot()): string {
  return join(root, '.tools', `temporal-ui-server-${TEMPORAL_UI_VERSION}`);
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** `go install` of `packages` (one module at one version) into `dir`, through a temporary GOBIN so a broken build leaves nothing behind. */
async function goInstall(dir: string, packages: string[], what: string): Promise<void> {
  const go = process.env.GO ?? onPath('go');
  if (!go) throw new Error(`Building ${what} needs Go (https://go.dev/dl), or put the binaries in ${dir} by hand.`);
  const staging = `${dir}.building-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const started = Date.now();
  log(`Building ${what} with go install (once; kept in ${dir}) ...`);
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(go, ['install', '-ldflags=-s -w', ...packages], {
      env: { ...process.env, GOBIN: staging },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`go install ${packages.join(' ')} failed (exit ${code})`);
  }
  mkdirSync(dir, { recursive: true });
  for (const file of readdirSync(staging)) renameSync(join(staging, file), join(dir, file));
  rmSync(staging, { recursive: true, force: true });
  log(`Built ${what} in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** Finds or builds the server, the schema tool and (with `ui`) the Web UI server. */
export async function ensureClusterTools(options: { ui?: boolean } = {}): Promise<ClusterTools> {
  const dir = serverToolsDir();
  const server = join(dir, 'server');
  const sqlTool = join(dir, 'sql');
  if (!isExecutable(server) || !isExecutable(sqlTool)) {
    const module = `go.temporal.io/server`;
    await goInstall(dir, [`${module}/cmd/server@v${TEMPORAL_SERVER_VERSION}`, `${module}/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`], `the Temporal server ${TEMPORAL_SERVER_VERSION}`);
  }
  if (!options.ui) return { server, sqlTool };
  const uiServer = join(uiToolsDir(), 'server');
  if (!isExecutable(uiServer)) {
    await goInstall(uiToolsDir(), [`github.com/temporalio/ui-server/v2/cmd/server@v${TEMPORAL_UI_VERSION}`], `the Temporal Web UI server ${TEMPORAL_UI_VERSION}`);
  }
  return { server, sqlTool, uiServer };
}

/** The folder of initdb and pg_ctl: POSTGRES_BIN, Debian's newest /usr/lib/postgresql/N/bin, else PATH. */
export function postgresBinDir(): string {
  const fromEnv = process.env.POSTGRES_BIN;
  if (fromEnv) {
    if (!isExecutable(join(fromEnv, 'initdb'))) throw new Error(`POSTGRES_BIN=${fromEnv} has no initdb`);
    return fromEnv;
  }
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => isExecutable(join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(debian, versions[0], 'bin');
  }
  const initdb = onPath('initdb');
  if (initdb) return join(initdb, '..');
  throw new Error('PostgreSQL is not installed (initdb not found): apt-get install postgresql, or set POSTGRES_BIN to its bin folder');
}

export function postgresVersion(binDir: string): string {
  return execFileSync(join(binDir, 'pg_ctl'), ['--version'], { encoding: 'utf8' }).trim();
}
