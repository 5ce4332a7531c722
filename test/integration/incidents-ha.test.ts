/**
 * Outage incidents of HA pairs on a real Temporal server (production mode): the VCO's haState
 * (network/getNetworkEnterprises) and the partner's serial (getEnterpriseEdgeLinkStatus) make the
 * outage kind; each kind gets its note, severity and OutageKind search attribute, and a pair is
 * documented on its primary only.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { incidentWorkflowId } from '../../activities/incidents';
import { quarantineWorkflowId } from '../../activities/outages';
import { isEngineNote, noteFields } from '../../domain/engine-notes';
import { RESOLVE_NOTE_TITLE } from '../../domain/incidents';
import { startSandboxes, type SandboxSet } from '../../sandbox';
import type { SandboxTicket } from '../../sandbox/bruin/tickets';
import type { TruthEdge } from '../../sandbox/velocloud';
import type { IncidentResult } from '../../workflows/incident';
import type { QuarantineResult } from '../../workflows/outage-monitor';
import { makeFleetHealthy, pickEdges, setEdgeState } from '../support/fleet';
import { recordHistory, startTestWorker, type TestWorker } from '../support/temporal';

jest.setTimeout(240_000);

describe('outage incidents of HA pairs', () => {
  let sandboxes: SandboxSet;
  let worker: TestWorker;

  const detect = () =>
    worker.client.workflow.execute('outageDetectorWorkflow', { taskQueue: worker.taskQueue, workflowId: `outage-detector-${randomUUID()}`, args: [{ chunkSize: 25 }] });
  const ref = (edge: TruthEdge) => ({ host: edge.host, enterpriseId: edge.enterpriseId, edgeId: edge.id });
  const ticketsFor = (serial: string): SandboxTicket[] =>
    sandboxes.bruin.allTickets().filter((t) => t.topic === 'VOO' && t.details.some((d) => d.detailValue === serial));
  const outageNotes = (ticket: SandboxTicket) => ticket.notes.map((n) => n.noteValue).filter((n) => isEngineNote(n) && !n.includes(RESOLVE_NOTE_TITLE));
  const setHa = async (edge: TruthEdge, haState: string | null, partnerSerial?: string) => {
    const vco = sandboxes.velocloud.byHostName(edge.host);
    const response = await fetch(`${vco.url}/__admin/edges/${edge.id}/ha`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ haState, ...(partnerSerial ? { partnerSerial } : {}) }),
    });
    expect(response.status).toBe(200);
  };
  const until = async (what: string, check: () => boolean, ms = 90_000) => {
    for (const end = Date.now() + ms; Date.now() < end; await sleep(250)) if (check()) return;
    throw new Error(`timed out waiting for ${what}`);
  };
  const outageKindOf = async (edge: TruthEdge) =>
    ((await worker.client.workflow.getHandle(incidentWorkflowId(ref(edge))).describe()).searchAttributes as Record<string, unknown[]>).OutageKind;

  beforeAll(async () => {
    sandboxes = await startSandboxes({ fleet: { seed: 31, totalEdges: 40, testEnterpriseShare: 0.1 } });
    worker = await startTestWorker({
      env: { ...sandboxes.env, AUTOMATION_MODE: 'production', OUTAGE_QUARANTINE: '2s', INCIDENT_RECHECK_INTERVAL: '2s', BRUIN_WRITE_SETTLE: '2s' },
    });
    makeFleetHealthy(sandboxes);
  });

  afterAll(async () => {
    await worker?.stop();
    await sandboxes?.stop();
  });

  /** Waits for the incident of `edge` (documented on `serial`), brings the fleet back and checks the one resolve. */
  async function resolvedOnce(edge: TruthEdge, serial: string, kind: string): Promise<void> {
    makeFleetHealthy(sandboxes);
    const result = (await worker.client.workflow.getHandle(incidentWorkflowId(ref(edge))).result()) as IncidentResult;
    expect(result).toMatchObject({ kind, outcome: 'auto-resolved' });
    const tickets = ticketsFor(serial);
    expect(tickets).toHaveLength(1);
    expect(tickets[0]!.details.find((d) => d.detailValue === serial)!.detailStatus).toBe('R');
    expect(outageNotes(tickets[0]!)).toHaveLength(1);
    expect(tickets[0]!.notes.filter((n) => n.noteValue.includes(RESOLVE_NOTE_TITLE))).toHaveLength(1);
  }
  const documented = (serial: string, severity: number) => ticketsFor(serial).some((t) => t.severity === severity && outageNotes(t).length >= 1);

  it('Link Down (HA): documented on the edge (the primary), severity 3, its partner named', async () => {
    const [linkDown] = pickEdges(sandboxes, 'customer', 1);
    const linkPartner = `${linkDown!.serialNumber}-ZZ-PARTNER`; // sorts after the edge: the edge is the primary
    await setHa(linkDown!, 'READY', linkPartner);
    const link = linkDown!.links.find((l) => l.backupState !== 'STANDBY')!;
    sandboxes.velocloud.byHostName(linkDown!.host).setLink(linkDown!.id, link.interface, { state: 'DISCONNECTED' });
    try {
      await detect();
      await until('the Link Down (HA) incident documented', () => documented(linkDown!.serialNumber, 3));
      const [ticket] = ticketsFor(linkDown!.serialNumber);
      const note = noteFields(outageNotes(ticket!)[0]!);
      expect(note.get('Outage Kind')).toBe('Link Down (HA)');
      expect(note.get('HA Partner')).toBe(linkPartner);
      expect(note.get('Interfaces Down')).toBe(link.interface);
      expect(ticketsFor(linkPartner)).toEqual([]);
      expect(await outageKindOf(linkDown!)).toEqual(['Link Down (HA)']);
      await resolvedOnce(linkDown!, linkDown!.serialNumber, 'Link Down (HA)');
    } finally {
      await setHa(linkDown!, null);
    }
  });

  it('Soft Down (HA): the edge down, its partner up and carrying the site: documented on the partner’s serial', async () => {
    const [, softDown] = pickEdges(sandboxes, 'customer', 2);
    const upPartner = 'HA-PARTNER-UP-1';
    await setHa(softDown!, 'READY', upPartner);
    setEdgeState(sandboxes, softDown!, 'OFFLINE');
    try {
      await detect();
      await until('the Soft Down (HA) incident documented', () => documented(upPartner, 2));
      expect(ticketsFor(softDown!.serialNumber)).toEqual([]);
      const [ticket] = ticketsFor(upPartner);
      const note = noteFields(outageNotes(ticket!)[0]!);
      expect(note.get('Outage Kind')).toBe('Soft Down (HA)');
      expect(note.get('Serial')).toBe(upPartner);
      expect(note.get('HA Partner')).toBe(softDown!.serialNumber);
      expect(await outageKindOf(softDown!)).toEqual(['Soft Down (HA)']);
      await resolvedOnce(softDown!, upPartner, 'Soft Down (HA)');
      await recordHistory(worker.client, incidentWorkflowId(ref(softDown!)), 'outage-incident-soft-down-ha');
    } finally {
      await setHa(softDown!, null);
    }
  });

  it('Hard Down (HA): both edges down, one ticket on the primary; the secondary’s outage is the primary’s incident', async () => {
    const customers = pickEdges(sandboxes, 'customer', 30).slice(2);
    // Two edges of one enterprise form the pair; the primary is the serial that sorts first.
    const pair = customers
      .flatMap((a) => customers.filter((b) => b !== a && b.host === a.host && b.enterpriseId === a.enterpriseId).map((b) => [a, b] as const))
      .find(([a, b]) => a.serialNumber < b.serialNumber);
    expect(pair).toBeDefined();
    const [primary, secondary] = pair!;
    await setHa(primary, 'FAILED', secondary.serialNumber);
    await setHa(secondary, 'FAILED', primary.serialNumber);
    setEdgeState(sandboxes, primary, 'OFFLINE');
    setEdgeState(sandboxes, secondary, 'OFFLINE');
    try {
      await detect();
      await until('the Hard Down (HA) incident documented', () => documented(primary.serialNumber, 2));
      expect(ticketsFor(secondary.serialNumber)).toEqual([]);
      const tickets = ticketsFor(primary.serialNumber);
      expect(tickets).toHaveLength(1);
      const note = noteFields(outageNotes(tickets[0]!)[0]!);
      expect(note.get('Outage Kind')).toBe('Hard Down (HA)');
      expect(note.get('HA Partner')).toBe(secondary.serialNumber);
      expect(await outageKindOf(primary)).toEqual(['Hard Down (HA)']);
      const quarantine = (await worker.client.workflow.getHandle(quarantineWorkflowId(ref(secondary))).result()) as QuarantineResult;
      expect(quarantine).toMatchObject({ outcome: 'incident', incidentId: incidentWorkflowId(ref(primary)) });
      await expect(worker.client.workflow.getHandle(incidentWorkflowId(ref(secondary))).describe()).rejects.toThrow();
      await resolvedOnce(primary, primary.serialNumber, 'Hard Down (HA)');
    } finally {
      for (const edge of [primary, secondary]) await setHa(edge, null);
    }
  });
});
