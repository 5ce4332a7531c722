/**
 * One ticket per trouble and one note per event against a Bruin as slow and as strict as the real
 * one: writes answered after 15 s, writes that outlive the client's call and land later, and
 * troubles already ticketed by the system this engine replaces.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { ServiceAffectingResult } from '../../workflows/service-affecting';
import { startMonitoredFleet, type MonitoredFleet } from '../support/monitored-fleet';
import { startTestWorker } from '../support/temporal';
import type { TruthEdge } from '../../sandbox/velocloud';

jest.setTimeout(300_000);

let fleet: MonitoredFleet;
beforeAll(async () => {
  fleet = await startMonitoredFleet(13);
  expect(fleet.edges.length).toBeGreaterThanOrEqual(4);
});
afterAll(async () => fleet.stop());
beforeEach(() => {
  fleet.bruin.reset();
  fleet.slack.clearMessages();
});

async function scan(client: Client, taskQueue: string): Promise<ServiceAffectingResult> {
  return (await client.workflow.execute('serviceAffectingMonitorWorkflow', {
    taskQueue,
    workflowId: `service-affecting-monitor-${randomUUID()}`,
    args: [],
  })) as ServiceAffectingResult;
}

const vasTickets = (edge: TruthEdge) => fleet.bruin.allTickets().filter((t) => t.topic === 'VAS' && t.details.some((d) => d.detailValue === edge.serialNumber));

/** Tickets beyond one per edge, and notes beyond one per ticket: what a duplicate costs the NOC. */
function duplicates(edges: TruthEdge[]): { tickets: number; notes: number } {
  let tickets = 0;
  let notes = 0;
  for (const edge of edges) {
    const found = vasTickets(edge);
    tickets += Math.max(0, found.length - 1);
    notes += found.reduce((n, t) => n + Math.max(0, t.notes.length - 1), 0);
  }
  return { tickets, notes };
}

function troubled(count: number): TruthEdge[] {
  const edges = fleet.edges.slice(0, count);
  for (const edge of edges) fleet.vco.setLink(edge.id, 'GE1', { bestLatencyMsRx: 80 });
  return edges;
}

function heal(edges: TruthEdge[]): void {
  for (const edge of edges) fleet.vco.setLink(edge.id, 'GE1', { bestLatencyMsRx: 20 });
}

describe('P3 against a slow Bruin', () => {
  it.each([
    ['answered after 15 s (within one call)', 15, 20],
    ['answered after 24 s, landing only then (past the 20 s call timeout: the attempt gives up, the retry waits for it)', 24, 30],
  ])('Bruin writes %s → 0 duplicate tickets and notes', async (_what, seconds, settle) => {
    const edges = troubled(3);
    fleet.bruin.setBruinFaults({ answerAfterSeconds: { create: seconds, note: seconds }, writesLand: 'after-wait' });
    const env = await startTestWorker({ env: fleet.env(edges, { AUTOMATION_MODE: 'production', BRUIN_WRITE_SETTLE: `${settle}s` }) });
    try {
      const result = await scan(env.client, env.taskQueue);
      expect(result).toMatchObject({ devices: 3, troubles: 3, outcomes: { ticketed: 3 } });
      const found = duplicates(edges);
      process.stdout.write(`Bruin writes after ${seconds} s: ${found.tickets} duplicate tickets, ${found.notes} duplicate notes for 3 troubles\n`);
      expect(found).toEqual({ tickets: 0, notes: 0 });
      for (const edge of edges) expect(vasTickets(edge)).toEqual([expect.objectContaining({ notes: [expect.anything()] })]);
      expect(fleet.slack.messages()).toHaveLength(3);

      // The next scan finds every trouble noted: nothing new.
      fleet.bruin.setBruinFaults({});
      expect(await scan(env.client, env.taskQueue)).toMatchObject({ outcomes: { 'already-ticketed': 3 } });
      expect(duplicates(edges)).toEqual({ tickets: 0, notes: 0 });
    } finally {
      await env.stop();
      heal(edges);
    }
  });
});

describe('P3 and the system it replaces', () => {
  it('an old-format note (marker and Trouble only) → no new ticket, no note, no Slack post', async () => {
    const [edge] = troubled(1);
    const [old] = fleet.bruin.seedTickets({
      clientId: fleet.clientIdOf(edge!),
      topic: 'VAS',
      ticketStatus: 'InProgress',
      details: [edge!.serialNumber],
      notes: ['#*Automation Engine*#\nTrouble: Latency\n'],
    });
    const env = await startTestWorker({ env: fleet.env([edge!], { AUTOMATION_MODE: 'production' }) });
    try {
      expect(await scan(env.client, env.taskQueue)).toMatchObject({ outcomes: { 'already-ticketed': 1 } });
      expect(vasTickets(edge!).map((t) => t.ticketId)).toEqual([old!.ticketId]);
      expect(fleet.bruin.ticket(old!.ticketId)!.notes).toHaveLength(1);
      expect(fleet.slack.messages()).toEqual([]);
    } finally {
      await env.stop();
      heal([edge!]);
    }
  });

  it('tickets found through answers full of nulls and 5xx/401 every few calls still get one ticket per trouble', async () => {
    const edges = troubled(2);
    fleet.bruin.setBruinFaults({ nullUnusedFields: true, errorEveryNth: { n: 7, status: 503 } });
    const env = await startTestWorker({ env: fleet.env(edges, { AUTOMATION_MODE: 'production', BRUIN_WRITE_SETTLE: '3s' }) });
    try {
      expect(await scan(env.client, env.taskQueue)).toMatchObject({ outcomes: { ticketed: 2 } });
      fleet.bruin.setBruinFaults({ nullUnusedFields: true, errorEveryNth: { n: 3, status: 401 } });
      expect(await scan(env.client, env.taskQueue)).toMatchObject({ outcomes: { 'already-ticketed': 2 } });
      expect(duplicates(edges)).toEqual({ tickets: 0, notes: 0 });
      for (const edge of edges) expect(vasTickets(edge)).toHaveLength(1);
    } finally {
      await env.stop();
      heal(edges);
    }
  });
});
