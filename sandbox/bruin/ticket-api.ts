/** Bruin's ticket API routes, served from the sandbox's ticket book (callers are authenticated before these run). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BruinFaults, CallKind } from './faults';
import { answer, numberParam, textParam, validBody } from './requests';
import { registerRepairApi } from './repair-api';
import { TicketBookError, type TicketBook } from './tickets';
import { appendNoteBody, createTicketBody, detailStatusBody, ticketDetailsBody, ticketRow } from './wire';

type Params = { ticketId?: string; detailId?: string };

export interface TicketApi {
  book: TicketBook;
  /** Who the caller's token belongs to: the ticket's `createdBy`. */
  author: (request: FastifyRequest) => string;
  faults: () => BruinFaults;
}

export function registerTicketApi(app: FastifyInstance, { book, author, faults }: TicketApi): void {
  /** A read answered after the configured wait. */
  const read = async <T>(kind: CallKind, value: () => T): Promise<T> => {
    const seconds = faults().answerAfterSeconds[kind] ?? 0;
    if (seconds) await sleep(seconds * 1000);
    return value();
  };
  /** A write that lands before or after the configured wait, whether or not the caller still listens. */
  const write = async <T>(kind: CallKind, land: () => T): Promise<T> => {
    const { answerAfterSeconds, writesLand } = faults();
    const seconds = answerAfterSeconds[kind] ?? 0;
    if (!seconds) return land();
    if (writesLand === 'before-wait') {
      const result = land();
      await sleep(seconds * 1000);
      return result;
    }
    await sleep(seconds * 1000);
    return land();
  };
  const nulls = () => faults().nullUnusedFields;

  app.get('/api/Ticket', async (request, reply) => {
    const q = request.query as Record<string, string | string[] | undefined>;
    const status = q.TicketStatus;
    if (typeof status !== 'string' || status === '' || status.includes(',')) {
      return reply.code(400).send({ message: 'Exactly one TicketStatus is required.' });
    }
    const clientId = numberParam(q.ClientId);
    const ticketId = numberParam(q.TicketId);
    if (clientId === null || ticketId === null) return reply.code(400).send({ message: 'ClientId and TicketId must be numbers.' });
    return read('tickets', () => {
      const tickets = book.find({ status, clientId, ticketId, category: textParam(q.Category), topic: textParam(q.TicketTopic) });
      return { responses: tickets.map((t) => ticketRow(t, nulls())) };
    });
  });

  app.get('/api/Ticket/:ticketId/details', async (request, reply) =>
    withTicket(request, reply, (ticketId) =>
      read('details', () => {
        const ticket = book.get(ticketId);
        if (!ticket) throw new TicketBookError(404, `ticket ${ticketId} not found`);
        return ticketDetailsBody(ticket, nulls());
      }),
    ),
  );

  app.post('/api/Ticket/:ticketId/notes', async (request, reply) =>
    withTicket(request, reply, (ticketId) => {
      const { note } = validBody(appendNoteBody, request.body);
      return write('note', () => ({ ticketNotes: [book.appendNote(ticketId, note)] }));
    }),
  );

  app.post('/api/Ticket', async (request, reply) =>
    answer(reply, () => {
      const body = validBody(createTicketBody, request.body);
      const createdBy = author(request);
      return write('create', () => {
        // SPEC §3: on creation `category` carries the topic code; Bruin files the product
        // category itself. A body with category "SD-WAN" is filed under topic "SD-WAN", where a
        // TicketTopic=VAS search never finds it, as in the real API.
        const ticket = book.create({
          clientId: body.clientId,
          topic: body.category,
          serviceNumbers: body.services.map((s) => s.serviceNumber),
          createdBy,
        });
        return { ticketIds: [ticket.ticketId] };
      });
    }),
  );

  app.put('/api/Ticket/:ticketId/details/:detailId/status', async (request, reply) =>
    withTicket(request, reply, (ticketId) => {
      const detailId = numberParam((request.params as Params).detailId);
      if (detailId === undefined || detailId === null) throw new TicketBookError(400, 'detailId must be a number');
      const { Status } = validBody(detailStatusBody, request.body);
      return write('status', () => {
        const ticket = book.setDetailStatus(ticketId, detailId, Status);
        return { ticketId, detailId, detailStatus: Status, ticketStatus: ticket.ticketStatus };
      });
    }),
  );

  registerRepairApi(app, { book, author, faults, write });
}

function withTicket(request: FastifyRequest, reply: FastifyReply, handle: (ticketId: number) => unknown) {
  return answer(reply, () => {
    const ticketId = numberParam((request.params as Params).ticketId);
    if (ticketId === undefined || ticketId === null) throw new TicketBookError(400, 'ticketId must be a number');
    return handle(ticketId);
  });
}
