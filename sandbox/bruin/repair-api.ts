/**
 * Bruin's outage calls (SPEC §3 "Bruin calls for incidents"):
 *
 *   POST /api/Ticket/repair                 {ClientID, WTNs:[serial], RequestDescription, WtnInterfaces:{serial:[iface]}}
 *        → 200 {items|assets:[{wtn, ticketId, errorCode, errorMessage}]} (the key alternates, as between Bruin releases)
 *        errorCode 0/200 created, 409 in progress, 471 resolved (the caller re-opens), 472 re-opened by Bruin,
 *        473 new detail on another open ticket of the same client; ticketId 0 = try again
 *   PUT  /api/Ticket/:ticketId/severity     {Severity 1-5, Reason}
 *
 *   PUT  /__admin/repair-outcomes           {<serial>: {errorCode?: 472|473, ticketId?, ticketIdZero?: n}}: what Bruin does for a
 *                                           serial (473: the site's ticket, `ticketId` or the client's newest open VOO ticket)
 *   GET  /__admin/repair-outcomes
 *
 * Without a script Bruin answers from its book: an open VOO detail of the serial → 409, a resolved one → 471,
 * none → a new VOO ticket.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { answer, validBody } from './requests';
import { TicketBookError, type SandboxTicket, type TicketBook } from './tickets';
import type { TicketApi } from './ticket-api';
import { repairBody, severityBody } from './wire';

export const repairOutcomesBody = z.record(
  z.string().min(1),
  z
    .object({ errorCode: z.union([z.literal(472), z.literal(473)]).optional(), ticketId: z.number().int().positive().optional(), ticketIdZero: z.number().int().min(0).optional() })
    .strict(),
);
export type RepairOutcomes = z.infer<typeof repairOutcomesBody>;

const OUTAGE_TOPIC = 'VOO';
const key = (serial: string) => serial.trim().toUpperCase();

interface Answer {
  wtn: string;
  ticketId: number;
  errorCode: number;
  errorMessage: string | null;
}

export function registerRepairApi(app: FastifyInstance, api: TicketApi & { write: <T>(kind: 'repair' | 'severity', land: () => T) => Promise<T> }): void {
  const { book, author, write } = api;
  let outcomes: RepairOutcomes = {};
  let calls = 0;

  app.post('/api/Ticket/repair', async (request, reply) =>
    answer(reply, async () => {
      const body = validBody(repairBody, request.body);
      const createdBy = author(request);
      const items = await write('repair', () =>
        body.WTNs.map((wtn) => {
          const script = outcomes[key(wtn)] ?? outcomes[wtn];
          if (script?.ticketIdZero) {
            script.ticketIdZero -= 1;
            return { wtn, ticketId: 0, errorCode: 500, errorMessage: 'Ticket could not be created at this time, try again' };
          }
          return repair(book, body.ClientID, wtn, createdBy, script?.errorCode, script?.ticketId);
        }),
      );
      calls += 1;
      return calls % 2 ? { items } : { assets: items, responseStatus: 200 };
    }),
  );

  app.put('/api/Ticket/:ticketId/severity', async (request, reply) =>
    answer(reply, () => {
      const ticketId = Number((request.params as { ticketId?: string }).ticketId);
      if (!Number.isInteger(ticketId)) throw new TicketBookError(400, 'ticketId must be a number');
      const { Severity } = validBody(severityBody, request.body);
      return write('severity', () => {
        const ticket = book.setSeverity(ticketId, Severity);
        return { ticketId, severity: ticket.severity };
      });
    }),
  );

  app.get('/__admin/repair-outcomes', async () => outcomes);
  app.put('/__admin/repair-outcomes', async (request, reply) => {
    const parsed = repairOutcomesBody.safeParse(request.body ?? {});
    if (!parsed.success) return reply.code(400).send({ message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    outcomes = Object.fromEntries(Object.entries(parsed.data).map(([serial, o]) => [key(serial), o]));
    return outcomes;
  });
}

function outageTicketsOf(book: TicketBook, clientId: number, serial: string): SandboxTicket[] {
  return book
    .all()
    .filter((t) => t.clientId === clientId && t.topic === OUTAGE_TOPIC && t.details.some((d) => key(d.detailValue) === key(serial)))
    .sort((a, b) => b.ticketId - a.ticketId);
}

function repair(book: TicketBook, clientId: number, wtn: string, createdBy: string, scripted?: 472 | 473, siteTicketId?: number): Answer {
  const tickets = outageTicketsOf(book, clientId, wtn);
  const detailOf = (t: SandboxTicket) => t.details.find((d) => key(d.detailValue) === key(wtn))!;
  const open = tickets.find((t) => t.ticketStatus !== 'Resolved' && detailOf(t).detailStatus !== 'R');
  if (open) return { wtn, ticketId: open.ticketId, errorCode: 409, errorMessage: 'Ticket already in progress for this service' };
  const resolved = tickets[0];
  if (resolved && scripted === 472) {
    book.setDetailStatus(resolved.ticketId, detailOf(resolved).detailId, 'O');
    return { wtn, ticketId: resolved.ticketId, errorCode: 472, errorMessage: 'Ticket re-opened' };
  }
  if (resolved && scripted !== 473) return { wtn, ticketId: resolved.ticketId, errorCode: 471, errorMessage: 'Ticket resolved; re-open its detail' };
  if (scripted === 473) {
    const site = book
      .all()
      .filter((t) => t.clientId === clientId && t.topic === OUTAGE_TOPIC && t.ticketStatus !== 'Resolved')
      .filter((t) => siteTicketId === undefined || t.ticketId === siteTicketId)
      .sort((a, b) => b.ticketId - a.ticketId)[0];
    if (site) {
      book.addDetail(site.ticketId, wtn);
      return { wtn, ticketId: site.ticketId, errorCode: 473, errorMessage: 'Service added to an open ticket of the same site' };
    }
  }
  const ticket = book.create({ clientId, topic: OUTAGE_TOPIC, serviceNumbers: [wtn], createdBy });
  return { wtn, ticketId: ticket.ticketId, errorCode: ticket.ticketId % 2 ? 200 : 0, errorMessage: null };
}
