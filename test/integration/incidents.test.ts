/**
 * Outage incidents on a real Temporal server (production mode): one incident per errorCode branch of
 * Bruin's repair call, from detection to auto-resolve or to its refusal, with a second detection
 * signalled to the running incident. Exactly one ticket per edge, each note once, the resolve once.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { incidentWorkflowId } from '../../activities/incidents';
import { quarantineWorkflowId } from '../../activities/outages';
import { clientIdOf } from '../../domain/edges';
import { RESOLVE_NOTE_TITLE, resolveNote } from '../../domain/incidents';
import { isEngineNote } from '../../domain/engine-notes';
import { startSandboxes, type SandboxSet } from '../../sandbox';
import type { SandboxTicket } from '../../sandbox/bruin/tickets';
import type { TruthEdge } from '../../sandbox/velocloud';
import type { IncidentResult } from '../../workflows/incident';
import type { QuarantineResult } from '../../workflows/outage-monitor';
import { makeFleetHealthy, pickEdges, setEdgeState } from '../support/fleet';
import { value } from '../support/metrics';
import { recordHistory, startTestWorker, type TestWorker } from '../support/temporal';

describe('outage incidents', () => {
  let sandboxes: SandboxSet;
  let worker: TestWorker;
  const engine = () => worker.config.bruin.clientId;

  const detect = () =>
    worker.client.workflow.execute('outageDetectorWorkflow', { taskQueue: worker.taskQueue, workflowId: `outage-detector-${randomUUID()}`, args: [{ chunkSize: 25 }] });
  const ref = (edge: TruthEdge) => ({ host: edge.host, enterpriseId: edge.enterpriseId, edgeId: edge.id });
  const incident = (edge: TruthEdge) => worker.client.workflow.getHandle(incidentWorkflowId(ref(edge)));
  const ticketsOf = (edge: TruthEdge): SandboxTicket[] =>
    sandboxes.bruin.allTickets().filter((t) => t.topic === 'VOO' && t.details.some((d) => d.detailValue === edge.serialNumber));
  const notesAbout = (ticket: SandboxTicket, edge: TruthEdge) =>
    ticket.notes.filter((n) => isEngineNote(n.noteValue) && n.noteValue.includes(`Serial: ${edge.serialNumber}`));
  const script = (outcomes: Record<string, unknown>) =>
    fetch(`${sandboxes.bruin.url}/__admin/repair-outcomes`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(outcomes) });
  const until = async (what: string, check: () => boolean | Promise<boolean>, ms = 60_000) => {
    for (const end = Date.now() + ms; Date.now() < end; await sleep(250)) if (await check()) return;
    throw new Error(`timed out waiting for ${what}`);
  };

  beforeAll(async () => {
    sandboxes = await startSandboxes({ fleet: { seed: 11, totalEdges: 40, testEnterpriseShare: 0.1 } });
    worker = await startTestWorker({
      env: {
        ...sandboxes.env,
        AUTOMATION_MODE: 'production',
        OUTAGE_QUARANTINE: '2s',
        INCIDENT_RECHECK_INTERVAL: '2s',
        BRUIN_WRITE_SETTLE: '2s',
      },
    });
    makeFleetHealthy(sandboxes);
  });

  afterAll(async () => {
    await worker?.stop();
    await sandboxes?.stop();
  });

  it('walks one incident per repair answer from detection to auto-resolve or its refusal', async () => {
    const [created, retried, resolved, reopenedByBruin, elsewhere, maxed, inProgress] = pickEdges(sandboxes, 'customer', 7);
    const clientOf = (edge: TruthEdge) => clientIdOf(edge.enterpriseName)!;
    const resolvedTicket = (edge: TruthEdge, notes: string[] = []) =>
      sandboxes.bruin.seedTickets({
        clientId: clientOf(edge),
        topic: 'VOO',
        ticketStatus: 'Resolved',
        createdBy: engine(),
        details: [{ detailValue: edge.serialNumber, detailStatus: 'R' }],
        notes,
      })[0]!;
    for (const edge of [created, retried, resolved, reopenedByBruin, elsewhere, maxed, inProgress]) {
      if (edge !== retried) setEdgeState(sandboxes, edge!, 'OFFLINE');
    }
    const link = retried!.links.find((l) => l.backupState !== 'STANDBY')!;
    sandboxes.velocloud.byHostName(retried!.host).setLink(retried!.id, link.interface, { state: 'DISCONNECTED' });
    const c471 = resolvedTicket(resolved!);
    const c472 = resolvedTicket(reopenedByBruin!);
    const earlier = { serial: maxed!.serialNumber, outageStart: '2024-01-01T00:00:00.000Z' };
    const cMax = resolvedTicket(maxed!, [1, 2, 3].map((n) => resolveNote(earlier, `2024-01-0${n}T01:00:00.000Z`, 'back')));
    // 409: Bruin has a repair in progress for the serial in a status the engine's look-up (New,
    // InProgress, Draft) does not ask for; Bruin answers 409 on its own for an open detail.
    const c409 = sandboxes.bruin.seedTickets({ clientId: clientOf(inProgress!), topic: 'VOO', ticketStatus: 'OnHold', createdBy: engine(), details: [inProgress!.serialNumber] })[0]!;
    const site = sandboxes.bruin.seedTickets({ clientId: clientOf(elsewhere!), topic: 'VOO', ticketStatus: 'InProgress', createdBy: 'Jane NOC', details: ['SITE-ROUTER-1'] })[0]!;
    await script({
      [retried!.serialNumber]: { ticketIdZero: 2 },
      [reopenedByBruin!.serialNumber]: { errorCode: 472 },
      [elsewhere!.serialNumber]: { errorCode: 473, ticketId: site.ticketId },
    });

    await detect();
    const all = [created!, retried!, resolved!, reopenedByBruin!, elsewhere!, maxed!, inProgress!];
    // Every incident has its ticket, its note and its severity.
    const state = () =>
      JSON.stringify(all.map((e) => ticketsOf(e).map((t) => ({ serial: e.serialNumber, id: t.ticketId, severity: t.severity, status: t.ticketStatus, notes: notesAbout(t, e).length }))));
    await until('notes and severities', () => all.every((e) => ticketsOf(e).some((t) => notesAbout(t, e).filter((n) => !n.noteValue.includes(RESOLVE_NOTE_TITLE)).length === 1 && t.severity === (e === retried ? 3 : 2))), 90_000).catch(
      (error: Error) => {
        throw new Error(`${error.message}: ${state()}`);
      },
    );

    // Seen again: the quarantine hands the outage to the running incident.
    await detect();
    for (const edge of all) {
      const quarantine = (await worker.client.workflow.getHandle(quarantineWorkflowId(ref(edge))).result()) as QuarantineResult;
      expect(quarantine).toMatchObject({ outcome: 'incident', incidentId: incidentWorkflowId(ref(edge)) });
    }

    makeFleetHealthy(sandboxes);
    const results = new Map<TruthEdge, IncidentResult>();
    for (const edge of all) results.set(edge, (await incident(edge).result()) as IncidentResult);

    expect(results.get(created!)).toMatchObject({ branch: 'created', kind: 'Hard Down', outcome: 'auto-resolved', detections: 2 });
    expect(results.get(retried!)).toMatchObject({ branch: 'created', kind: 'Link Down', outcome: 'auto-resolved' });
    expect(results.get(resolved!)).toMatchObject({ branch: 'resolved', ticketId: c471.ticketId, outcome: 'auto-resolved' });
    expect(results.get(reopenedByBruin!)).toMatchObject({ branch: 'reopened-by-bruin', ticketId: c472.ticketId, outcome: 'auto-resolved' });
    expect(results.get(elsewhere!)).toMatchObject({ branch: 'new-detail-elsewhere', ticketId: site.ticketId, outcome: 'left-open', reason: 'not-created-by-engine' });
    expect(results.get(maxed!)).toMatchObject({ branch: 'resolved', ticketId: cMax.ticketId, outcome: 'left-open', reason: 'max-auto-resolves' });
    // Its creator cannot be read in a status the engine does not list: it is left open, and says why.
    expect(results.get(inProgress!)).toMatchObject({ branch: 'in-progress', ticketId: c409.ticketId, outcome: 'left-open', reason: expect.any(String) });

    for (const edge of all) {
      const tickets = ticketsOf(edge);
      expect(tickets).toHaveLength(1);
      const ticket = tickets[0]!;
      const detail = ticket.details.find((d) => d.detailValue === edge.serialNumber)!;
      const notes = notesAbout(ticket, edge);
      const resolves = notes.filter((n) => n.noteValue.includes(RESOLVE_NOTE_TITLE));
      const outcome = results.get(edge)!.outcome;
      expect(detail.detailStatus).toBe(outcome === 'auto-resolved' ? 'R' : 'O');
      // One note about this outage, plus the one resolve note when resolved (the maxed ticket keeps its 3 old ones).
      expect(notes.length - resolves.length).toBe(1);
      expect(resolves).toHaveLength(edge === maxed ? 3 : outcome === 'auto-resolved' ? 1 : 0);
    }
    const noteOf = (edge: TruthEdge) => notesAbout(ticketsOf(edge)[0]!, edge).find((n) => !n.noteValue.includes(RESOLVE_NOTE_TITLE))!.noteValue;
    expect(noteOf(created!)).toContain('Triage (VeloCloud)');
    expect(noteOf(created!)).toContain('Outage Kind: Hard Down');
    expect(noteOf(elsewhere!)).toContain('Triage (VeloCloud)');
    expect(noteOf(resolved!)).toContain('Outage re-opened (VeloCloud)');
    expect(noteOf(reopenedByBruin!)).toContain('Outage (VeloCloud)');
    expect(noteOf(retried!)).toContain(`Interfaces Down: ${link.interface}`);

    expect(await value(worker.registry, 'automation_incident_tickets_total', { action: 'auto-resolved' })).toBe(4);
    expect(await value(worker.registry, 'automation_auto_resolve_refusals_total', { reason: 'max-auto-resolves' })).toBe(1);

    // Operators find an edge's incident by serial.
    const runs = [];
    for await (const run of worker.client.workflow.list({ query: `EdgeSerial = '${created!.serialNumber}' AND WorkflowType = 'outageIncidentWorkflow' AND TaskQueue = '${worker.taskQueue}'` })) runs.push(run);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.searchAttributes).toMatchObject({ OutageKind: ['Hard Down'], Process: ['outage-incident'] });

    await recordHistory(worker.client, incidentWorkflowId(ref(resolved!)), 'outage-incident-reopened');
    await recordHistory(worker.client, quarantineWorkflowId(ref(created!)), 'outage-quarantine-incident');
  }, 240_000);
});
