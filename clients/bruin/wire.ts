/**
 * What Bruin sends, validated once at the boundary and turned into the engine's types. Real
 * payloads carry many more fields (and nulls where a value was never set): extra fields are
 * dropped, nulls are accepted wherever the engine can do without the value.
 */
import { z } from 'zod';
import type { Ticket, TicketDetail, TicketDetails, TicketNote } from './types';

/** Bruin ids are numbers, but some endpoints have sent them as numeric strings. */
const id = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)], {
  error: 'expected a numeric id',
});

const ticket = z
  .object({
    ticketID: id,
    clientID: id,
    ticketStatus: z.string(),
    createDate: z.string(),
    createdBy: z.string(),
    category: z.string(),
    topic: z.string().nullish(),
  })
  .transform(
    (t): Ticket => ({
      ticketId: t.ticketID,
      clientId: t.clientID,
      ticketStatus: t.ticketStatus,
      createDate: t.createDate,
      createdBy: t.createdBy,
      category: t.category,
      ...(t.topic ? { topic: t.topic } : {}),
    }),
  );

export const ticketsResponse = z.object({ responses: z.array(ticket) }).transform((r) => r.responses);

const detail = z
  .object({ detailID: id, detailValue: z.string(), detailStatus: z.string() })
  .transform((d): TicketDetail => ({ detailId: d.detailID, detailValue: d.detailValue, detailStatus: d.detailStatus }));

const note = z
  .object({
    noteId: id,
    // Notes without text exist (attachments, status changes); they can never be an engine note.
    noteValue: z.string().nullish(),
    createdDate: z.string(),
  })
  .transform((n): TicketNote => ({ noteId: n.noteId, noteValue: n.noteValue ?? '', createdDate: n.createdDate }));

export const ticketDetailsResponse = z
  .object({
    ticketDetails: z.array(detail),
    // A ticket nobody has written on may come back with null notes.
    ticketNotes: z.array(note).nullish(),
  })
  .transform((r): TicketDetails => ({ details: r.ticketDetails, notes: r.ticketNotes ?? [] }));

export const createTicketResponse = z
  .object({ ticketIds: z.array(id).min(1, 'expected the new ticket id') })
  .transform((r) => r.ticketIds[0] as number);

export const tokenResponse = z.object({
  access_token: z.string().min(1),
  // RFC 6749 only recommends expires_in; without it, assume a short life and log in again soon.
  expires_in: z.coerce.number().positive().nullish(),
});
