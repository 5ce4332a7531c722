/**
 * P4 Outage ticket triage.
 *
 *   schedule ──▶ outageTriageWorkflow ──▶ open VOO tickets of monitored edges
 *                 └─ per ticket ──▶ outage-triage-<ticketId>: plan (from the notes on the ticket)
 *                                   ▶ append each note (look first) ▶ Slack per append
 *                                   dry run: e-mail the planned notes instead
 *
 * The plan is made from what Bruin already holds, so a crash mid-way is finished by the retry of
 * the append (which skips a note already there) and the next run starts after the newest timestamp.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ChildWorkflowFailure, executeChild, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { TriagePlan, TriageTicket } from '../activities/triage';
import { EdgeSerial, Enterprise, Process, PROCESS, VcoHost } from '../domain/search-attributes';
import { mapWithConcurrency } from '../domain/concurrency';
import { bruinWriteOptions, NOTIFY } from './activity-options';
import { dryRunHeld, holdAfterDryRun, startDryRunChild, type DryRunStart } from './dry-run';

const TICKETS_AT_ONCE = 5;

const { findTriageTickets, planTriage } = proxyActivities<Activities>({
  startToCloseTimeout: '3m',
  heartbeatTimeout: '1m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '2m', maximumAttempts: 5 },
});

const { postTriageToSlack, emailTriageDryRun } = proxyActivities<Activities>(NOTIFY);

export interface TriageTicketInput {
  ticket: TriageTicket;
  dryRun: boolean;
  /** BRUIN_WRITE_SETTLE in ms (absent in runs started before it was carried). */
  bruinWriteSettleMs?: number;
}

export interface TriageTicketResult {
  step: TriagePlan['step'];
  /** Notes written to Bruin (production) or e-mailed (dry run). */
  notes: number;
}

export interface OutageTriageResult {
  tickets: number;
  firstNotes: number;
  eventNotes: number;
  failed: number;
  /** Dry run: tickets whose triage was started (and e-mailed), or e-mailed within the last day. */
  dryRun?: { started: number; alreadySent: number };
}

export function triageWorkflowId(ticketId: number): string {
  return `outage-triage-${ticketId}`;
}

/** One ticket's triage run. */
export async function outageTriageTicketWorkflow(input: TriageTicketInput): Promise<TriageTicketResult> {
  const { ticket } = input;
  const plan = await planTriage(ticket);
  if (!plan.notes.length) return { step: plan.step, notes: 0 };
  const about = { ticketId: ticket.ticketId, serial: ticket.serial, edgeName: plan.edgeName };
  if (input.dryRun) {
    await emailTriageDryRun({ ...about, notes: plan.notes, runId: workflowInfo().runId });
    await holdAfterDryRun();
    return { step: plan.step, notes: plan.notes.length };
  }
  const { appendTriageNote } = proxyActivities<Activities>(bruinWriteOptions(input.bruinWriteSettleMs));
  for (const note of plan.notes) {
    await appendTriageNote({ ticketId: ticket.ticketId, note });
    await postTriageToSlack({ ...about, kind: plan.step === 'first-note' ? 'triage' : 'events' });
  }
  return { step: plan.step, notes: plan.notes.length };
}

async function triageTicket(
  ticket: TriageTicket,
  { dryRun, bruinWriteSettleMs }: Omit<TriageTicketInput, 'ticket'>,
): Promise<TriageTicketResult | DryRunStart | undefined> {
  const options = {
    workflowId: triageWorkflowId(ticket.ticketId),
    args: [{ ticket, dryRun, bruinWriteSettleMs }] as [TriageTicketInput],
    typedSearchAttributes: [
      { key: EdgeSerial, value: ticket.serial },
      { key: VcoHost, value: ticket.host },
      { key: Enterprise, value: ticket.enterpriseName },
      { key: Process, value: PROCESS.triage },
    ],
    staticSummary: `Triage of VOO ticket ${ticket.ticketId} (${ticket.serial})`,
  };
  if (dryRun && dryRunHeld()) return startDryRunChild(outageTriageTicketWorkflow, options);
  try {
    return await executeChild(outageTriageTicketWorkflow, options);
  } catch (error) {
    if (!(error instanceof ChildWorkflowFailure) && !(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    log.warn('ticket not triaged this run', { ticketId: ticket.ticketId, error: error.message });
    return undefined;
  }
}

/** One triage run over every open VOO ticket of a monitored edge; the schedule runs it every TRIAGE_INTERVAL. */
export async function outageTriageWorkflow(): Promise<OutageTriageResult> {
  const { dryRun, bruinWriteSettleMs, tickets } = await findTriageTickets();
  const results = await mapWithConcurrency(tickets, TICKETS_AT_ONCE, (ticket) => triageTicket(ticket, { dryRun, bruinWriteSettleMs }));
  const worked = results.filter((r): r is TriageTicketResult => typeof r === 'object');
  const count = (step: TriagePlan['step']) => worked.filter((r) => r.step === step && r.notes > 0).length;
  return {
    tickets: tickets.length,
    firstNotes: count('first-note'),
    eventNotes: count('events'),
    failed: results.filter((r) => r === undefined).length,
    ...(dryRun
      ? {
          dryRun: {
            started: results.filter((r) => r === 'dry-run-started').length,
            alreadySent: results.filter((r) => r === 'dry-run-already-sent').length,
          },
        }
      : {}),
  };
}
