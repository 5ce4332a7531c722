/**
 * `npm run demo`: the whole product on the embedded sandbox, in the foreground.
 *
 * Starts a Temporal dev server (or uses the one at TEMPORAL_ADDRESS when it answers), the sandbox
 * servers with a generated fleet, the worker process pointed at them with short intervals, and
 * applies the schedules (first runs start at once). Payloads are encrypted with the local keys
 * (TEMPORAL_CODEC_KEYS, else .data/codec-keys); the dev server it starts gets a codec server, which
 * its Web UI decodes through. Ctrl-C stops everything it started.
 *
 *   --check   wait for the first monitoring cycle and its Slack summary, print them, and exit
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { loadConfig } from '../../config';
import { clientIdOf, isOutage } from '../../domain/edges';
import { startSandboxes, type SandboxSet } from '../../sandbox';
import { connectClient, ensureSearchAttributes } from './connection';
import { startDevServer, type DevServer } from './dev-server';
import { startCodecServer } from './codec/codec-server';
import { localCodecKeys } from './codec/local-keys';
import { freePort, isPortFree } from './free-port';
import { projectRoot } from './project';
import { applySchedules } from './schedules';
import { latestCycleSummary } from './cycles';

const DEMO_DIR = join(projectRoot(), '.data', 'demo');

/** Short intervals so a newcomer sees every process act within minutes. */
const DEMO_INTERVALS = {
  EDGE_MONITORING_INTERVAL: '1m',
  EDGE_REPORT_INTERVAL: '2m',
  OUTAGE_DETECTOR_INTERVAL: '2m',
  OUTAGE_QUARANTINE: '1m',
  OUTAGE_REPORT_INTERVAL: '3m',
  SERVICE_AFFECTING_INTERVAL: '2m',
  TRIAGE_INTERVAL: '2m',
};

async function answers(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 1_000 });
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

async function portOr(preferred: number): Promise<number> {
  return (await isPortFree(preferred)) ? preferred : freePort();
}

/** Seeds Bruin with VOO tickets for some edges in outage (so the report shows both kinds) and writes the monitored devices. */
function prepareSandbox(sandboxes: SandboxSet): string {
  const edges = sandboxes.velocloud.sandboxes.flatMap((s) => s.fleetTruth().edges);
  const customerOutages = edges.filter((e) => clientIdOf(e.enterpriseName) !== undefined && isOutage({ state: e.edgeState, links: e.links }));
  for (const edge of customerOutages.filter((_, i) => i % 2 === 0)) {
    sandboxes.bruin.seedTickets({
      clientId: clientIdOf(edge.enterpriseName)!,
      ticketStatus: 'InProgress',
      category: 'SD-WAN',
      topic: 'VOO',
      details: [edge.serialNumber],
    });
  }
  const devices = edges
    .filter((e) => clientIdOf(e.enterpriseName) !== undefined && e.serialNumber)
    .slice(0, 12)
    .map((e, i) => ({
      serial: e.serialNumber,
      host: e.host,
      enterpriseId: e.enterpriseId,
      edgeId: e.id,
      contact: { name: `Site contact ${i + 1}`, email: `site${i + 1}@customer.example`, phone: `+1 555 010 ${String(i).padStart(4, '0')}` },
    }));
  const file = join(DEMO_DIR, 'monitored-devices.json');
  writeFileSync(file, JSON.stringify(devices, null, 2));
  return file;
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  mkdirSync(DEMO_DIR, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  let worker: ChildProcess | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping the demo...\n');
    await stopAll();
    process.exit(code);
  };
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  try {
    let address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
    let server: DevServer | undefined;
    let uiUrl = process.env.TEMPORAL_UI_URL ?? 'http://127.0.0.1:8233';
    const codecKeys = localCodecKeys();
    let codecLine = `(not started: the running dev server's, e.g. npm run temporal's; keys from ${codecKeys.source})`;
    if (!(await answers(address))) {
      process.stdout.write('Starting the Temporal dev server...\n');
      const uiPort = await portOr(8233);
      const codec = await startCodecServer({
        keys: codecKeys.keys,
        port: await portOr(Number(process.env.CODEC_SERVER_PORT ?? 8081)),
        corsOrigins: [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`],
      });
      stops.push(() => codec.close());
      codecLine = `${codec.url}   (the Web UI decodes through it; keys from ${codecKeys.source})`;
      server = await startDevServer({
        port: await portOr(7233),
        uiPort,
        logFile: join(DEMO_DIR, 'temporal-server.log'),
        codecEndpoint: codec.url,
      });
      stops.push(() => server!.stop());
      address = server.address;
      uiUrl = server.uiUrl ?? uiUrl;
    }

    const sandboxes = await startSandboxes({ fleet: { seed: 2026, totalEdges: 300, faultyShare: 0.03, enterprisesPerHost: 6 } });
    stops.push(() => sandboxes.stop());
    const devicesFile = prepareSandbox(sandboxes);

    const metricsPort = await portOr(9464);
    const env: Record<string, string> = {
      ...sandboxes.env,
      ...DEMO_INTERVALS,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: process.env.TEMPORAL_NAMESPACE ?? 'default',
      TEMPORAL_TASK_QUEUE: process.env.TEMPORAL_TASK_QUEUE ?? 'automation-engine',
      TEMPORAL_CODEC_KEYS: codecKeys.value,
      MONITORED_DEVICES_FILE: devicesFile,
      METRICS_PORT: String(metricsPort),
      HEALTH_PORT: String(metricsPort),
      AUTOMATION_MODE: 'dry-run',
      TIMEZONE: process.env.TIMEZONE ?? 'US/Eastern',
    };
    const config = loadConfig(env);

    const log = createWriteStream(join(DEMO_DIR, 'worker.log'), { flags: 'a' });
    worker = spawn(process.execPath, [join(__dirname, '..', '..', 'workers', 'main.js')], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout?.pipe(log);
    worker.stderr?.pipe(log);
    const exited = new Promise<void>((resolve) => worker!.once('exit', () => resolve()));
    stops.push(async () => {
      if (worker!.exitCode === null) worker!.kill('SIGTERM');
      await exited;
    });
    worker.once('exit', (code) => {
      if (!stopping) {
        process.stderr.write(`The worker exited (code ${code}); see ${join(DEMO_DIR, 'worker.log')}\n`);
        void shutdown(1);
      }
    });

    const client = await connectClient(config.temporal);
    stops.push(() => client.connection.close());
    await ensureSearchAttributes(client);
    const outcomes = await applySchedules(client, config, { triggerNew: true });

    const lines = [
      '',
      'Automation Engine demo is running (dry-run mode, sandbox systems).',
      '',
      `  Temporal Web UI     ${uiUrl}   (Schedules, Workflows; filter by EdgeSerial or Process)`,
      `  Temporal frontend   ${address}   (temporal workflow list --address ${address})`,
      `  Codec server        ${codecLine}`,
      `  Worker metrics      http://127.0.0.1:${metricsPort}/metrics   (/healthz, /readyz)`,
      `  Slack messages      ${sandboxes.slack.url}/ui`,
      `  E-mails received    ${sandboxes.smtp.httpUrl}/ui`,
      `  Bruin tickets       ${sandboxes.bruin.url}/__admin/tickets`,
      ...sandboxes.velocloud.sandboxes.map((s) => `  VeloCloud ${s.logicalHost.padEnd(18)} ${s.url}/__admin/fleet/counts`),
      `  Worker log          ${join(DEMO_DIR, 'worker.log')}`,
      '',
      `  Schedules: ${Object.entries(outcomes).map(([id, o]) => `${id} (${o})`).join(', ')}`,
      '',
      check ? 'Checking: waiting for the first monitoring cycle and its Slack summary...' : 'Press Ctrl-C to stop.',
      '',
    ];
    process.stdout.write(lines.join('\n'));

    if (check) {
      const deadline = Date.now() + 180_000;
      let summary = await latestCycleSummary(client, config.temporal.taskQueue);
      while (!summary && Date.now() < deadline) {
        await sleep(1_000);
        summary = await latestCycleSummary(client, config.temporal.taskQueue);
      }
      if (!summary) throw new Error('no monitoring cycle completed within 3 minutes');
      process.stdout.write(`Cycle: ${summary.processed} edges, ${summary.faultyTotal} faulty, ${summary.durationSeconds.toFixed(1)} s\n`);
      await client.schedule.getHandle('edge-status-report').trigger();
      while (!sandboxes.slack.messages().length && Date.now() < deadline) await sleep(500);
      const message = sandboxes.slack.messages()[0];
      if (!message) throw new Error('no Slack summary was posted');
      process.stdout.write(`Slack: ${message.text.split('\n')[0]}\n`);
      await shutdown(0);
    }
  } catch (error) {
    process.stderr.write(`demo failed: ${(error as Error).message}\n`);
    await shutdown(1);
  }
}

void main();
