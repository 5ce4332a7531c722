/**
 * Bruin's ticket API (SPEC §3). One attempt per call, plus one fresh login when the API refuses the
 * token; every failure is an ExternalCallError classified for Temporal's retry policy.
 */
import { ExternalCallError } from '../errors';
import { HttpClient, snippet, type HttpResponse } from '../http';
import { BruinTokenSource, trimSlash, type BruinEndpoint } from './token';
import {
  OPEN_TICKET_STATUSES,
  type CallEvent,
  type DetailStatusChange,
  type NewTicket,
  type OpenTicketQuery,
  type RepairRequest,
  type RepairResult,
  type Ticket,
  type TicketDetails,
  type TicketQuery,
  type TicketWithDetails,
} from './types';
import { createTicketResponse, repairResponse, repairResultFor, ticketDetailsResponse, ticketsResponse } from './wire';

export interface BruinClientOptions {
  timeoutMs?: number;
  /** Upper bound on API requests in flight; more wait in undici's queue. */
  maxConcurrentRequests?: number;
  onCall?: (event: CallEvent) => void;
  /** The clock used for token expiry (tests move it forward). */
  now?: () => number;
  /** Aborts calls whose activity attempt was given up (see HttpClientOptions.callSignal). */
  callSignal?: () => AbortSignal | undefined;
}

/** One call's bound; BRUIN_WRITE_SETTLE's default is derived from it (README, exactly once). */
export const BRUIN_CALL_TIMEOUT_MS = 20_000;

const CALLS = {
  tickets: 'GET /api/Ticket',
  details: 'GET /api/Ticket/{id}/details',
  note: 'POST /api/Ticket/{id}/notes',
  create: 'POST /api/Ticket',
  detailStatus: 'PUT /api/Ticket/{id}/details/{detailId}/status',
  repair: 'POST /api/Ticket/repair',
  severity: 'PUT /api/Ticket/{id}/severity',
} as const;

interface ApiRequest<T> {
  call: string;
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  read: (response: HttpResponse) => T;
}

export class BruinClient {
  private readonly api: HttpClient;
  private readonly identity: HttpClient;
  private readonly tokens: BruinTokenSource;
  private readonly baseUrl: string;

  constructor(
    private readonly config: BruinEndpoint,
    private readonly options: BruinClientOptions = {},
  ) {
    this.baseUrl = trimSlash(config.baseUrl);
    this.api = new HttpClient({
      system: 'bruin',
      target: new URL(config.baseUrl).host,
      connections: options.maxConcurrentRequests ?? 8,
      timeoutMs: options.timeoutMs ?? BRUIN_CALL_TIMEOUT_MS,
      callSignal: options.callSignal,
      secrets: () => [config.clientSecret, this.tokens.cached],
    });
    this.identity = new HttpClient({
      system: 'bruin',
      target: new URL(config.loginUrl).host,
      connections: 2,
      timeoutMs: options.timeoutMs ?? BRUIN_CALL_TIMEOUT_MS,
      callSignal: options.callSignal,
      secrets: () => [config.clientSecret, this.tokens.cached],
    });
    this.tokens = new BruinTokenSource(config, this.identity, (call, run) => this.observe(call, run), options.now);
  }

  /** Tickets in one status (the API takes exactly one per call), optionally narrowed by the other filters. */
  async getTickets(query: TicketQuery): Promise<Ticket[]> {
    return this.request({
      call: CALLS.tickets,
      method: 'GET',
      path: '/api/Ticket',
      query: {
        ClientId: query.clientId,
        TicketId: query.ticketId,
        TicketStatus: query.status,
        Category: query.category,
        TicketTopic: query.topic,
      },
      read: (response) => this.api.parse(CALLS.tickets, response, ticketsResponse),
    });
  }

  /** Tickets in New, InProgress or Draft: one call per status, merged by ticket id. */
  async getOpenTickets(query: OpenTicketQuery): Promise<Ticket[]> {
    const perStatus = await Promise.all(
      OPEN_TICKET_STATUSES.map((status) =>
        this.getTickets({ clientId: query.clientId, category: query.category, topic: query.topic, status }),
      ),
    );
    const byId = new Map<number, Ticket>();
    for (const ticket of perStatus.flat()) if (!byId.has(ticket.ticketId)) byId.set(ticket.ticketId, ticket);
    return [...byId.values()];
  }

  async getTicketDetails(ticketId: number): Promise<TicketDetails> {
    return this.request({
      call: CALLS.details,
      method: 'GET',
      path: `/api/Ticket/${ticketId}/details`,
      read: (response) => this.api.parse(CALLS.details, response, ticketDetailsResponse),
    });
  }

  /** Every open ticket of a client and topic, with its details and notes. */
  async findOpenTicketsWithDetails(query: OpenTicketQuery): Promise<TicketWithDetails[]> {
    const tickets = await this.getOpenTickets(query);
    return Promise.all(tickets.map(async (ticket): Promise<TicketWithDetails> => ({ ...ticket, ...(await this.getTicketDetails(ticket.ticketId)) })));
  }

  /** Open tickets of a client and topic with a detail for this serial, with their details and notes. */
  async findOpenTicketsForSerial(query: OpenTicketQuery & { serial: string }): Promise<TicketWithDetails[]> {
    const tickets = await this.findOpenTicketsWithDetails(query);
    return tickets.filter((ticket) => ticket.details.some((d) => serialKey(d.detailValue) === serialKey(query.serial)));
  }

  async appendNote(ticketId: number, note: string): Promise<void> {
    await this.request({
      call: CALLS.note,
      method: 'POST',
      path: `/api/Ticket/${ticketId}/notes`,
      body: { note },
      read: () => undefined,
    });
  }

  /** Creates a ticket of the topic with one detail per service and returns its id. */
  async createTicket(ticket: NewTicket): Promise<number> {
    const { topic, clientId, services, contacts } = ticket;
    return this.request({
      call: CALLS.create,
      method: 'POST',
      path: '/api/Ticket',
      body: { clientId, category: topic, services, contacts },
      read: (response) => this.api.parse(CALLS.create, response, createTicketResponse),
    });
  }

  async setDetailStatus(ticketId: number, detailId: number, status: DetailStatusChange): Promise<void> {
    await this.request({
      call: CALLS.detailStatus,
      method: 'PUT',
      path: `/api/Ticket/${ticketId}/details/${detailId}/status`,
      body: { Status: status },
      read: () => undefined,
    });
  }

  /** Opens (or joins) the outage ticket of one serial; what Bruin did is in the answer's errorCode. */
  async repairTicket(request: RepairRequest): Promise<RepairResult> {
    const { clientId, serial, description, interfaces } = request;
    return this.request({
      call: CALLS.repair,
      method: 'POST',
      path: '/api/Ticket/repair',
      body: { ClientID: clientId, WTNs: [serial], RequestDescription: description, WtnInterfaces: { [serial]: interfaces } },
      read: (response) => repairResultFor(this.api.parse(CALLS.repair, response, repairResponse), serial),
    });
  }

  async setSeverity(ticketId: number, severity: number, reason: string): Promise<void> {
    await this.request({
      call: CALLS.severity,
      method: 'PUT',
      path: `/api/Ticket/${ticketId}/severity`,
      body: { Severity: severity, Reason: reason },
      read: () => undefined,
    });
  }

  async close(): Promise<void> {
    await Promise.all([this.api.close(), this.identity.close()]);
  }

  private request<T>(req: ApiRequest<T>): Promise<T> {
    return this.observe(req.call, async () => {
      const url = this.url(req.path, req.query);
      let token = await this.tokens.token();
      let response = await this.send(req, url, token);
      if (response.status === 401) {
        // Tokens can be revoked before they expire; one fresh login settles whether ours was.
        this.tokens.invalidate(token);
        token = await this.tokens.token();
        response = await this.send(req, url, token);
        if (response.status === 401) throw this.api.statusError(req.call, response, 'token refused again after a fresh login');
      }
      if (response.status < 200 || response.status >= 300) {
        throw this.api.statusError(req.call, response, snippet(this.api.redact(response.text)));
      }
      return req.read(response);
    });
  }

  private send(req: ApiRequest<unknown>, url: string, token: string): Promise<HttpResponse> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (req.body !== undefined) headers['content-type'] = 'application/json';
    return this.api.send(req.call, url, {
      method: req.method,
      headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
    });
  }

  private url(path: string, query: ApiRequest<unknown>['query'] = {}): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
    const search = params.toString();
    return `${this.baseUrl}${path}${search ? `?${search}` : ''}`;
  }

  private async observe<T>(call: string, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await run();
      this.report(call, 'ok', started);
      return result;
    } catch (error) {
      this.report(call, error instanceof ExternalCallError ? error.kind : 'non-retryable', started);
      throw error;
    }
  }

  private report(call: string, outcome: CallEvent['outcome'], started: number): void {
    try {
      this.options.onCall?.({ call, outcome, seconds: (performance.now() - started) / 1000 });
    } catch {
      // Metrics must never turn a good call into a failed one.
    }
  }
}

/** A serial as Bruin's details may carry it, typed by people: spacing and case vary. */
export function serialKey(serial: string): string {
  return serial.trim().toUpperCase();
}
