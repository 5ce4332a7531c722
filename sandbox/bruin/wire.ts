/** How the sandbox speaks Bruin's wire format (PascalCase ids, extra fields the engine ignores). */
import { z } from 'zod';
import type { SandboxTicket } from './tickets';

/** `value`, or null when the sandbox serves null in every field Bruin may leave unset. */
function unset<T>(nullUnused: boolean, value: T): T | null {
  return nullUnused ? null : value;
}

export function ticketRow(ticket: SandboxTicket, nullUnused = false): Record<string, unknown> {
  const u = <T>(value: T) => unset(nullUnused, value);
  return {
    clientID: ticket.clientId,
    clientName: u(`Client ${ticket.clientId}`),
    ticketID: ticket.ticketId,
    category: u(ticket.category),
    topic: u(ticket.topic),
    referenceTicketNumber: null,
    ticketStatus: ticket.ticketStatus,
    address: null,
    createDate: u(ticket.createDate),
    createdBy: u(ticket.createdBy),
    resolveDate: ticket.ticketStatus === 'Resolved' ? new Date().toISOString() : null,
    severity: u(ticket.severity),
  };
}

export function ticketDetailsBody(ticket: SandboxTicket, nullUnused = false): Record<string, unknown> {
  const u = <T>(value: T) => unset(nullUnused, value);
  return {
    ticketDetails: ticket.details.map((d) => ({
      detailID: d.detailId,
      detailType: u('Repair_WorkFlow'),
      detailStatus: u(d.detailStatus),
      detailValue: d.detailValue,
      assignedToName: u('0'),
      currentTaskID: null,
      currentTaskName: u(d.detailStatus === 'R' ? 'Resolved' : 'Repair dispatch'),
    })),
    // Bruin sends null rather than [] for a ticket nobody has written on.
    ticketNotes:
      nullUnused && !ticket.notes.length
        ? null
        : ticket.notes.map((n) => ({
            noteId: u(n.noteId),
            noteType: u('ADN'),
            noteValue: n.noteValue,
            serviceNumber: u(ticket.details.map((d) => d.detailValue)),
            createdDate: u(n.createdDate),
          })),
  };
}

/** Bodies for the malformed-response fault: the right envelope with a broken field, per route. */
export function malformedApiBody(route: string | undefined): string {
  switch (route) {
    case '/api/Ticket':
      return JSON.stringify({ responses: [{ ticketID: 'not-a-number', clientID: null, ticketStatus: 'New' }] });
    case '/api/Ticket/:ticketId/details':
      return JSON.stringify({ ticketDetails: [{ detailID: null, detailValue: 42 }], ticketNotes: [] });
    default:
      return JSON.stringify({ unexpected: 'shape', data: null });
  }
}

/** SPEC §3's body; fields Bruin does not know (such as a `ticketTopic`) are ignored, as the real API does. */
export const createTicketBody = z.object({
  clientId: z.coerce.number().int().positive(),
  /** The topic code (VOO, VAS, ...). */
  category: z.string().min(1),
  services: z.array(z.object({ serviceNumber: z.string().min(1) })).min(1),
  contacts: z
    .array(z.object({ email: z.string(), phone: z.string(), name: z.string(), type: z.enum(['site', 'ticket']) }))
    .default([]),
});

export const appendNoteBody = z.object({ note: z.string().min(1) });

export const detailStatusBody = z.object({ Status: z.enum(['R', 'O']) });

/** `POST /api/Ticket/repair` as the NOC's integration guide shows it. */
export const repairBody = z.object({
  ClientID: z.coerce.number().int().positive(),
  WTNs: z.array(z.string().min(1)).min(1),
  RequestDescription: z.string().min(1),
  WtnInterfaces: z.record(z.string(), z.array(z.string())).optional(),
});

export const severityBody = z.object({ Severity: z.coerce.number().int().min(1).max(5), Reason: z.string().min(1) });
