/**
 * The self-hosted tier: the real Temporal server (frontend, history, matching and worker services in
 * one process) on a PostgreSQL of its own, both started by the project and kept in one folder
 * (.data/cluster for `npm run cluster`; the tests and the bench use folders of their own).
 *
 *   <dir>/state.json        ports, shard count, database password (chosen once, reused on restart)
 *   <dir>/postgres/data     the PostgreSQL cluster (owned by the postgres user when run as root)
 *   <dir>/config/           the server config written from temporal-config/cluster.yaml
 *   <dir>/server.pid, ui.pid and *.log
 *
 * The schema (temporal + temporal_visibility) is set up and updated with the server's own schema
 * tool, and the namespace and search attributes are made by temporal-config/setup-temporal.sh, the
 * script the compose stack runs. Processes are started detached and found again by their pid files,
 * so `down` (or another process: the restart test) stops exactly what `up` started.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { ensureClusterTools, postgresBinDir, TEMPORAL_SERVER_VERSION, TEMPORAL_UI_VERSION, type ClusterTools } from './cluster-tools';
import { waitForFrontend } from './dev-server';
import { freePort, isPortFree } from './free-port';
import { projectRoot } from './project';
import { resolveTemporalCli } from './temporal-cli';

const run = promisify(execFile);

export const DEFAULT_HISTORY_SHARDS = 4;
export const DEFAULT_CLUSTER_PORT = 7233;
const POSTGRES_USER = 'temporal';
const DATABASES = [
  { name: 'temporal', schema: 'postgresql/v12/temporal' },
  { name: 'temporal_visibility', schema: 'postgresql/v12/visibility' },
] as const;

export interface ClusterState {
  serverVersion: string;
  shards: number;
  namespace: string;
  ports: {
    frontend: number;
    frontendHttp: number;
    frontendMembership: number;
    history: number;
    historyMembership: number;
    matching: number;
    matchingMembership: number;
    worker: number;
    workerMembership: number;
    metrics: number;
    postgres: number;
    ui: number;
  };
  postgresPassword: string;
}

export interface ClusterOptions {
  /** The cluster's folder; .data/cluster when absent. */
  dir?: string;
  /** Frontend port: 7233 when free, else any free port; 0 for any free port (fixed once the cluster exists). */
  port?: number;
  /** History shards (fixed once the database exists); 4 when absent. */
  shards?: number;
  /** Also start the Web UI server. */
  ui?: boolean;
  uiPort?: number;
  /** The codec server the Web UI decodes payloads through. */
  codecEndpoint?: string;
  namespace?: string;
  log?: (line: string) => void;
}

export interface ClusterInfo {
  dir: string;
  address: string;
  namespace: string;
  shards: number;
  metricsUrl: string;
  uiUrl?: string;
  postgres: string;
  serverPid: number;
}

export function defaultClusterDir(): string {
  return join(projectRoot(), '.data', 'cluster');
}

const statePath = (dir: string) => join(dir, 'state.json');
/** <dir>/postgres, unless the postgres user cannot reach it (a checkout under a private home): then a folder of its own, named in <dir>/postgres.location. */
const pgDir = (dir: string) => {
  const location = join(dir, 'postgres.location');
  return existsSync(location) ? readFileSync(location, 'utf8').trim() : join(dir, 'postgres');
};
const pgData = (dir: string) => join(pgDir(dir), 'data');

export function readClusterState(dir: string): ClusterState | undefined {
  return existsSync(statePath(dir)) ? (JSON.parse(readFileSync(statePath(dir), 'utf8')) as ClusterState) : undefined;
}

const taken = new Set<number>();

/** A free port below 32768: the server keeps its services' ports in a smallint column (cluster_membership). */
async function serverPort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 17_000 + Math.floor(Math.random() * 15_000);
    if (!taken.has(port) && (await isPortFree(port))) {
      taken.add(port);
      return port;
    }
  }
  throw new Error('no free port between 17000 and 32000');
}

async function newState(options: ClusterOptions): Promise<ClusterState> {
  // 0: any free port; absent: 7233 when free, else any free port; a port given must be free.
  const wanted = options.port ?? DEFAULT_CLUSTER_PORT;
  const frontend = wanted === 0 || (options.port === undefined && !(await isPortFree(wanted))) ? await serverPort() : wanted;
  if (!(await isPortFree(frontend))) throw new Error(`port ${frontend} is in use (another Temporal server?): choose another with --port`);
  const uiWanted = options.uiPort ?? 8080;
  const ports: ClusterState['ports'] = {
    frontend,
    frontendHttp: await serverPort(),
    frontendMembership: await serverPort(),
    history: await serverPort(),
    historyMembership: await serverPort(),
    matching: await serverPort(),
    matchingMembership: await serverPort(),
    worker: await serverPort(),
    workerMembership: await serverPort(),
    metrics: await freePort(),
    postgres: await freePort(),
    ui: (await isPortFree(uiWanted)) ? uiWanted : await freePort(),
  };
  return {
    serverVersion: TEMPORAL_SERVER_VERSION,
    shards: options.shards ?? DEFAULT_HISTORY_SHARDS,
    namespace: options.namespace ?? 'default',
    ports,
    postgresPassword: randomBytes(18).toString('base64url'),
  };
}

// ---------------------------------------------------------------- processes

function pidFile(dir: string, name: 'server' | 'ui'): string {
  return join(dir, `${name}.pid`);
}

/** The pid in the file if that process is alive and still runs `binary` (a recycled pid is not ours). */
function livePid(file: string, binary: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!pid) return undefined;
  try {
    process.kill(pid, 0);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.startsWith(binary) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function spawnDetached(binary: string, args: string[], cwd: string, logFile: string, pidPath: string): number {
  const fd = openSync(logFile, 'a');
  const child = spawn(binary, args, { cwd, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  child.unref();
  if (!child.pid) throw new Error(`could not start ${binary}`);
  writeFileSync(pidPath, `${child.pid}\n`);
  return child.pid;
}

async function stopPid(pid: number, signal: NodeJS.Signals, timeoutMs = 20_000): Promise<void> {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, signal);
  const deadline = Date.now() + timeoutMs;
  while (alive() && Date.now() < deadline) await sleep(100);
  if (alive()) {
    process.kill(pid, 'SIGKILL');
    while (alive()) await sleep(100);
  }
}

// ---------------------------------------------------------------- PostgreSQL

const isRoot = () => process.getuid?.() === 0;

/** Runs a PostgreSQL program as the postgres user when we are root (PostgreSQL refuses to run as root). */
async function asPostgres(binary: string, args: string[]): Promise<string> {
  const [file, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
  try {
    const { stdout } = await run(file, argv, { cwd: '/', encoding: 'utf8' });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${binary.split('/').pop()} ${args.join(' ')} failed: ${e.stderr || e.stdout || e.message}`);
  }
}

function ownedByPostgres(path: string): void {
  if (!isRoot()) return;
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n').find((line) => line.startsWith('postgres:'));
  if (!passwd) throw new Error('there is no postgres user (install PostgreSQL from the distribution: apt-get install postgresql)');
  const [, , uid, gid] = passwd.split(':');
  chownSync(path, Number(uid), Number(gid));
}

async function postgresRunning(dir: string): Promise<boolean> {
  if (!existsSync(join(pgData(dir), 'PG_VERSION'))) return false;
  try {
    await asPostgres(join(postgresBinDir(), 'pg_ctl'), ['-D', pgData(dir), 'status']);
    return true;
  } catch {
    return false;
  }
}

async function startPostgres(dir: string, state: ClusterState, log: (line: string) => void): Promise<void> {
  const bin = postgresBinDir();
  mkdirSync(pgDir(dir), { recursive: true });
  ownedByPostgres(pgDir(dir));
  if (isRoot() && !(await run('runuser', ['-u', 'postgres', '--', 'test', '-w', pgDir(dir)]).then(() => true, () => false))) {
    const elsewhere = join('/var/lib/postgresql', `automation-engine-${createHash('sha256').update(dir).digest('hex').slice(0, 12)}`);
    log(`the postgres user cannot reach ${pgDir(dir)}: the database goes in ${elsewhere}`);
    rmSync(pgDir(dir), { recursive: true, force: true });
    mkdirSync(elsewhere, { recursive: true });
    ownedByPostgres(elsewhere);
    writeFileSync(join(dir, 'postgres.location'), `${elsewhere}\n`);
  }
  if (!existsSync(join(pgData(dir), 'PG_VERSION'))) {
    log(`initdb ${pgData(dir)}`);
    const pwfile = join(pgDir(dir), 'pwfile');
    writeFileSync(pwfile, `${state.postgresPassword}\n`, { mode: 0o600 });
    ownedByPostgres(pwfile);
    try {
      await asPostgres(join(bin, 'initdb'), ['-D', pgData(dir), '-U', POSTGRES_USER, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--no-instructions']);
    } finally {
      rmSync(pwfile, { force: true });
    }
    // Loopback TCP only: no Unix socket, so nothing is shared with a system cluster.
    const settings = [
      `port = ${state.ports.postgres}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = ''`,
      'max_connections = 300',
      'shared_buffers = 256MB',
    ];
    writeFileSync(join(pgData(dir), 'postgresql.auto.conf'), `${settings.join('\n')}\n`);
    ownedByPostgres(join(pgData(dir), 'postgresql.auto.conf'));
  }
  if (await postgresRunning(dir)) return;
  log(`starting PostgreSQL on 127.0.0.1:${state.ports.postgres}`);
  await asPostgres(join(bin, 'pg_ctl'), ['-D', pgData(dir), '-l', join(pgDir(dir), 'postgres.log'), '-w', '-t', '60', 'start']);
}

async function stopPostgres(dir: string): Promise<void> {
  if (!(await postgresRunning(dir))) return;
  await asPostgres(join(postgresBinDir(), 'pg_ctl'), ['-D', pgData(dir), '-m', 'fast', '-w', 'stop']);
}

// ---------------------------------------------------------------- schema

async function sqlTool(tools: ClusterTools, state: ClusterState, database: string, args: string[]): Promise<string> {
  const argv = ['--plugin', 'postgres12', '--ep', '127.0.0.1', '-p', String(state.ports.postgres), '-u', POSTGRES_USER, '--db', database, ...args];
  try {
    // The password through the environment, not the command line (visible in ps).
    const { stdout, stderr } = await run(tools.sqlTool, argv, { encoding: 'utf8', env: { ...process.env, SQL_PASSWORD: state.postgresPassword } });
    return `${stdout}${stderr}`;
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`temporal-sql-tool ${args.join(' ')} (${database}) failed: ${e.stderr || e.stdout || e.message}`);
  }
}

/** create-database, setup-schema (first time) and update-schema to the server's version, for both databases; safe to re-run. */
async function setUpSchemas(dir: string, tools: ClusterTools, state: ClusterState, log: (line: string) => void): Promise<void> {
  for (const db of DATABASES) {
    const marker = join(dir, `schema-${db.name}.created`);
    if (!existsSync(marker)) {
      log(`creating database ${db.name} and its schema`);
      await sqlTool(tools, state, db.name, ['create-database']).catch((error: Error) => {
        if (!/already exists/.test(error.message)) throw error;
      });
      await sqlTool(tools, state, db.name, ['setup-schema', '-v', '0.0']);
      writeFileSync(marker, '');
    }
    await sqlTool(tools, state, db.name, ['update-schema', '--schema-name', db.schema]);
  }
}

// ---------------------------------------------------------------- server and Web UI

function fillTemplate(template: string, values: Record<string, string | number>): string {
  return template.replace(/\$\{(\w+)\}/g, (match, name: string) => {
    if (!(name in values)) throw new Error(`temporal-config/cluster.yaml: no value for ${match}`);
    return String(values[name]);
  });
}

export function serverConfig(state: ClusterState, root = projectRoot()): string {
  const p = state.ports;
  return fillTemplate(readFileSync(join(root, 'temporal-config', 'cluster.yaml'), 'utf8'), {
    HISTORY_SHARDS: state.shards,
    POSTGRES_PORT: p.postgres,
    POSTGRES_USER,
    POSTGRES_PASSWORD: JSON.stringify(state.postgresPassword),
    METRICS_PORT: p.metrics,
    FRONTEND_PORT: p.frontend,
    FRONTEND_HTTP_PORT: p.frontendHttp,
    FRONTEND_MEMBERSHIP_PORT: p.frontendMembership,
    HISTORY_PORT: p.history,
    HISTORY_MEMBERSHIP_PORT: p.historyMembership,
    MATCHING_PORT: p.matching,
    MATCHING_MEMBERSHIP_PORT: p.matchingMembership,
    WORKER_PORT: p.worker,
    WORKER_MEMBERSHIP_PORT: p.workerMembership,
    DYNAMIC_CONFIG_FILE: join(root, 'temporal-config', 'dynamic-config.yaml'),
  });
}

const address = (state: ClusterState) => `127.0.0.1:${state.ports.frontend}`;

async function waitUntilServing(state: ClusterState, pid: number, logFile: string, timeoutMs = 90_000): Promise<void> {
  await waitForFrontend(address(state), timeoutMs, () => {
    try {
      process.kill(pid, 0);
      return undefined;
    } catch {
      const tail = readFileSync(logFile, 'utf8').split('\n').slice(-12).map((line) => line.slice(0, 400)).join('\n');
      return `the Temporal server exited before serving; the end of ${logFile}:\n${tail}`;
    }
  });
}

/** Starts the server process from the cluster's config (PostgreSQL must be running); resolves once it serves. */
export async function startClusterServer(dirGiven = defaultClusterDir()): Promise<number> {
  const dir = resolve(dirGiven);
  const state = readClusterState(dir);
  if (!state) throw new Error(`${dir} holds no cluster: run npm run cluster -- up`);
  const { server } = await ensureClusterTools();
  const running = livePid(pidFile(dir, 'server'), server);
  if (running) return running;
  const logFile = join(dir, 'server.log');
  const pid = spawnDetached(server, ['--root', dir, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start'], dir, logFile, pidFile(dir, 'server'));
  await waitUntilServing(state, pid, logFile);
  return pid;
}

/** Stops the server process (every Temporal service of the cluster); SIGKILL to crash it. PostgreSQL keeps running. */
export async function stopClusterServer(dirGiven = defaultClusterDir(), signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const dir = resolve(dirGiven);
  const { server } = await ensureClusterTools();
  const pid = livePid(pidFile(dir, 'server'), server);
  if (pid) await stopPid(pid, signal);
  rmSync(pidFile(dir, 'server'), { force: true });
}

function uiConfig(state: ClusterState, codecEndpoint: string | undefined): string {
  const origin = (host: string) => `http://${host}:${state.ports.ui}`;
  return [
    `temporalGrpcAddress: ${address(state)}`,
    'host: 127.0.0.1',
    `port: ${state.ports.ui}`,
    'enableUi: true',
    `defaultNamespace: ${state.namespace}`,
    'notifyOnNewVersion: false',
    'cors:',
    '  allowOrigins:',
    `    - ${origin('127.0.0.1')}`,
    `    - ${origin('localhost')}`,
    ...(codecEndpoint ? ['codec:', `  endpoint: ${codecEndpoint}`] : []),
    '',
  ].join('\n');
}

/** Runs temporal-config/setup-temporal.sh (the compose stack's temporal-setup) with the project's `temporal` CLI. */
async function runSetupScript(state: ClusterState): Promise<string> {
  const root = projectRoot();
  const cli = resolveTemporalCli();
  try {
    const { stdout } = await run('sh', [join(root, 'temporal-config', 'setup-temporal.sh')], {
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${dirname(cli)}:${process.env.PATH ?? ''}`,
        TEMPORAL_ADDRESS: address(state),
        TEMPORAL_NAMESPACE: state.namespace,
        SEARCH_ATTRIBUTES_FILE: join(root, 'temporal-config', 'search-attributes.json'),
      },
    });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`temporal-config/setup-temporal.sh failed: ${e.stdout ?? ''}${e.stderr || e.message}`);
  }
}

function info(dir: string, state: ClusterState, serverPid: number, uiUp: boolean): ClusterInfo {
  return {
    dir,
    address: address(state),
    namespace: state.namespace,
    shards: state.shards,
    metricsUrl: `http://127.0.0.1:${state.ports.metrics}/metrics`,
    uiUrl: uiUp ? `http://127.0.0.1:${state.ports.ui}` : undefined,
    postgres: `127.0.0.1:${state.ports.postgres}`,
    serverPid,
  };
}

/** Builds what is missing, then starts PostgreSQL, the schema, the server, the namespace and search attributes, and (with `ui`) the Web UI. Idempotent. */
export async function clusterUp(options: ClusterOptions = {}): Promise<ClusterInfo> {
  const dir = resolve(options.dir ?? defaultClusterDir());
  const log = options.log ?? (() => undefined);
  const tools = await ensureClusterTools({ ui: options.ui });
  mkdirSync(join(dir, 'config'), { recursive: true });
  let state = readClusterState(dir);
  if (state && options.shards !== undefined && options.shards !== state.shards) {
    throw new Error(`${dir} was created with ${state.shards} history shards; a cluster's shard count is fixed: npm run cluster -- reset, then up --shards ${options.shards}`);
  }
  if (state && state.serverVersion !== TEMPORAL_SERVER_VERSION) {
    log(`the cluster's schema was made for server ${state.serverVersion}; updating it for ${TEMPORAL_SERVER_VERSION}`);
    state.serverVersion = TEMPORAL_SERVER_VERSION;
  }
  state ??= await newState(options);
  writeFileSync(statePath(dir), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });

  await startPostgres(dir, state, log);
  await setUpSchemas(dir, tools, state, log);
  writeFileSync(join(dir, 'config', 'cluster.yaml'), serverConfig(state), { mode: 0o600 });
  log(`starting Temporal server ${TEMPORAL_SERVER_VERSION} (${state.shards} history shards) on ${address(state)}`);
  const serverPid = await startClusterServer(dir);
  log((await runSetupScript(state)).trim());

  let uiUp = false;
  if (options.ui && tools.uiServer) {
    if (!livePid(pidFile(dir, 'ui'), tools.uiServer)) {
      writeFileSync(join(dir, 'config', 'ui.yaml'), uiConfig(state, options.codecEndpoint));
      spawnDetached(tools.uiServer, ['--root', dir, '--config', 'config', '--env', 'ui', 'start'], dir, join(dir, 'ui.log'), pidFile(dir, 'ui'));
      for (let i = 0; i < 120 && (await isPortFree(state.ports.ui)); i++) await sleep(250);
    }
    uiUp = true;
  }
  return info(dir, state, serverPid, uiUp);
}

/** Stops the Web UI, the server and PostgreSQL that `up` started in `dir`; the data stays. */
export async function clusterDown(dirGiven = defaultClusterDir(), log: (line: string) => void = () => undefined): Promise<void> {
  const dir = resolve(dirGiven);
  if (!readClusterState(dir)) return;
  const uiBinary = join(projectRoot(), '.tools', `temporal-ui-server-${TEMPORAL_UI_VERSION}`, 'server');
  const uiPid = livePid(pidFile(dir, 'ui'), uiBinary);
  if (uiPid) {
    log(`stopping the Web UI server (pid ${uiPid})`);
    await stopPid(uiPid, 'SIGTERM');
  }
  rmSync(pidFile(dir, 'ui'), { force: true });
  const serverBinary = join(projectRoot(), '.tools', `temporal-server-${TEMPORAL_SERVER_VERSION}`, 'server');
  const serverPid = livePid(pidFile(dir, 'server'), serverBinary);
  if (serverPid) {
    log(`stopping the Temporal server (pid ${serverPid})`);
    await stopPid(serverPid, 'SIGTERM');
  }
  rmSync(pidFile(dir, 'server'), { force: true });
  if (await postgresRunning(dir)) {
    log('stopping PostgreSQL');
    await stopPostgres(dir);
  }
}

/** Stops everything and deletes the folder (database included). */
export async function clusterReset(dirGiven = defaultClusterDir(), log: (line: string) => void = () => undefined): Promise<void> {
  const dir = resolve(dirGiven);
  await clusterDown(dir, log);
  rmSync(pgDir(dir), { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
}

export interface ClusterStatus {
  dir: string;
  exists: boolean;
  postgres: boolean;
  server?: number;
  ui?: number;
  state?: ClusterState;
}

export async function clusterStatus(dirGiven = defaultClusterDir()): Promise<ClusterStatus> {
  const dir = resolve(dirGiven);
  const state = readClusterState(dir);
  if (!state) return { dir, exists: false, postgres: false };
  const root = projectRoot();
  return {
    dir,
    exists: true,
    state,
    postgres: await postgresRunning(dir),
    server: livePid(pidFile(dir, 'server'), join(root, '.tools', `temporal-server-${TEMPORAL_SERVER_VERSION}`, 'server')),
    ui: livePid(pidFile(dir, 'ui'), join(root, '.tools', `temporal-ui-server-${TEMPORAL_UI_VERSION}`, 'server')),
  };
}
