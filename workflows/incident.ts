/**
 * One outage incident (production mode): started by P2's quarantine when an edge is still in outage
 * and Bruin has no open VOO ticket for it; id `incident-<host>-<enterpriseId>-<edgeId>`.
 *
 *   repair call (open / join) ─▶ 471: re-open the detail ─▶ note (triage, outage or re-open; once)
 *     ─▶ severity (2 edge down, 3 link down) ─▶ durable timer per INCIDENT_RECHECK_INTERVAL until
 *     the edge is back ─▶ auto-resolve (creator, grace, at most 3 times) or say why not
 *
 * Later outages of the edge while it lives arrive as `outageAgain` signals. Every Bruin write looks
 * before it writes (activities/incidents.ts), so a crash or retry anywhere repeats nothing.
 */
import { ActivityFailure, allHandlersFinished, condition, continueAsNew, defineSignal, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { IncidentTicket } from '../activities/incidents';
import type { EdgeIdentity } from '../domain/edges';
import { isOutage } from '../domain/edges';
import { noteForBranch, severityFor, type IncidentNoteKey, type OutageKind, type ResolveRefusal } from '../domain/incidents';
import { bruinWriteOptions } from './activity-options';

export interface IncidentInput {
  edge: EdgeIdentity;
  clientId: number;
  /** When the outage was first detected (ISO): the incident's key on the ticket's notes. */
  outageStart: string;
  kind: OutageKind;
  /** HA pair documented on the partner's serial (Soft Down (HA), ...): the ticket's serial. Absent: the edge's own. */
  ticketSerial?: string;
  /** The other edge of the edge's HA pair. */
  haPartnerSerial?: string;
  interfaces: string[];
  reasons: string[];
  recheckMs: number;
  bruinWriteSettleMs: number;
  /** Set only by continue-as-new. */
  carried?: { ticket: IncidentTicket; detections: number; rechecks: number };
}

export interface IncidentResult {
  ticketId: number;
  branch: IncidentTicket['branch'];
  kind: OutageKind;
  outcome: 'auto-resolved' | 'left-open';
  /** Why the ticket was left open. */
  reason?: ResolveRefusal;
  /** Detector runs that saw the outage while the incident lived (the first included). */
  detections: number;
  rechecks: number;
}

export const outageAgain = defineSignal<[{ detectedAt: string }]>('outageAgain');

const HISTORY_LIMIT = 2_000;

const { fetchEdgeStatus } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 5 },
});

const { incidentNoteText } = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '2m', maximumAttempts: 10 },
});

export async function outageIncidentWorkflow(input: IncidentInput): Promise<IncidentResult> {
  const { edge, kind } = input;
  // The serial the outage is documented on: the edge's own, or its HA partner's (README, Outage incidents).
  const serial = input.ticketSerial ?? edge.serial;
  const haPartner = input.ticketSerial ? edge.serial : input.haPartnerSerial;
  const key: IncidentNoteKey = { serial, outageStart: input.outageStart };
  const bruin = proxyActivities<Activities>(bruinWriteOptions(input.bruinWriteSettleMs));
  // The start's own signal counts the first detection.
  let detections = input.carried?.detections ?? 0;
  let rechecks = input.carried?.rechecks ?? 0;
  setHandler(outageAgain, () => {
    detections += 1;
  });

  let ticket = input.carried?.ticket;
  if (!ticket) {
    ticket = await bruin.openIncidentTicket({ clientId: input.clientId, serial, edgeName: edge.name, kind, interfaces: input.interfaces });
    const { ticketId } = ticket;
    if (ticket.branch === 'resolved') await bruin.reopenIncidentDetail({ ticketId, serial });
    const note = ticket.branch === 'joined' ? (ticket.engineNoted ? 'outage' : 'triage') : noteForBranch(ticket.branch);
    const text = await incidentNoteText({ edge, kind, interfaces: input.interfaces, key, note, ...(haPartner ? { haPartner } : {}) });
    await bruin.appendIncidentNote({ ticketId, note: text, key });
    await bruin.setIncidentSeverity({ ticketId, severity: severityFor(kind), reason: `${kind} of ${edge.name} (${edge.serial})` });
  }

  for (;;) {
    await sleep(input.recheckMs);
    try {
      const status = await fetchEdgeStatus({ host: edge.host, enterpriseId: edge.enterpriseId, edgeId: edge.edgeId, enterpriseName: edge.enterpriseName });
      if (!isOutage(status)) break;
    } catch (error) {
      // VCO unreachable for now: the outage is not over until the edge is seen back.
      if (!(error instanceof ActivityFailure)) throw error;
    }
    rechecks += 1;
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_LIMIT) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof outageIncidentWorkflow>({ ...input, carried: { ticket, detections, rechecks } });
    }
  }

  const result = { ticketId: ticket.ticketId, branch: ticket.branch, kind, detections: Math.max(detections, 1), rechecks };
  const decision = await bruin.decideAutoResolve({ ticketId: ticket.ticketId, key, kind });
  if (!decision.resolve) return { ...result, outcome: 'left-open', reason: decision.reason };
  await bruin.resolveIncidentDetail({ ticketId: ticket.ticketId, detailId: decision.detailId, kind });
  return { ...result, outcome: 'auto-resolved' };
}
