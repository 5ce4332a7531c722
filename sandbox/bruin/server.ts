/**
 * A loopback Bruin: the identity server's token endpoint and the ticket API (SPEC §3), with an
 * admin API to seed tickets, read what the engine wrote and revoke tokens.
 *
 *   POST   /identity/connect/token          HTTP Basic client credentials, form grant_type=client_credentials
 *   GET    /api/Ticket                       exactly one TicketStatus; ClientId, TicketId, Category, TicketTopic
 *   GET    /api/Ticket/:ticketId/details
 *   POST   /api/Ticket/:ticketId/notes       {note}
 *   POST   /api/Ticket                       {clientId, category (the topic code), services, contacts}; other fields ignored
 *   PUT    /api/Ticket/:ticketId/details/:detailId/status   {Status: R|O}
 *   POST   /api/Ticket/repair, PUT /api/Ticket/:ticketId/severity, PUT /__admin/repair-outcomes (repair-api.ts)
 *
 *   GET    /__admin/tickets                  every ticket with its details and notes
 *   GET    /__admin/tickets/:ticketId
 *   POST   /__admin/tickets                  seed one TicketSeed or a list of them
 *   DELETE /__admin/tickets                  forget every ticket
 *   POST   /__admin/tokens/revoke            revoke every token (as if they had all expired)
 *   PUT    /__admin/tokens                   {expiresInSeconds?, refused?}: lifetime of new tokens; refuse every token
 *   GET    /__admin/logins                   token requests received (never the secret)
 *   PUT    /__admin/bruin-faults             slow answers per call kind, an error every Nth call, null unused fields (faults.ts)
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { SandboxServer, type SandboxOptions } from '../server';
import { bruinFaultsBody, NO_BRUIN_FAULTS, type BruinFaults } from './faults';
import { answer, parseBasic } from './requests';
import { registerTicketApi } from './ticket-api';
import { TicketBook, type SandboxTicket, type TicketSeed } from './tickets';
import { TokenIssuer } from './tokens';
import { malformedApiBody } from './wire';

export const TOKEN_PATH = '/identity/connect/token';

export interface BruinSandboxOptions extends SandboxOptions {
  clientId?: string;
  clientSecret?: string;
  expiresInSeconds?: number;
  /** Tickets present at start and after every reset. */
  tickets?: TicketSeed[];
}

export interface LoginAttempt {
  at: string;
  /** The client id from the Basic header, if one was sent. */
  clientId?: string;
  usedBasicAuth: boolean;
  contentType?: string;
  grantType?: string;
  scope?: string;
  outcome: 'issued' | 'bad-credentials' | 'bad-grant';
}

export class BruinSandbox extends SandboxServer {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tokens: TokenIssuer;
  readonly logins: LoginAttempt[] = [];
  /** When set, the API answers 401 to every token, as after a permissions change at Bruin. */
  tokensRefused = false;
  bruinFaults: BruinFaults = NO_BRUIN_FAULTS;
  private apiCalls = 0;
  private readonly book = new TicketBook();
  private readonly initialTickets: TicketSeed[];
  private readonly defaultExpiresIn: number;

  constructor(options: BruinSandboxOptions = {}) {
    super('bruin', options);
    this.clientId = options.clientId ?? 'automation-engine';
    this.clientSecret = options.clientSecret ?? 'bruin-sandbox-secret';
    this.defaultExpiresIn = options.expiresInSeconds ?? 3600;
    this.tokens = new TokenIssuer(this.defaultExpiresIn);
    this.initialTickets = options.tickets ?? [];
    this.book.seed(this.initialTickets);
  }

  /** What to put in BRUIN_BASE_URL, BRUIN_LOGIN_URL and the credentials, once started. */
  get config(): { baseUrl: string; loginUrl: string; clientId: string; clientSecret: string } {
    return { baseUrl: this.url, loginUrl: this.url, clientId: this.clientId, clientSecret: this.clientSecret };
  }

  get env(): Record<'BRUIN_BASE_URL' | 'BRUIN_LOGIN_URL' | 'BRUIN_CLIENT_ID' | 'BRUIN_CLIENT_SECRET', string> {
    const c = this.config;
    return { BRUIN_BASE_URL: c.baseUrl, BRUIN_LOGIN_URL: c.loginUrl, BRUIN_CLIENT_ID: c.clientId, BRUIN_CLIENT_SECRET: c.clientSecret };
  }

  get apiUrl(): string {
    return this.url;
  }

  get loginUrl(): string {
    return this.url;
  }

  seedTickets(seeds: TicketSeed | TicketSeed[]): SandboxTicket[] {
    return this.book.seed(Array.isArray(seeds) ? seeds : [seeds]);
  }

  allTickets(): SandboxTicket[] {
    return this.book.all();
  }

  ticket(ticketId: number): SandboxTicket | undefined {
    return this.book.get(ticketId);
  }

  clearTickets(): void {
    this.book.clear();
  }

  revokeTokens(): number {
    return this.tokens.revokeAll();
  }

  setTokenLifetime(expiresInSeconds: number): void {
    this.tokens.expiresInSeconds = expiresInSeconds;
  }

  /** Back to the start-up tickets, no tokens, no logins. */
  setBruinFaults(faults: Partial<BruinFaults>): BruinFaults {
    this.bruinFaults = bruinFaultsBody.parse(faults);
    this.apiCalls = 0;
    return this.bruinFaults;
  }

  protected resetState(): void {
    this.setBruinFaults({});
    this.book.clear();
    this.book.seed(this.initialTickets);
    this.tokens.revokeAll();
    this.tokens.expiresInSeconds = this.defaultExpiresIn;
    this.tokensRefused = false;
    this.logins.length = 0;
  }

  /** Leaves logins alone unless the fault targets them, so a malformed-body fault reaches the API call under test. */
  protected override malformedBody(request: FastifyRequest): string | undefined {
    if (request.url.startsWith(TOKEN_PATH)) return this.faults.pathContains ? JSON.stringify({ token: null }) : undefined;
    return malformedApiBody(request.routeOptions.url);
  }

  protected routes(app: FastifyInstance): void {
    void app.register(formbody);
    // After the base class has recorded the request, so refused calls show in the received log too.
    app.addHook('preHandler', async (request, reply) => {
      if (!request.url.startsWith('/api/')) return;
      const every = this.bruinFaults.errorEveryNth;
      this.apiCalls += 1;
      if (every && this.apiCalls % every.n === 0) {
        return reply.code(every.status).send({ message: every.status === 401 ? 'Authorization has been denied for this request.' : 'Injected failure' });
      }
      if (!this.bearerHolder(request)) {
        return reply.code(401).send({ message: 'Authorization has been denied for this request.' });
      }
    });
    app.post(TOKEN_PATH, async (request, reply) => {
      const seconds = this.bruinFaults.answerAfterSeconds.tokens ?? 0;
      if (seconds) await sleep(seconds * 1000);
      return this.login(request, reply);
    });
    registerTicketApi(app, {
      book: this.book,
      author: (request) => this.bearerHolder(request) ?? this.clientId,
      faults: () => this.bruinFaults,
    });
    this.adminRoutes(app);
  }

  private login(request: FastifyRequest, reply: FastifyReply) {
    const form = (request.body ?? {}) as Record<string, unknown>;
    const basic = parseBasic(request.headers.authorization);
    const attempt: LoginAttempt = {
      at: new Date().toISOString(),
      clientId: basic?.user,
      usedBasicAuth: basic !== undefined,
      contentType: request.headers['content-type'],
      grantType: typeof form.grant_type === 'string' ? form.grant_type : undefined,
      scope: typeof form.scope === 'string' ? form.scope : undefined,
      outcome: 'issued',
    };
    this.logins.push(attempt);
    if (!basic || basic.user !== this.clientId || basic.password !== this.clientSecret) {
      attempt.outcome = 'bad-credentials';
      return reply.code(401).send({ error: 'invalid_client' });
    }
    if (attempt.grantType !== 'client_credentials') {
      attempt.outcome = 'bad-grant';
      return reply.code(400).send({ error: 'unsupported_grant_type' });
    }
    return this.tokens.issue(basic.user);
  }

  private adminRoutes(app: FastifyInstance): void {
    app.get('/__admin/tickets', async () => this.book.all());
    app.get('/__admin/tickets/:ticketId', async (request, reply) => {
      const ticket = this.book.get(Number((request.params as { ticketId?: string }).ticketId));
      return ticket ?? reply.code(404).send({ message: 'no such ticket' });
    });
    app.post('/__admin/tickets', async (request, reply) =>
      answer(reply, () => this.seedTickets((request.body ?? []) as TicketSeed | TicketSeed[])),
    );
    app.delete('/__admin/tickets', async () => {
      this.book.clear();
      return { ok: true };
    });
    app.post('/__admin/tokens/revoke', async () => ({ revoked: this.revokeTokens() }));
    app.put('/__admin/tokens', async (request, reply) => {
      const { expiresInSeconds, refused } = (request.body ?? {}) as { expiresInSeconds?: unknown; refused?: unknown };
      if (expiresInSeconds !== undefined && (typeof expiresInSeconds !== 'number' || expiresInSeconds <= 0)) {
        return reply.code(400).send({ message: 'expiresInSeconds must be a positive number' });
      }
      if (refused !== undefined && typeof refused !== 'boolean') return reply.code(400).send({ message: 'refused must be true or false' });
      if (expiresInSeconds !== undefined) this.setTokenLifetime(expiresInSeconds);
      if (refused !== undefined) this.tokensRefused = refused;
      return { expiresInSeconds: this.tokens.expiresInSeconds, refused: this.tokensRefused };
    });
    app.get('/__admin/logins', async () => this.logins);
    app.get('/__admin/bruin-faults', async () => this.bruinFaults);
    app.put('/__admin/bruin-faults', async (request, reply) => {
      const parsed = bruinFaultsBody.safeParse(request.body ?? {});
      if (!parsed.success) return reply.code(400).send({ message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      return this.setBruinFaults(parsed.data);
    });
  }

  private bearerHolder(request: FastifyRequest): string | undefined {
    const match = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '');
    return match?.[1] && !this.tokensRefused ? this.tokens.holder(match[1]) : undefined;
  }
}

export interface StartBruinSandboxOptions {
  port?: number;
  clientId?: string;
  clientSecret?: string;
  expiresInSeconds?: number;
  /** Tickets to start with, or the number that seeds the sandbox's random faults. */
  seed?: TicketSeed[] | number;
  tickets?: TicketSeed[];
}

export async function startBruinSandbox(options: StartBruinSandboxOptions = {}): Promise<BruinSandbox> {
  const { seed, tickets, ...rest } = options;
  const sandbox = new BruinSandbox({
    ...rest,
    seed: typeof seed === 'number' ? seed : undefined,
    tickets: [...(Array.isArray(seed) ? seed : []), ...(tickets ?? [])],
  });
  await sandbox.start();
  return sandbox;
}
