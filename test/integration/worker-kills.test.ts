/**
 * The promise that Temporal makes every side effect happen once, tested the hard way: the real
 * worker process SIGKILLed ten times while P2, P3 and P4 run, at random moments and right after
 * an outside write landed but before its answer came back. What people would see is counted:
 * tickets and notes in Bruin, messages in Slack, and (production mode) one outage incident's VOO
 * ticket per edge in outage.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { incidentWorkflowId } from '../../activities/incidents';
import { outageReportWorkflowId, quarantineWorkflowId } from '../../activities/outages';
import { isEngineNote } from '../../domain/engine-notes';
import type { TruthEdge } from '../../sandbox/velocloud';
import type { OutageDetectorResult } from '../../workflows/outage-monitor';
import { startMonitoredFleet, type MonitoredFleet } from '../support/monitored-fleet';
import { testAddress, testClient } from '../support/temporal';
import { workflowBundlePath } from '../support/paths';
import { spawnWorker, type WorkerProcess } from '../support/worker-process';

jest.setTimeout(600_000);

const KILLS = 10;

let fleet: MonitoredFleet;
let client: Client;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  fleet = await startMonitoredFleet(17);
  client = await testClient();
  expect(fleet.edges.length).toBeGreaterThanOrEqual(10);
});

afterAll(async () => {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  await client?.connection.close();
  await fleet?.stop();
});

/** A small deterministic random source, so a failing run can be repeated. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

type TroubleKind = 'Latency' | 'Packet Loss';
const TROUBLE_METRICS: Record<TroubleKind, [healthy: object, troubled: object]> = {
  Latency: [{ bestLatencyMsRx: 20 }, { bestLatencyMsRx: 90 }],
  'Packet Loss': [{ bestLossPctRx: 0 }, { bestLossPctRx: 12 }],
};

interface Scenario {
  taskQueue: string;
  env: Record<string, string>;
  /** Monitored edges P3 may find in trouble. */
  monitored: TruthEdge[];
  /** Troubles made so far, each expected once in Bruin and Slack. */
  troubles: { edge: TruthEdge; kind: TroubleKind }[];
  triaged: { edge: TruthEdge; ticketId: number }[];
  down: TruthEdge[];
}

/** Monitored edges for P3, open VOO tickets (P4) on two more, outages (P2) on three edges nobody monitors. */
function scenario(): Scenario {
  fleet.bruin.reset();
  fleet.slack.clearMessages();
  fleet.smtp.clear();
  const down = fleet.edges.slice(0, 3);
  for (const edge of down) fleet.vco.setEdgeState(edge.id, 'OFFLINE');
  const triaged = fleet.edges.slice(3, 5).map((edge) => {
    const [ticket] = fleet.bruin.seedTickets({ clientId: fleet.clientIdOf(edge), topic: 'VOO', ticketStatus: 'InProgress', details: [edge.serialNumber] });
    return { edge, ticketId: ticket!.ticketId };
  });
  const monitored = fleet.edges.slice(5);
  const taskQueue = `kills-${randomUUID()}`;
  const env = fleet.env([...monitored, ...triaged.map((t) => t.edge)], {
    AUTOMATION_MODE: 'production',
    TEMPORAL_ADDRESS: testAddress(),
    TEMPORAL_TASK_QUEUE: taskQueue,
    OUTAGE_QUARANTINE: '4s',
    BRUIN_WRITE_SETTLE: '6s',
    EMAIL_FROM: 'engine@example.com',
    REPORT_RECIPIENTS: 'noc@example.com',
    WORKFLOW_BUNDLE_PATH: workflowBundlePath(),
  });
  return { taskQueue, env, monitored, troubles: [], triaged, down };
}

/** Puts GE1 of these edges in trouble of this kind. */
function makeTroubles(s: Scenario, edges: TruthEdge[], kind: TroubleKind): void {
  for (const edge of edges) {
    fleet.vco.setLink(edge.id, 'GE1', TROUBLE_METRICS[kind][1]);
    s.troubles.push({ edge, kind });
  }
}

function restore(s: Scenario): void {
  for (const { edge, kind } of s.troubles) fleet.vco.setLink(edge.id, 'GE1', TROUBLE_METRICS[kind][0]);
  for (const edge of s.down) fleet.vco.setEdgeState(edge.id, 'CONNECTED');
  fleet.bruin.setBruinFaults({});
  fleet.slack.setSlackFaults({ holdAnswerAfterCommitMs: 0 });
}

/** Starts the real worker process; a start that fails (a free port taken meanwhile) is tried again. */
async function startWorker(env: Record<string, string>, tries = 3): Promise<WorkerProcess> {
  const worker = await spawnWorker(env);
  workers.push(worker);
  try {
    await worker.waitUntilReady(90_000);
    return worker;
  } catch (error) {
    worker.child.kill('SIGKILL');
    if (tries <= 1) throw error;
    process.stdout.write(`worker start failed, trying again: ${(error as Error).message.slice(0, 500)}\n`);
    return startWorker(env, tries - 1);
  }
}

async function kill(worker: WorkerProcess): Promise<void> {
  worker.child.kill('SIGKILL');
  await worker.exited;
}

function start(s: Scenario, type: string, args: unknown[] = []): Promise<WorkflowHandle> {
  return client.workflow.start(type, { taskQueue: s.taskQueue, workflowId: `${type}-${randomUUID()}`, args });
}

const vasTickets = (edge: TruthEdge) =>
  fleet.bruin.allTickets().filter((t) => t.topic === 'VAS' && t.details.some((d) => d.detailValue === edge.serialNumber));

/** What people would see twice: tickets and notes beyond one per trouble, Slack messages posted twice. */
function repeats(s: Scenario): { tickets: number; notes: number; slack: number } {
  const edges = new Set(s.troubles.map((t) => t.edge));
  let tickets = 0;
  let notes = 0;
  for (const edge of edges) {
    const kinds = s.troubles.filter((t) => t.edge === edge).length;
    const vas = vasTickets(edge);
    tickets += Math.max(0, vas.length - kinds);
    notes += vas.reduce((n, t) => n + Math.max(0, t.notes.length - 1), 0);
  }
  for (const { ticketId } of s.triaged) notes += Math.max(0, (fleet.bruin.ticket(ticketId)?.notes.length ?? 0) - 1);
  // Outage incidents: one VOO ticket per edge in outage, no engine note written twice.
  for (const serial of serialsInOutage()) {
    const voo = vooTickets(serial);
    tickets += Math.max(0, voo.length - 1);
    for (const ticket of voo) {
      const texts = ticket.notes.map((n) => n.noteValue).filter(isEngineNote);
      notes += texts.length - new Set(texts).size;
    }
  }
  const texts = fleet.slack.messages().map((m) => m.text);
  return { tickets, notes, slack: texts.length - new Set(texts).size };
}

/** Every thing written exactly once: a VAS ticket with one note per trouble, one triage note per VOO ticket, one post each. */
function expectEachOnce(s: Scenario): void {
  for (const { edge, kind } of s.troubles) {
    const named = vasTickets(edge).filter((t) => t.notes.some((n) => n.noteValue.includes(`Trouble: ${kind}`)));
    expect(named).toHaveLength(1);
    expect(named[0]!.notes).toHaveLength(1);
  }
  for (const { ticketId } of s.triaged) expect(fleet.bruin.ticket(ticketId)!.notes).toHaveLength(1);
  expect(fleet.slack.messages()).toHaveLength(s.troubles.length + s.triaged.length);
}

const vooTickets = (serial: string) => fleet.bruin.allTickets().filter((t) => t.topic === 'VOO' && t.details.some((d) => d.detailValue === serial));

/**
 * The serials that must end up ticketed by an outage incident (production mode), from the sandbox's truth: edges of customer enterprises
 * that are OFFLINE or have a counted link DISCONNECTED (our three, and any the fleet came with).
 */
function serialsInOutage(): string[] {
  const truth = fleet.vco.fleetTruth();
  const customers = new Set(truth.enterprises.filter((e) => e.clientId).map((e) => e.id));
  return truth.edges
    .filter((e) => customers.has(e.enterpriseId) && e.serialNumber)
    .filter((e) => e.edgeState === 'OFFLINE' || e.links.some((l) => l.backupState !== 'STANDBY' && l.state === 'DISCONNECTED'))
    .map((e) => e.serialNumber)
    .sort();
}

/** Edges of customer enterprises in outage, by VCO ids (their incidents' ids). */
function edgesInOutage(): TruthEdge[] {
  const serials = new Set(serialsInOutage());
  return fleet.vco.fleetTruth().edges.filter((e) => serials.has(e.serialNumber));
}

/**
 * Waits for the runs and every quarantine the detector started. In production an edge still in
 * outage after its quarantine becomes an outage incident (not an e-mailed report line): waits until
 * each such edge's incident has documented its VOO ticket, then stops the incidents (they would
 * re-check for recovery for as long as the edges stay down). Returns the serials ticketed so.
 */
async function finish(
  s: Scenario,
  detector: WorkflowHandle,
  others: WorkflowHandle[],
): Promise<{ detection: OutageDetectorResult; ticketedSerials: string[]; reportLines: string[] }> {
  const detection = (await detector.result()) as OutageDetectorResult;
  await Promise.all(others.map((run) => run.result()));
  for (const edge of s.down) {
    await client.workflow.getHandle(quarantineWorkflowId({ host: edge.host, enterpriseId: edge.enterpriseId, edgeId: edge.id })).result();
  }
  const expected = serialsInOutage();
  const ticketed = () => expected.filter((serial) => vooTickets(serial).some((t) => t.notes.some((n) => isEngineNote(n.noteValue))));
  for (const end = Date.now() + 180_000; ticketed().length < expected.length && Date.now() < end; ) await sleep(250);
  for (const edge of edgesInOutage()) {
    await client.workflow
      .getHandle(incidentWorkflowId({ host: edge.host, enterpriseId: edge.enterpriseId, edgeId: edge.id }))
      .terminate('test over')
      .catch(() => undefined);
  }
  // Each new incident's outage is also a line of P2's e-mailed report.
  await client.workflow.execute('outageReporterWorkflow', { taskQueue: s.taskQueue, workflowId: `reporter-${randomUUID()}` });
  const [mail] = await fleet.smtp.waitForMessages(1, 60_000);
  const csv = mail!.attachments.find((a) => a.filename.endsWith('.csv'))!.content;
  const reportLines = csv.split('\n').slice(1).filter((line) => line.trim());
  await client.workflow.getHandle(outageReportWorkflowId(s.taskQueue)).terminate('test over');
  return { detection, ticketedSerials: ticketed(), reportLines };
}

/** The serials of the report's lines, in order. */
const reportSerials = (lines: string[]) => lines.map((line) => line.split(',')[1]).sort();

describe('the worker SIGKILLed while P2, P3 and P4 run', () => {
  it(`at ${KILLS} random moments → 0 duplicates, 0 lost edges, every edge in outage ticketed once, the P2 report exact`, async () => {
    const s = scenario();
    makeTroubles(s, s.monitored.slice(0, 4), 'Latency');
    const random = seeded(20261129);
    try {
      let worker = await startWorker(s.env);
      const detector = await start(s, 'outageDetectorWorkflow', [{ chunkSize: 10 }]);
      const others = [await start(s, 'serviceAffectingMonitorWorkflow'), await start(s, 'outageTriageWorkflow')];
      for (let kills = 0; kills < KILLS; kills++) {
        await sleep(1_000 + random() * 3_000);
        await kill(worker);
        worker = await startWorker(s.env);
      }
      const { detection, ticketedSerials, reportLines } = await finish(s, detector, others);
      const found = repeats(s);
      process.stdout.write(
        `${KILLS} random SIGKILLs: repeats ${JSON.stringify(found)}, edges ${detection.processed}/${detection.listed} processed, ` +
          `${ticketedSerials.length} incident tickets and ${reportLines.length} report lines for ${serialsInOutage().length} edges in outage\n`,
      );
      expect(found).toEqual({ tickets: 0, notes: 0, slack: 0 });
      expectEachOnce(s);
      expect(detection).toMatchObject({ processed: detection.listed, failed: 0 });
      const expected = serialsInOutage();
      expect(expected).toEqual(expect.arrayContaining(s.down.map((e) => e.serialNumber)));
      expect(ticketedSerials).toEqual(expected);
      expect(reportSerials(reportLines)).toEqual(expected);
      await kill(worker);
    } finally {
      restore(s);
    }
  });

  it(`right after an outside write landed and before its answer, ${KILLS} times → 0 repeated tickets, notes and Slack messages`, async () => {
    const s = scenario();
    // Writes land at once and are answered 3 s later: a kill in between leaves the worker that
    // made the write without an answer, and the retry must find what it wrote.
    fleet.bruin.setBruinFaults({ answerAfterSeconds: { create: 3, note: 3 }, writesLand: 'before-wait' });
    fleet.slack.setSlackFaults({ holdAnswerAfterCommitMs: 3_000 });
    const written = () =>
      fleet.bruin.allTickets().reduce((n, t) => n + 1 + t.notes.length, 0) + fleet.slack.messages().length;
    // Rounds of new troubles, each a wave of tickets, then notes, then Slack posts, until the
    // worker has been killed often enough; P2 and P4 run beside the first round.
    const rounds = (['Latency', 'Packet Loss'] as const).flatMap((kind) =>
      Array.from({ length: Math.ceil(s.monitored.length / 2) }, (_, i) => ({ kind, edges: s.monitored.slice(2 * i, 2 * i + 2) })),
    );
    try {
      let worker = await startWorker(s.env);
      const detector = await start(s, 'outageDetectorWorkflow', [{ chunkSize: 10 }]);
      const others = [await start(s, 'outageTriageWorkflow')];
      let kills = 0;
      for (const round of rounds) {
        if (kills >= KILLS) break;
        makeTroubles(s, round.edges, round.kind);
        const scan = await start(s, 'serviceAffectingMonitorWorkflow');
        others.push(scan);
        let seen = written();
        let done = false;
        scan.result().then(
          () => (done = true),
          () => (done = true),
        );
        while (!done && kills < KILLS) {
          await sleep(25);
          if (written() === seen) continue;
          await kill(worker);
          kills += 1;
          worker = await startWorker(s.env);
          seen = written();
        }
        await scan.result();
      }
      const { ticketedSerials, reportLines } = await finish(s, detector, others);
      const found = repeats(s);
      process.stdout.write(`${kills} SIGKILLs between a write and its answer: repeats ${JSON.stringify(found)}\n`);
      expect(kills).toBe(KILLS);
      expect(found).toEqual({ tickets: 0, notes: 0, slack: 0 });
      expectEachOnce(s);
      expect(ticketedSerials).toEqual(serialsInOutage());
      expect(reportSerials(reportLines)).toEqual(serialsInOutage());
      await kill(worker);
    } finally {
      restore(s);
    }
  });
});
