/**
 * P3's later troubles on a real Temporal server (production mode): jitter, bandwidth
 * over-utilisation and circuit instability each get one VAS ticket and one note naming them, even
 * on repeated scans; a recovered device's VAS ticket is auto-resolved once under the outage
 * incidents' rules, and one the engine did not open is left open.
 */
import { randomUUID } from 'node:crypto';
import { isEngineNote } from '../../domain/engine-notes';
import { RESOLVE_NOTE_TITLE } from '../../domain/incidents';
import { noteNamesTrouble, type TroubleKind } from '../../domain/service-affecting';
import type { TruthEdge } from '../../sandbox/velocloud';
import type { ServiceAffectingResult } from '../../workflows/service-affecting';
import { startMonitoredFleet, type MonitoredFleet } from '../support/monitored-fleet';
import { recordHistory, startTestWorker, type TestWorker } from '../support/temporal';

jest.setTimeout(180_000);

const MIN = 60_000;
let fleet: MonitoredFleet;
beforeAll(async () => {
  fleet = await startMonitoredFleet(11);
  expect(fleet.edges.length).toBeGreaterThanOrEqual(4);
});
afterAll(async () => fleet.stop());
beforeEach(() => {
  fleet.bruin.clearTickets();
  fleet.slack.clearMessages();
});

async function scan(worker: TestWorker, workflowId = `service-affecting-monitor-${randomUUID()}`): Promise<ServiceAffectingResult> {
  return (await worker.client.workflow.execute('serviceAffectingMonitorWorkflow', { taskQueue: worker.taskQueue, workflowId, args: [] })) as ServiceAffectingResult;
}
const vasTickets = (edge: TruthEdge) => fleet.bruin.allTickets().filter((t) => t.topic === 'VAS' && t.details.some((d) => d.detailValue === edge.serialNumber));
const namedIn = (edge: TruthEdge, kind: TroubleKind) => vasTickets(edge).flatMap((t) => t.notes).filter((n) => noteNamesTrouble(n.noteValue, { kind }));
const linkDeadEvents = (count: number, link: string) =>
  Array.from({ length: count }, (_, i) => ({ event: 'LINK_DEAD', interface: link, eventTime: new Date(Date.now() - (i + 1) * 2 * MIN).toISOString() }));
const HEALTHY_LINK = { bestLatencyMsRx: 20, bestLatencyMsTx: 20, bestLossPctRx: 0, bestLossPctTx: 0, bestJitterMsRx: 3, bestJitterMsTx: 3, bytesRx: 1_000_000, bytesTx: 1_000_000, bpsOfBestPathRx: 100_000_000, bpsOfBestPathTx: 100_000_000 };

describe('P3 jitter, bandwidth and circuit instability (production)', () => {
  it('tickets each new trouble once, with a note naming it, and leaves the old troubles alone', async () => {
    const [jittery, saturated, unstable, calm] = fleet.edges;
    for (const edge of [jittery!, saturated!, unstable!, calm!]) for (const link of ['GE1', 'GE2']) fleet.vco.setLink(edge.id, link, HEALTHY_LINK);
    fleet.vco.setLink(jittery!.id, 'GE1', { bestJitterMsTx: 50.5 });
    fleet.vco.setLink(calm!.id, 'GE1', { bestJitterMsRx: 50, bestJitterMsTx: 50 });
    // 30 min look-back: 3.3 GB over 1,800 s is 14.7 Mbit/s, 147 % of a 10 Mbit/s path.
    fleet.vco.setLink(saturated!.id, 'GE2', { bytesRx: 3_300_000_000, bpsOfBestPathRx: 10_000_000 });
    fleet.vco.addEvents(unstable!.id, linkDeadEvents(10, 'GE1'));
    fleet.vco.addEvents(calm!.id, linkDeadEvents(9, 'GE2'));
    const worker = await startTestWorker({ env: fleet.env([jittery!, saturated!, unstable!, calm!], { AUTOMATION_MODE: 'production' }) });
    try {
      const workflowId = `service-affecting-monitor-${randomUUID()}`;
      expect(await scan(worker, workflowId)).toEqual({ devices: 4, troubles: 3, outcomes: { ticketed: 3, healthy: 1 } });
      await recordHistory(worker.client, workflowId, 'service-affecting-monitor-troubles');
      const expected: [TruthEdge, TroubleKind, string][] = [
        [jittery!, 'Jitter', 'Output: 50.5 ms'],
        [saturated!, 'Bandwidth Over Utilization', 'Input: 146.67%'],
        [unstable!, 'Circuit Instability', 'Input: 10 LINK_DEAD events'],
      ];
      for (const [edge, kind, value] of expected) {
        expect(vasTickets(edge)).toHaveLength(1);
        const notes = namedIn(edge, kind);
        expect(notes).toHaveLength(1);
        expect(notes[0]!.noteValue).toContain(value);
        for (const other of ['Latency', 'Packet Loss', 'Jitter', 'Bandwidth Over Utilization', 'Circuit Instability'] as const) {
          if (other !== kind) expect(namedIn(edge, other)).toEqual([]);
        }
      }
      expect(vasTickets(calm!)).toEqual([]);
      expect(fleet.slack.messages()).toHaveLength(3);

      // Scanned again: every trouble is noted already, nothing new anywhere.
      expect(await scan(worker)).toEqual({ devices: 4, troubles: 3, outcomes: { 'already-ticketed': 3, healthy: 1 } });
      expect(fleet.bruin.allTickets().filter((t) => t.topic === 'VAS')).toHaveLength(3);
      expect(fleet.bruin.allTickets().flatMap((t) => t.notes)).toHaveLength(3);
      expect(fleet.slack.messages()).toHaveLength(3);
    } finally {
      await worker.stop();
      for (const edge of [jittery!, saturated!, unstable!, calm!]) for (const link of ['GE1', 'GE2']) fleet.vco.setLink(edge.id, link, HEALTHY_LINK);
    }
  });
});

describe('VAS auto-resolve (production)', () => {
  it('resolves the engine’s VAS ticket of a recovered device once, and leaves one it did not open', async () => {
    const [recovering, foreign] = fleet.edges.slice(4);
    expect(foreign).toBeDefined();
    for (const edge of [recovering!, foreign!]) for (const link of ['GE1', 'GE2']) fleet.vco.setLink(edge.id, link, HEALTHY_LINK);
    fleet.vco.setLink(recovering!.id, 'GE1', { bestJitterMsRx: 80 });
    const worker = await startTestWorker({ env: fleet.env([recovering!, foreign!], { AUTOMATION_MODE: 'production', BRUIN_WRITE_SETTLE: '2s' }) });
    try {
      expect(await scan(worker)).toEqual({ devices: 2, troubles: 1, outcomes: { ticketed: 1, healthy: 1 } });
      const [ticket] = vasTickets(recovering!);
      expect(ticket!.createdBy).toBe(worker.config.incidents.engineCreator);
      // Someone else's VAS ticket on the other device, with an engine trouble note on it.
      const [theirs] = fleet.bruin.seedTickets({
        clientId: fleet.clientIdOf(foreign!),
        topic: 'VAS',
        ticketStatus: 'InProgress',
        createdBy: 'Jane NOC',
        details: [foreign!.serialNumber],
        notes: [{ noteValue: '#*Automation Engine*#\nTrouble: Latency', createdDate: new Date().toISOString() }],
      });

      // Back within every limit (the sandbox answers the same metrics for every look-back).
      fleet.vco.setLink(recovering!.id, 'GE1', HEALTHY_LINK);
      const workflowId = `service-affecting-monitor-${randomUUID()}`;
      expect(await scan(worker, workflowId)).toEqual({ devices: 2, troubles: 0, outcomes: { 'auto-resolved': 1, 'left-open': 1 } });
      await recordHistory(worker.client, workflowId, 'service-affecting-monitor-auto-resolve');
      const after = fleet.bruin.ticket(ticket!.ticketId)!;
      expect(after.details.map((d) => d.detailStatus)).toEqual(['R']);
      expect(after.ticketStatus).toBe('Resolved');
      const resolves = after.notes.filter((n) => isEngineNote(n.noteValue) && n.noteValue.split('\n')[1] === RESOLVE_NOTE_TITLE);
      expect(resolves).toHaveLength(1);
      expect(resolves[0]!.noteValue).toContain(`Serial: ${recovering!.serialNumber}`);
      expect(fleet.bruin.ticket(theirs!.ticketId)!.details.map((d) => d.detailStatus)).toEqual(['O']);

      // The next scan finds nothing open of the engine's to resolve: no second resolve note.
      expect(await scan(worker)).toEqual({ devices: 2, troubles: 0, outcomes: { healthy: 1, 'left-open': 1 } });
      expect(fleet.bruin.ticket(ticket!.ticketId)!.notes).toHaveLength(after.notes.length);

      // The trouble comes back: a fresh ticket (the resolved one is not open any more).
      fleet.vco.setLink(recovering!.id, 'GE1', { bestJitterMsRx: 80 });
      expect(await scan(worker)).toMatchObject({ outcomes: { ticketed: 1 } });
      expect(vasTickets(recovering!)).toHaveLength(2);
    } finally {
      await worker.stop();
      for (const edge of [recovering!, foreign!]) for (const link of ['GE1', 'GE2']) fleet.vco.setLink(edge.id, link, HEALTHY_LINK);
    }
  });

  it('does not resolve while LINK_DEAD events are 4 or more in the instability look-back', async () => {
    const edge = fleet.edges[6] ?? fleet.edges[0]!;
    for (const link of ['GE1', 'GE2']) fleet.vco.setLink(edge.id, link, { ...HEALTHY_LINK, bestLatencyMsRx: 70 });
    const worker = await startTestWorker({ env: fleet.env([edge], { AUTOMATION_MODE: 'production', BRUIN_WRITE_SETTLE: '2s' }) });
    try {
      expect(await scan(worker)).toMatchObject({ outcomes: { ticketed: 1 } });
      for (const link of ['GE1', 'GE2']) fleet.vco.setLink(edge.id, link, HEALTHY_LINK);
      fleet.vco.addEvents(edge.id, linkDeadEvents(4, 'GE2'));
      expect(await scan(worker)).toEqual({ devices: 1, troubles: 0, outcomes: { healthy: 1 } });
      expect(vasTickets(edge)[0]!.details.map((d) => d.detailStatus)).toEqual(['O']);
    } finally {
      await worker.stop();
    }
  });
});
