/**
 * What Bruin sends, validated once at the boundary and turned into the engine's types. Real
 * payloads carry many more fields (and nulls where a value was never set): extra fields are
 * dropped, and only what the engine acts on is required — ids, a detail's value, a note's text
 * when there is one. Everything else may be null or missing.
 */
import { z } from 'zod';
import type { RepairResult, Ticket, TicketDetail, TicketDetails, TicketNote } from './types';

/** Bruin ids are numbers, but some endpoints have sent them as numeric strings. */
const id = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)], {
  error: 'expected a numeric id',
});

/** Drops null and undefined values, so optional fields are simply absent. */
function present<T extends Record<string, unknown>>(record: T): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== null && value !== undefined)) as never;
}

const optionalText = z.string().nullish();

const ticket = z
  .object({
    ticketID: id,
    clientID: id.nullish(),
    ticketStatus: optionalText,
    createDate: optionalText,
    createdBy: optionalText,
    category: optionalText,
    topic: optionalText,
    severity: id.nullish().catch(undefined),
  })
  .transform(
    (t): Ticket => ({
      ticketId: t.ticketID,
      ...present({
        clientId: t.clientID,
        ticketStatus: t.ticketStatus,
        createDate: t.createDate,
        createdBy: t.createdBy,
        category: t.category,
        topic: t.topic,
        severity: t.severity,
      }),
    }),
  );

export const ticketsResponse = z.object({ responses: z.array(ticket) }).transform((r) => r.responses);

const detail = z
  // A detail without a value names no service: it can never match a serial.
  .object({ detailID: id, detailValue: optionalText, detailStatus: optionalText })
  .transform((d): TicketDetail => ({ detailId: d.detailID, detailValue: d.detailValue ?? '', ...present({ detailStatus: d.detailStatus }) }));

const note = z
  .object({
    noteId: id.nullish(),
    // Notes without text exist (attachments, status changes); they can never be an engine note.
    noteValue: optionalText,
    createdDate: optionalText,
  })
  .transform((n): TicketNote => ({ noteValue: n.noteValue ?? '', ...present({ noteId: n.noteId, createdDate: n.createdDate }) }));

export const ticketDetailsResponse = z
  .object({
    // A ticket without services may come back with null details.
    ticketDetails: z.array(detail).nullish().transform((d) => d ?? []),
    // A ticket nobody has written on may come back with null notes.
    ticketNotes: z.array(note).nullish(),
  })
  .transform((r): TicketDetails => ({ details: r.ticketDetails, notes: r.ticketNotes ?? [] }));

export const createTicketResponse = z
  .object({ ticketIds: z.array(id).min(1, 'expected the new ticket id') })
  .transform((r) => r.ticketIds[0] as number);

const repairItem = z
  .object({ wtn: optionalText, ticketId: id.nullish(), errorCode: z.coerce.number().int().nullish(), errorMessage: optionalText })
  .transform((i) => ({ wtn: i.wtn ?? '', ticketId: i.ticketId ?? 0, errorCode: i.errorCode ?? 0, ...present({ errorMessage: i.errorMessage }) }));

/** The repair answer lists the serials under `items` or `assets`, depending on Bruin's release. */
export const repairResponse = z
  .object({ items: z.array(repairItem).nullish(), assets: z.array(repairItem).nullish() })
  .transform((r) => [...(r.items ?? []), ...(r.assets ?? [])])
  .refine((items) => items.length > 0, 'expected items or assets for the serial');

export function repairResultFor(items: (RepairResult & { wtn: string })[], serial: string): RepairResult {
  const item = items.find((i) => i.wtn.trim().toUpperCase() === serial.trim().toUpperCase()) ?? items[0]!;
  return { ticketId: item.ticketId, errorCode: item.errorCode, ...present({ errorMessage: item.errorMessage }) };
}

export const tokenResponse = z.object({
  access_token: z.string().min(1),
  // RFC 6749 only recommends expires_in; without it, assume a short life and log in again soon.
  expires_in: z.coerce.number().positive().nullish(),
});
