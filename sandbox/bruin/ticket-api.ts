/** Bruin's ticket API routes, served from the sandbox's ticket book (callers are authenticated before these run). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { answer, numberParam, textParam, validBody } from './requests';
import { TicketBookError, type TicketBook } from './tickets';
import { appendNoteBody, createTicketBody, detailStatusBody, ticketDetailsBody, ticketRow } from './wire';

type Params = { ticketId?: string; detailId?: string };

export function registerTicketApi(app: FastifyInstance, book: TicketBook, author: (request: FastifyRequest) => string): void {
  app.get('/api/Ticket', async (request, reply) => {
    const q = request.query as Record<string, string | string[] | undefined>;
    const status = q.TicketStatus;
    if (typeof status !== 'string' || status === '' || status.includes(',')) {
      return reply.code(400).send({ message: 'Exactly one TicketStatus is required.' });
    }
    const clientId = numberParam(q.ClientId);
    const ticketId = numberParam(q.TicketId);
    if (clientId === null || ticketId === null) return reply.code(400).send({ message: 'ClientId and TicketId must be numbers.' });
    const tickets = book.find({
      status,
      clientId,
      ticketId,
      category: textParam(q.Category),
      topic: textParam(q.TicketTopic),
    });
    return { responses: tickets.map(ticketRow) };
  });

  app.get('/api/Ticket/:ticketId/details', async (request, reply) =>
    withTicket(request, reply, (ticketId) => {
      const ticket = book.get(ticketId);
      if (!ticket) throw new TicketBookError(404, `ticket ${ticketId} not found`);
      return ticketDetailsBody(ticket);
    }),
  );

  app.post('/api/Ticket/:ticketId/notes', async (request, reply) =>
    withTicket(request, reply, (ticketId) => {
      const { note } = validBody(appendNoteBody, request.body);
      return { ticketNotes: [book.appendNote(ticketId, note)] };
    }),
  );

  app.post('/api/Ticket', async (request, reply) =>
    answer(reply, () => {
      const body = validBody(createTicketBody, request.body);
      const ticket = book.create({
        clientId: body.clientId,
        category: body.category,
        topic: body.ticketTopic ?? body.topic,
        serviceNumbers: body.services.map((s) => s.serviceNumber),
        createdBy: author(request),
      });
      return { ticketIds: [ticket.ticketId] };
    }),
  );

  app.put('/api/Ticket/:ticketId/details/:detailId/status', async (request, reply) =>
    withTicket(request, reply, (ticketId) => {
      const detailId = numberParam((request.params as Params).detailId);
      if (detailId === undefined || detailId === null) throw new TicketBookError(400, 'detailId must be a number');
      const { Status } = validBody(detailStatusBody, request.body);
      const ticket = book.setDetailStatus(ticketId, detailId, Status);
      return { ticketId, detailId, detailStatus: Status, ticketStatus: ticket.ticketStatus };
    }),
  );
}

function withTicket(request: FastifyRequest, reply: FastifyReply, handle: (ticketId: number) => unknown) {
  return answer(reply, () => {
    const ticketId = numberParam((request.params as Params).ticketId);
    if (ticketId === undefined || ticketId === null) throw new TicketBookError(400, 'ticketId must be a number');
    return handle(ticketId);
  });
}
