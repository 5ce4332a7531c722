/** How the sandbox speaks Bruin's wire format (PascalCase ids, extra fields the engine ignores). */
import { z } from 'zod';
import type { SandboxTicket } from './tickets';

export function ticketRow(ticket: SandboxTicket): Record<string, unknown> {
  return {
    clientID: ticket.clientId,
    clientName: `Client ${ticket.clientId}`,
    ticketID: ticket.ticketId,
    category: ticket.category,
    topic: ticket.topic,
    referenceTicketNumber: null,
    ticketStatus: ticket.ticketStatus,
    address: null,
    createDate: ticket.createDate,
    createdBy: ticket.createdBy,
    resolveDate: ticket.ticketStatus === 'Resolved' ? new Date().toISOString() : null,
    severity: 3,
  };
}

export function ticketDetailsBody(ticket: SandboxTicket): Record<string, unknown> {
  return {
    ticketDetails: ticket.details.map((d) => ({
      detailID: d.detailId,
      detailType: 'Repair_WorkFlow',
      detailStatus: d.detailStatus,
      detailValue: d.detailValue,
      assignedToName: '0',
      currentTaskID: null,
    })),
    ticketNotes: ticket.notes.map((n) => ({
      noteId: n.noteId,
      noteType: 'ADN',
      noteValue: n.noteValue,
      serviceNumber: ticket.details.map((d) => d.detailValue),
      createdDate: n.createdDate,
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

export const createTicketBody = z.object({
  clientId: z.coerce.number().int().positive(),
  category: z.string().min(1),
  services: z.array(z.object({ serviceNumber: z.string().min(1) })).min(1),
  contacts: z
    .array(z.object({ email: z.string(), phone: z.string(), name: z.string(), type: z.enum(['site', 'ticket']) }))
    .default([]),
  ticketTopic: z.string().min(1).optional(),
  topic: z.string().min(1).optional(),
});

export const appendNoteBody = z.object({ note: z.string().min(1) });

export const detailStatusBody = z.object({ Status: z.enum(['R', 'O']) });
