/**
 * P4 against the sandboxes on a real Temporal server: the first triage note (with T7's top
 * prediction, or "unavailable" when T7 is down), event notes split at 1,000 characters that never
 * repeat an event, a Slack post per append, and dry-run e-mails instead of Bruin notes.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { noteFields } from '../../domain/engine-notes';
import { NOTE_LIMIT } from '../../domain/triage-notes';
import type { TruthEdge } from '../../sandbox/velocloud';
import type { OutageTriageResult } from '../../workflows/outage-triage';
import { startMonitoredFleet, type MonitoredFleet } from '../support/monitored-fleet';
import { recordHistory, startTestWorker } from '../support/temporal';

const MINUTE = 60_000;

let fleet: MonitoredFleet;
let edge: TruthEdge;
beforeAll(async () => {
  fleet = await startMonitoredFleet(13);
  edge = fleet.edges[0]!;
  fleet.vco.setEdgeState(edge.id, 'OFFLINE');
  fleet.vco.setLink(edge.id, 'GE1', { state: 'DISCONNECTED' });
});
afterAll(async () => fleet.stop());
beforeEach(() => {
  fleet.bruin.clearTickets();
  fleet.slack.clearMessages();
  fleet.smtp.clear();
  fleet.t7.setFaults({});
});

async function triage(client: Client, taskQueue: string, workflowId = `outage-triage-run-${randomUUID()}`): Promise<OutageTriageResult> {
  return (await client.workflow.execute('outageTriageWorkflow', { taskQueue, workflowId, args: [] })) as OutageTriageResult;
}

function seedOutageTicket(notes: string[] = []): number {
  const [ticket] = fleet.bruin.seedTickets({ clientId: fleet.clientIdOf(edge), topic: 'VOO', details: [edge.serialNumber], notes });
  return ticket!.ticketId;
}

describe('outage ticket triage (production)', () => {
  it('appends the first triage note with T7 top prediction, posts it to Slack, and waits before the next', async () => {
    const ticketId = seedOutageTicket(['Customer called: store is down']);
    fleet.t7.setPredictions(ticketId, [{ asset: edge.serialNumber, predictions: [{ name: 'Refer To ISP', probability: 0.35 }, { name: 'Dispatch Tech On Site', probability: 0.61 }] }]);
    const env = await startTestWorker({ env: fleet.env([edge], { AUTOMATION_MODE: 'production' }) });
    try {
      const workflowId = `outage-triage-run-${randomUUID()}`;
      expect(await triage(env.client, env.taskQueue, workflowId)).toEqual({ tickets: 1, firstNotes: 1, eventNotes: 0, failed: 0 });
      await recordHistory(env.client, workflowId, 'outage-triage');
      await recordHistory(env.client, `outage-triage-${ticketId}`, 'outage-triage-ticket');

      const notes = fleet.bruin.ticket(ticketId)!.notes;
      expect(notes).toHaveLength(2);
      const fields = noteFields(notes[1]!.noteValue);
      expect(notes[1]!.noteValue.startsWith('#*Automation Engine*#\nTriage (VeloCloud)\n')).toBe(true);
      expect(Object.fromEntries(fields)).toMatchObject({
        'Orchestrator Instance': fleet.vco.hostName,
        'Edge Name': edge.name,
        'Edge Status': 'OFFLINE',
        'Interface GE1 Status': 'DISCONNECTED',
        'T7 Prediction': 'Dispatch Tech On Site (61% probability)',
      });
      expect(fields.get('Links')).toContain(`/monitor/edge/${edge.id}/qoe/`);
      expect(fields.get('TimeStamp')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}-0[45]:00$/);
      expect(fleet.slack.messages()).toHaveLength(1);
      expect(JSON.stringify(fleet.slack.messages()[0]!.blocks)).toContain(`#${ticketId}`);

      // Under 30 minutes old: the next run adds nothing.
      expect(await triage(env.client, env.taskQueue)).toMatchObject({ firstNotes: 0, eventNotes: 0 });
      expect(fleet.bruin.ticket(ticketId)!.notes).toHaveLength(2);
    } finally {
      await env.stop();
    }
  });

  it('still triages when T7 is down, saying the prediction was unavailable', async () => {
    const ticketId = seedOutageTicket();
    fleet.t7.setFaults({ errorRate: 1, errorStatus: 503 });
    const env = await startTestWorker({ env: fleet.env([edge], { AUTOMATION_MODE: 'production' }) });
    try {
      expect(await triage(env.client, env.taskQueue)).toMatchObject({ firstNotes: 1, failed: 0 });
      const [note] = fleet.bruin.ticket(ticketId)!.notes;
      expect(noteFields(note!.noteValue).get('T7 Prediction')).toBe('unavailable (T7 did not answer)');
    } finally {
      await env.stop();
    }
  });

  it('appends events since the last timestamp in notes of at most 1,000 characters, never the same event twice', async () => {
    const start = Date.now() - 3 * 60 * MINUTE;
    const triaged = new Date(start).toISOString();
    const ticketId = seedOutageTicket([`#*Automation Engine*#\nTriage (VeloCloud)\nEdge Name: x\nTimeStamp: ${triaged}`]);
    const events = Array.from({ length: 30 }, (_, i) => ({
      event: i % 2 ? 'LINK_ALIVE' : 'LINK_DEAD',
      interface: i % 4 < 2 ? 'GE1' : 'GE2',
      eventTime: new Date(start + (i + 1) * MINUTE).toISOString(),
    }));
    fleet.vco.addEvents(edge.id, [...events, { event: 'EDGE_DOWN', eventTime: new Date(start - MINUTE).toISOString() }]);
    const env = await startTestWorker({ env: fleet.env([edge], { AUTOMATION_MODE: 'production' }) });
    try {
      expect(await triage(env.client, env.taskQueue)).toMatchObject({ eventNotes: 1 });
      const appended = fleet.bruin.ticket(ticketId)!.notes.slice(1).map((n) => n.noteValue);
      expect(appended).toHaveLength(3);
      const times = appended.flatMap((n) => [...n.matchAll(/^Time: (.+)$/gm)].map((m) => Date.parse(m[1]!)));
      expect(times).toEqual(events.map((e) => Date.parse(e.eventTime)));
      for (const note of appended) {
        expect(note.length).toBeLessThanOrEqual(NOTE_LIMIT);
        expect(note).toMatch(/\nTimeStamp: \S+$/);
      }
      expect(fleet.slack.messages()).toHaveLength(3);

      // Nothing new: nothing appended. One new event: one note with only it.
      expect(await triage(env.client, env.taskQueue)).toMatchObject({ eventNotes: 0 });
      fleet.vco.addEvents(edge.id, [{ event: 'EDGE_UP', eventTime: new Date(start + 90 * MINUTE).toISOString() }]);
      await triage(env.client, env.taskQueue);
      const all = fleet.bruin.ticket(ticketId)!.notes;
      expect(all).toHaveLength(5);
      expect(all[4]!.noteValue.match(/New event:/g)).toHaveLength(1);
      expect(all[4]!.noteValue).toContain('New event: EDGE_UP');
    } finally {
      await env.stop();
    }
  });
});

describe('outage ticket triage (dry run)', () => {
  it('e-mails the triage note and writes nothing to Bruin', async () => {
    const ticketId = seedOutageTicket();
    const env = await startTestWorker({ env: fleet.env([edge], { AUTOMATION_MODE: 'dry-run' }) });
    try {
      expect(await triage(env.client, env.taskQueue)).toMatchObject({ dryRun: { started: 1, alreadySent: 0 } });
      expect(fleet.bruin.ticket(ticketId)!.notes).toEqual([]);
      const [mail] = await fleet.smtp.waitForMessages(1, 10_000);
      expect(mail!.subject).toBe(`[DRY RUN] Outage triage of ticket ${ticketId}: ${edge.name} (${edge.serialNumber})`);
      expect(mail!.text).toContain('#*Automation Engine*#\nTriage (VeloCloud)');
      expect(fleet.slack.messages()).toEqual([]);

      // Nothing was written to Bruin, yet the next run knows the note went out and sends nothing more.
      expect(await triage(env.client, env.taskQueue)).toMatchObject({ dryRun: { started: 0, alreadySent: 1 } });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(fleet.smtp.messages()).toHaveLength(1);
      await env.client.workflow.getHandle(`dry-run-outage-triage-${ticketId}`).terminate('test over');
    } finally {
      await env.stop();
    }
  });
});
