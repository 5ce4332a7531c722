/**
 * P3 against the sandboxes on a real Temporal server: thresholds at and just above the limits,
 * one ticket and one note per trouble (even across repeated scans and a worker killed mid-write),
 * a ticket naming another trouble, and dry-run e-mails instead of Bruin writes.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { noteNamesTrouble, troubleWorkflowId } from '../../domain/service-affecting';
import type { ServiceAffectingResult, TroubleOutcome } from '../../workflows/service-affecting';
import { startCrashingWorker } from '../support/crash';
import { startMonitoredFleet, type MonitoredFleet } from '../support/monitored-fleet';
import { recordHistory, startTestWorker, testAddress, testClient } from '../support/temporal';
import type { TruthEdge } from '../../sandbox/velocloud';

jest.setTimeout(120_000);

let fleet: MonitoredFleet;
beforeAll(async () => {
  fleet = await startMonitoredFleet(11);
  expect(fleet.edges.length).toBeGreaterThanOrEqual(4);
});
afterAll(async () => fleet.stop());
beforeEach(() => {
  fleet.bruin.clearTickets();
  fleet.slack.clearMessages();
  fleet.smtp.clear();
});

async function scan(client: Client, taskQueue: string, id = `service-affecting-monitor-${randomUUID()}`): Promise<ServiceAffectingResult> {
  return (await client.workflow.execute('serviceAffectingMonitorWorkflow', { taskQueue, workflowId: id, args: [] })) as ServiceAffectingResult;
}

const vasTickets = (edge: TruthEdge) => fleet.bruin.allTickets().filter((t) => t.topic === 'VAS' && t.details.some((d) => d.detailValue === edge.serialNumber));

describe('service affecting monitor (production)', () => {
  it('tickets a wired link just above 50 ms once, leaves one exactly at 50 ms alone, and posts the ticket to Slack', async () => {
    const [above, at] = fleet.edges;
    fleet.vco.setLink(above!.id, 'GE1', { bestLatencyMsRx: 50.5 });
    fleet.vco.setLink(at!.id, 'GE1', { bestLatencyMsRx: 50, bestLatencyMsTx: 50, bestLossPctRx: 5, bestLossPctTx: 5 });
    const env = await startTestWorker({ env: fleet.env([above!, at!], { AUTOMATION_MODE: 'production' }) });
    try {
      const workflowId = `service-affecting-monitor-${randomUUID()}`;
      const result = await scan(env.client, env.taskQueue, workflowId);
      expect(result).toEqual({ devices: 2, troubles: 1, outcomes: { ticketed: 1, healthy: 1 } });
      await recordHistory(env.client, workflowId, 'service-affecting-monitor');
      const troubleId = troubleWorkflowId({ host: fleet.vco.hostName, enterpriseId: above!.enterpriseId, edgeId: above!.id }, { kind: 'Latency', interface: 'GE1' });
      await recordHistory(env.client, troubleId, 'service-affecting-trouble');

      const [ticket, ...others] = vasTickets(above!);
      expect(others).toEqual([]);
      expect(ticket).toMatchObject({ clientId: fleet.clientIdOf(above!), category: 'SD-WAN', topic: 'VAS' });
      expect(ticket!.notes).toHaveLength(1);
      expect(noteNamesTrouble(ticket!.notes[0]!.noteValue, { kind: 'Latency' })).toBe(true);
      expect(ticket!.notes[0]!.noteValue).toContain('Input: 50.5 ms');
      expect(vasTickets(at!)).toEqual([]);
      const posts = fleet.slack.messages();
      expect(posts).toHaveLength(1);
      expect(JSON.stringify(posts[0]!.blocks)).toContain(`https://app.bruin.com/t/${ticket!.ticketId}`);

      const description = await env.client.workflow.getHandle(troubleId).describe();
      const attributes = description.searchAttributes as Record<string, unknown[]>;
      expect(attributes.EdgeSerial).toEqual([above!.serialNumber]);
      expect(attributes.Process).toEqual(['service-affecting-monitor']);

      // The next scan finds the trouble already noted on the open ticket: nothing new anywhere.
      expect(await scan(env.client, env.taskQueue)).toMatchObject({ outcomes: { 'already-ticketed': 1, healthy: 1 } });
      expect(vasTickets(above!)).toHaveLength(1);
      expect(vasTickets(above!)[0]!.notes).toHaveLength(1);
      expect(fleet.slack.messages()).toHaveLength(1);
    } finally {
      await env.stop();
      fleet.vco.setLink(above!.id, 'GE1', { bestLatencyMsRx: 20 });
      fleet.vco.setLink(at!.id, 'GE1', { bestLatencyMsRx: 20, bestLatencyMsTx: 20, bestLossPctRx: 0, bestLossPctTx: 0 });
    }
  });

  it('opens a new ticket when the open VAS ticket names a different trouble', async () => {
    const edge = fleet.edges[1]!;
    fleet.vco.setLink(edge.id, 'GE2', { bestLossPctTx: 5.01 });
    const [existing] = fleet.bruin.seedTickets({
      clientId: fleet.clientIdOf(edge),
      topic: 'VAS',
      details: [edge.serialNumber],
      notes: ['#*Automation Engine*#\nEdge Name: x\nTrouble: Latency\nInterface: GE2'],
    });
    const env = await startTestWorker({ env: fleet.env([edge], { AUTOMATION_MODE: 'production' }) });
    try {
      expect(await scan(env.client, env.taskQueue)).toMatchObject({ outcomes: { ticketed: 1 } });
      const tickets = vasTickets(edge);
      expect(tickets).toHaveLength(2);
      const created = tickets.find((t) => t.ticketId !== existing!.ticketId)!;
      expect(created.notes).toHaveLength(1);
      expect(noteNamesTrouble(created.notes[0]!.noteValue, { kind: 'Packet Loss' })).toBe(true);
      expect(fleet.bruin.ticket(existing!.ticketId)!.notes).toHaveLength(1);
    } finally {
      await env.stop();
      fleet.vco.setLink(edge.id, 'GE2', { bestLossPctTx: 0 });
    }
  });
});

describe('service affecting monitor (dry run)', () => {
  it('writes nothing to Bruin and e-mails the would-be ticket and note instead', async () => {
    const edge = fleet.edges[2]!;
    fleet.vco.setLink(edge.id, 'GE1', { bestLatencyMsTx: 121 });
    const env = await startTestWorker({ env: fleet.env([edge], { AUTOMATION_MODE: 'dry-run' }) });
    try {
      expect(await scan(env.client, env.taskQueue)).toMatchObject({ outcomes: { 'dry-run': 1 } });
      expect(fleet.bruin.allTickets()).toEqual([]);
      const [mail] = await fleet.smtp.waitForMessages(1, 10_000);
      expect(mail!.subject).toBe(`[DRY RUN] Service affecting: Latency on GE1 of ${edge.name} (${edge.serialNumber})`);
      expect(mail!.text).toContain(`Service number: ${edge.serialNumber}`);
      expect(mail!.text).toContain('Contact (site): Site Manager <site@example.com>');
      expect(mail!.text).toContain('#*Automation Engine*#\nEdge Name: ');
      expect(mail!.text).toContain('Output: 121 ms');

      // The trouble lasts: the next scan knows it was e-mailed and sends nothing more.
      expect(await scan(env.client, env.taskQueue)).toMatchObject({ outcomes: { 'dry-run-already-sent': 1 } });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(fleet.smtp.messages()).toHaveLength(1);
      const held = env.client.workflow.getHandle(`dry-run-${troubleWorkflowId({ host: fleet.vco.hostName, enterpriseId: edge.enterpriseId, edgeId: edge.id }, { kind: 'Latency', interface: 'GE1' })}`);
      expect((await held.describe()).status.name).toBe('RUNNING');
      await held.terminate('test over');
    } finally {
      await env.stop();
      fleet.vco.setLink(edge.id, 'GE1', { bestLatencyMsTx: 20 });
    }
  });
});

describe('service affecting monitor survives a worker killed mid-write', () => {
  it.each([
    ['after Bruin created the ticket', 'createTroubleTicket', { ticketCreated: false, noteAppended: true }],
    ['after Bruin took the note', 'appendTroubleNote', { ticketCreated: true, noteAppended: false }],
  ])('%s: one ticket, one note', async (_case, crashAfter, expected) => {
    const edge = fleet.edges[3]!;
    fleet.vco.setLink(edge.id, 'GE1', { bestLossPctRx: 12 });
    const taskQueue = `crash-${randomUUID()}`;
    const env = fleet.env([edge], { AUTOMATION_MODE: 'production', TEMPORAL_ADDRESS: testAddress(), TEMPORAL_TASK_QUEUE: taskQueue,
      EMAIL_FROM: 'engine@example.com', REPORT_RECIPIENTS: 'noc@example.com' });
    const crashing = startCrashingWorker(env, crashAfter);
    const client = await testClient();
    try {
      const workflowId = `service-affecting-monitor-${randomUUID()}`;
      const handle = await client.workflow.start('serviceAffectingMonitorWorkflow', { taskQueue, workflowId, args: [] });
      expect(await crashing.exited).toBe('SIGKILL');
      expect(crashing.output()).toContain(`crashing after ${crashAfter}`);
      expect(vasTickets(edge)).toHaveLength(1);

      const survivor = await startTestWorker({ env });
      try {
        expect(await handle.result()).toMatchObject({ outcomes: { ticketed: 1 } });
        const troubleId = troubleWorkflowId({ host: fleet.vco.hostName, enterpriseId: edge.enterpriseId, edgeId: edge.id }, { kind: 'Packet Loss', interface: 'GE1' });
        const trouble = (await client.workflow.getHandle(troubleId).result()) as TroubleOutcome;
        expect(trouble).toMatchObject({ outcome: 'ticketed', created: expected.ticketCreated, noteAppended: expected.noteAppended });
      } finally {
        await survivor.stop();
      }
      const tickets = vasTickets(edge);
      expect(tickets).toHaveLength(1);
      expect(tickets[0]!.notes).toHaveLength(1);
      expect(noteNamesTrouble(tickets[0]!.notes[0]!.noteValue, { kind: 'Packet Loss' })).toBe(true);
    } finally {
      if (crashing.process.exitCode === null && crashing.process.signalCode === null) crashing.process.kill('SIGKILL');
      await client.connection.close();
      fleet.vco.setLink(edge.id, 'GE1', { bestLossPctRx: 0 });
    }
  });
});
