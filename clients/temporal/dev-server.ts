/**
 * Starts the Temporal dev server (from the `temporal` CLI) as a child process, with our search
 * attributes and dynamic config, and waits until its frontend answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { freePort, isPortFree } from './free-port';
import { resolveTemporalCli } from './temporal-cli';
import { dynamicConfigFlags, searchAttributeDefinitions } from './temporal-config';

export interface DevServerOptions {
  port?: number;
  uiPort?: number;
  /** No Web UI (tests). */
  headless?: boolean;
  /** Persist state in this SQLite file; in memory when absent. */
  dbFile?: string;
  /** Where the server's own output goes; discarded when absent. */
  logFile?: string;
  /** Forward the server's output to this process's stdout/stderr (`npm run temporal`). */
  inheritOutput?: boolean;
  namespace?: string;
  startTimeoutMs?: number;
  /** The codec server the Web UI decodes payloads through (`--ui-codec-endpoint`). */
  codecEndpoint?: string;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const cli = resolveTemporalCli();
  // Without this, a server already on the port would answer our readiness probe while ours fails to bind.
  for (const [name, wanted] of [['port', options.port], ['UI port', options.uiPort]] as const) {
    if (wanted !== undefined && !(await isPortFree(wanted))) {
      throw new Error(`Temporal dev server: ${name} ${wanted} is in use (another Temporal server?)`);
    }
  }
  const port = options.port ?? (await freePort());
  const uiPort = options.headless ? undefined : (options.uiPort ?? (await freePort()));
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--http-port',
    String(await freePort()),
    '--metrics-port',
    String(await freePort()),
    '--log-level',
    'warn',
    ...Object.entries(searchAttributeDefinitions()).flatMap(([name, kind]) => ['--search-attribute', `${name}=${kind}`]),
    ...dynamicConfigFlags(),
  ];
  if (options.headless) args.push('--headless');
  else {
    args.push('--ui-port', String(uiPort), '--ui-disable-news-fetch');
    if (options.codecEndpoint) args.push('--ui-codec-endpoint', options.codecEndpoint);
  }
  if (options.dbFile) {
    mkdirSync(dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  if (options.namespace && options.namespace !== 'default') args.push('--namespace', options.namespace);

  const child = spawn(cli, args, {
    stdio: ['ignore', options.inheritOutput ? 'inherit' : 'pipe', options.inheritOutput ? 'inherit' : 'pipe'],
  });
  if (!options.inheritOutput) {
    if (options.logFile) {
      mkdirSync(dirname(options.logFile), { recursive: true });
      const log = createWriteStream(options.logFile, { flags: 'a' });
      child.stdout?.pipe(log);
      child.stderr?.pipe(log);
    } else {
      child.stdout?.resume();
      child.stderr?.resume();
    }
  }
  const address = `127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const server: DevServer = {
    address,
    uiUrl: uiPort ? `http://127.0.0.1:${uiPort}` : undefined,
    process: child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  try {
    await waitUntilServing(address, exited, options.startTimeoutMs ?? 60_000);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

async function waitUntilServing(address: string, exited: Promise<number | null>, timeoutMs: number): Promise<void> {
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  await waitForFrontend(address, timeoutMs, () =>
    exitCode === undefined ? undefined : `Temporal dev server exited with code ${exitCode} before serving`,
  );
}

/**
 * Waits until a Temporal frontend at `address` answers; `stopped` says why waiting is pointless
 * (the server process exited), or undefined while it may still come up.
 */
export async function waitForFrontend(address: string, timeoutMs: number, stopped: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const why = stopped();
    if (why) throw new Error(why);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await sleep(250);
    }
  }
  throw new Error(`the Temporal server at ${address} did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}
