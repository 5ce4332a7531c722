/**
 * Outage incidents across crashes (production mode), through the real worker process:
 *   - the worker SIGKILLed again and again mid-incident, right after a Bruin write landed and before
 *     its answer came back (repair, notes, severity, resolve);
 *   - the Temporal server itself stopped while incidents wait on their re-check timer, and started
 *     again from its database file on the same port.
 * Each edge ends with exactly one VOO ticket, its notes once each, and the resolve once.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { incidentWorkflowId } from '../../activities/incidents';
import { startDevServer, type DevServer } from '../../clients/temporal/dev-server';
import { freePort } from '../../clients/temporal/free-port';
import { clientIdOf } from '../../domain/edges';
import { isEngineNote } from '../../domain/engine-notes';
import { RESOLVE_NOTE_TITLE } from '../../domain/incidents';
import { startSandboxes, type SandboxSet } from '../../sandbox';
import type { SandboxTicket } from '../../sandbox/bruin/tickets';
import type { TruthEdge } from '../../sandbox/velocloud';
import type { IncidentInput, IncidentResult } from '../../workflows/incident';
import { makeFleetHealthy, pickEdges, setEdgeState } from '../support/fleet';
import { runDir, workflowBundlePath } from '../support/paths';
import { testAddress, testClient } from '../support/temporal';
import { spawnWorker, type WorkerProcess } from '../support/worker-process';

jest.setTimeout(600_000);

let sandboxes: SandboxSet;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  sandboxes = await startSandboxes({ fleet: { seed: 23, totalEdges: 40, testEnterpriseShare: 0.1 } });
  makeFleetHealthy(sandboxes);
});

afterAll(async () => {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  await sandboxes?.stop();
});

const ref = (edge: TruthEdge) => ({ host: edge.host, enterpriseId: edge.enterpriseId, edgeId: edge.id });
const vooTickets = (edge: TruthEdge): SandboxTicket[] =>
  sandboxes.bruin.allTickets().filter((t) => t.topic === 'VOO' && t.details.some((d) => d.detailValue === edge.serialNumber));
const titleOf = (note: string) => note.split('\n')[1]?.trim();

function incidentInput(edge: TruthEdge, recheckMs: number, settleMs: number): IncidentInput {
  return {
    edge: { ...ref(edge), serial: edge.serialNumber, name: edge.name, enterpriseName: edge.enterpriseName },
    clientId: clientIdOf(edge.enterpriseName)!,
    outageStart: new Date().toISOString(),
    kind: 'Hard Down',
    interfaces: [],
    reasons: ['edge OFFLINE'],
    recheckMs,
    bruinWriteSettleMs: settleMs,
  };
}

async function startWorker(env: Record<string, string>): Promise<WorkerProcess> {
  const worker = await spawnWorker(env);
  workers.push(worker);
  await worker.waitUntilReady();
  return worker;
}

async function kill(worker: WorkerProcess): Promise<void> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
  await worker.exited;
}

/** One ticket, its outage notes once each (no two alike), one resolve note, the detail resolved once, severity 2. */
function expectDocumentedOnce(edge: TruthEdge, result: IncidentResult): void {
  expect(result).toMatchObject({ outcome: 'auto-resolved', kind: 'Hard Down' });
  const tickets = vooTickets(edge);
  expect(tickets).toHaveLength(1);
  const [ticket] = tickets;
  expect(ticket!.ticketId).toBe(result.ticketId);
  const engineNotes = ticket!.notes.map((n) => n.noteValue).filter(isEngineNote);
  expect(new Set(engineNotes).size).toBe(engineNotes.length);
  expect(engineNotes.filter((n) => titleOf(n) === RESOLVE_NOTE_TITLE)).toHaveLength(1);
  expect(engineNotes.filter((n) => titleOf(n) !== RESOLVE_NOTE_TITLE).length).toBeGreaterThanOrEqual(1);
  expect(engineNotes.every((n) => n.includes(`Serial: ${edge.serialNumber}`) || /Triage note: \d+\/\d+/.test(n))).toBe(true);
  expect(ticket!.details.map((d) => d.detailStatus)).toEqual(['R']);
  expect(ticket!.severity).toBe(2);
}

describe('outage incidents across crashes', () => {
  it('the worker SIGKILLed between Bruin writes and their answers: one ticket, each note once, the resolve once', async () => {
    const edges = pickEdges(sandboxes, 'customer', 3);
    const taskQueue = `incident-kills-${randomUUID()}`;
    const env = {
      ...sandboxes.env,
      AUTOMATION_MODE: 'production',
      TEMPORAL_ADDRESS: testAddress(),
      TEMPORAL_TASK_QUEUE: taskQueue,
      BRUIN_WRITE_SETTLE: '4s',
      INCIDENT_RECHECK_INTERVAL: '2s',
      WORKFLOW_BUNDLE_PATH: workflowBundlePath(),
    };
    // Every write lands at once and is answered 2 s later: a kill in between leaves the attempt
    // that wrote without an answer, and its retry must find what it wrote.
    sandboxes.bruin.setBruinFaults({ answerAfterSeconds: { repair: 2, note: 2, severity: 2, status: 2 }, writesLand: 'before-wait' });
    const client = await testClient();
    const written = () =>
      edges.reduce((n, edge) => {
        return n + vooTickets(edge).reduce((m, t) => m + 1 + t.notes.length + t.details.filter((d) => d.detailStatus === 'R').length + (t.severity === 2 ? 1 : 0), 0);
      }, 0);
    let kills = 0;
    try {
      for (const edge of edges) setEdgeState(sandboxes, edge, 'OFFLINE');
      let worker = await startWorker(env);
      const handles = await Promise.all(
        edges.map((edge) =>
          client.workflow.start('outageIncidentWorkflow', { taskQueue, workflowId: incidentWorkflowId(ref(edge)), args: [incidentInput(edge, 2_000, 4_000)] }),
        ),
      );
      const results = new Map<string, IncidentResult>();
      const done = Promise.all(handles.map(async (h) => results.set(h.workflowId, (await h.result()) as IncidentResult)));
      let finished = false;
      void done.then(
        () => (finished = true),
        () => (finished = true),
      );
      let seen = written();
      const recovered = new Set<TruthEdge>();
      for (const end = Date.now() + 400_000; !finished && Date.now() < end; await sleep(25)) {
        // An edge comes back once its ticket is documented and its severity set (the incident waits on its timer).
        for (const edge of edges) {
          if (!recovered.has(edge) && vooTickets(edge)[0]?.severity === 2) {
            recovered.add(edge);
            setEdgeState(sandboxes, edge, 'CONNECTED');
          }
        }
        if (written() === seen || kills >= 8) continue;
        await kill(worker);
        kills += 1;
        worker = await startWorker(env);
        seen = written();
      }
      await done;
      process.stdout.write(`incidents: ${kills} SIGKILLs between a Bruin write and its answer\n`);
      expect(kills).toBeGreaterThanOrEqual(5);
      for (const edge of edges) expectDocumentedOnce(edge, results.get(incidentWorkflowId(ref(edge)))!);
      await kill(worker);
    } finally {
      sandboxes.bruin.setBruinFaults({});
      for (const edge of edges) setEdgeState(sandboxes, edge, 'CONNECTED');
      await client.connection.close();
    }
  });

  it('the Temporal server stopped while incidents wait on their timer and started again from its database: each resolved once', async () => {
    const edges = pickEdges(sandboxes, 'customer', 5).slice(3);
    const dir = join(runDir(), `incident-restart-${randomUUID()}`);
    const dbFile = join(dir, 'temporal.db');
    const port = await freePort();
    const serverOptions = { port, headless: true, dbFile, logFile: join(dir, 'server.log') };
    let server: DevServer | undefined = await startDevServer(serverOptions);
    const taskQueue = `incident-restart-${randomUUID()}`;
    // The test's own server: no payload codec on either side.
    const env = {
      ...sandboxes.env,
      AUTOMATION_MODE: 'production',
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      TEMPORAL_CODEC_KEYS: '',
      BRUIN_WRITE_SETTLE: '3s',
      INCIDENT_RECHECK_INTERVAL: '20s',
      WORKFLOW_BUNDLE_PATH: workflowBundlePath(),
    };
    const connect = async () => new Client({ connection: await Connection.connect({ address: server!.address }) });
    let client = await connect();
    let worker: WorkerProcess | undefined;
    try {
      for (const edge of edges) setEdgeState(sandboxes, edge, 'OFFLINE');
      worker = await startWorker(env);
      for (const edge of edges) {
        await client.workflow.start('outageIncidentWorkflow', { taskQueue, workflowId: incidentWorkflowId(ref(edge)), args: [incidentInput(edge, 20_000, 3_000)] });
      }
      // Documented and waiting on the 20 s timer.
      for (const end = Date.now() + 60_000; !edges.every((e) => vooTickets(e)[0]?.severity === 2); await sleep(200)) {
        if (Date.now() > end) throw new Error('incidents not documented within 60 s');
      }
      const before = edges.map((e) => vooTickets(e)[0]!.notes.length);

      await client.connection.close();
      await server.stop();
      server = undefined;
      // The edges come back while the server is down; nothing can happen until it is up again.
      for (const edge of edges) setEdgeState(sandboxes, edge, 'CONNECTED');
      await sleep(3_000);
      expect(edges.map((e) => vooTickets(e)[0]!.notes.length)).toEqual(before);

      server = await startDevServer(serverOptions);
      client = await connect();
      // The worker reconnects by itself; should it have given up while the server was away, a new one takes over.
      if (worker.child.exitCode !== null || worker.child.signalCode !== null) worker = await startWorker(env);
      for (const edge of edges) {
        const result = (await client.workflow.getHandle(incidentWorkflowId(ref(edge))).result()) as IncidentResult;
        expectDocumentedOnce(edge, result);
      }
    } finally {
      for (const edge of edges) setEdgeState(sandboxes, edge, 'CONNECTED');
      if (worker) await kill(worker);
      await client.connection.close().catch(() => undefined);
      await server?.stop();
    }
  });
});
