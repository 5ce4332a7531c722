import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BruinClient, type BruinClientOptions, type CallEvent } from '../../clients/bruin';
import { ExternalCallError } from '../../clients/errors';
import { startBruinSandbox, type BruinSandbox } from '../../sandbox/bruin';

const SECRET = 'bruin-client-secret-7f3a9';

let sandbox: BruinSandbox;
const clients: BruinClient[] = [];
/** Every error any test saw, to prove none of them carries a secret. */
const seenErrors: unknown[] = [];

function client(options: BruinClientOptions = {}, overrides: Partial<BruinSandbox['config']> = {}): BruinClient {
  const c = new BruinClient({ ...sandbox.config, ...overrides }, options);
  clients.push(c);
  return c;
}

async function failure(promise: Promise<unknown>): Promise<ExternalCallError> {
  try {
    await promise;
  } catch (error) {
    seenErrors.push(error);
    if (error instanceof ExternalCallError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

function apiRequests(pathPart = '/api/') {
  return sandbox.received.filter((r) => r.path.includes(pathPart));
}

beforeAll(async () => {
  sandbox = await startBruinSandbox({ clientId: 'engine', clientSecret: SECRET });
});

beforeEach(() => {
  sandbox.reset();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await sandbox.stop();
  for (const error of seenErrors) {
    const e = error as ExternalCallError;
    const text = `${String(e)} ${e.message} ${JSON.stringify(e)} ${e.stack ?? ''}`;
    expect(text).not.toContain(SECRET);
  }
});

describe('Bruin login', () => {
  it('logs in with HTTP Basic client credentials and the client-credentials form', async () => {
    await client().getTickets({ status: 'New' });

    expect(sandbox.logins).toEqual([
      expect.objectContaining({
        clientId: 'engine',
        usedBasicAuth: true,
        contentType: 'application/x-www-form-urlencoded',
        grantType: 'client_credentials',
        scope: 'public_api',
        outcome: 'issued',
      }),
    ]);
    const tokenRequest = sandbox.received.find((r) => r.path === '/identity/connect/token');
    expect(tokenRequest?.method).toBe('POST');
    expect(tokenRequest?.body).toEqual({ grant_type: 'client_credentials', scope: 'public_api' });
  });

  it('reuses the token until a minute before it expires, then logs in again', async () => {
    let now = 1_700_000_000_000;
    const bruin = client({ now: () => now });

    await bruin.getTickets({ status: 'New' });
    now += 3_539_000;
    await bruin.getTickets({ status: 'Draft' });
    expect(sandbox.logins).toHaveLength(1);

    now += 2_000;
    await bruin.getTickets({ status: 'Draft' });
    expect(sandbox.logins).toHaveLength(2);
  });

  it('renews a short-lived token at 90 % of its life, before the API refuses it', async () => {
    sandbox.setTokenLifetime(1);
    const bruin = client();

    await bruin.getTickets({ status: 'New' });
    await new Promise((resolve) => setTimeout(resolve, 950));
    await bruin.getTickets({ status: 'New' });

    expect(sandbox.logins).toHaveLength(2);
    // A refused token would have shown up as a repeated API request.
    expect(apiRequests()).toHaveLength(2);
  });

  it('shares one login between concurrent callers', async () => {
    const bruin = client();
    await Promise.all([1, 2, 3, 4, 5].map(() => bruin.getTickets({ status: 'New' })));
    expect(sandbox.logins).toHaveLength(1);
  });

  it('logs in again once and repeats the call when the token is revoked mid-run', async () => {
    sandbox.seedTickets({ ticketId: 101, clientId: 7, topic: 'VOO', details: ['VC1'] });
    const bruin = client();
    await bruin.getTickets({ status: 'New' });

    expect(sandbox.revokeTokens()).toBe(1);
    const details = await bruin.getTicketDetails(101);

    expect(details.details.map((d) => d.detailValue)).toEqual(['VC1']);
    expect(sandbox.logins).toHaveLength(2);
    expect(apiRequests('/details')).toHaveLength(2);
  });

  it('gives up as non-retryable when a fresh token is refused too, after exactly one re-login', async () => {
    sandbox.tokensRefused = true;
    const error = await failure(client().getTickets({ status: 'New' }));

    expect(error.kind).toBe('non-retryable');
    expect(error.status).toBe(401);
    expect(error.message).toContain('GET /api/Ticket');
    expect(sandbox.logins).toHaveLength(2);
    expect(apiRequests()).toHaveLength(2);
  });

  it('treats a wrong client secret as non-retryable, without quoting it and without calling the API', async () => {
    const error = await failure(client({}, { clientSecret: 'not-the-secret-91b' }).getTickets({ status: 'New' }));

    expect(error.kind).toBe('non-retryable');
    expect(error.status).toBe(401);
    expect(error.call).toBe('POST /identity/connect/token');
    expect(error.message).toContain('invalid_client');
    expect(error.message).not.toContain('not-the-secret-91b');
    expect(sandbox.logins[0]?.outcome).toBe('bad-credentials');
    expect(apiRequests()).toHaveLength(0);
  });

  it('treats an identity server outage as retryable', async () => {
    sandbox.setFaults({ errorRate: 1, errorStatus: 503, pathContains: '/identity/' });
    const error = await failure(client().getTickets({ status: 'New' }));
    expect(error.kind).toBe('retryable');
    expect(error.call).toBe('POST /identity/connect/token');
  });
});

describe('Bruin ticket calls', () => {
  beforeEach(() => {
    sandbox.seedTickets([
      { ticketId: 1, clientId: 85940, ticketStatus: 'New', topic: 'VOO', details: ['VC0001'] },
      { ticketId: 2, clientId: 85940, ticketStatus: 'InProgress', topic: 'VOO', details: ['VC0002', 'VC0001'] },
      { ticketId: 3, clientId: 85940, ticketStatus: 'Draft', topic: 'VAS', details: ['VC0001'] },
      { ticketId: 4, clientId: 85940, ticketStatus: 'Resolved', topic: 'VOO', details: [{ detailValue: 'VC0001', detailStatus: 'R' }] },
      { ticketId: 5, clientId: 11111, ticketStatus: 'New', topic: 'VOO', details: ['VC0001'] },
      { ticketId: 6, clientId: 85940, ticketStatus: 'Draft', topic: 'VOO', category: 'Other', details: ['VC0003'] },
    ]);
  });

  it('reads tickets of one status, narrowed by client, ticket, category and topic', async () => {
    const bruin = client();

    const newOfClient = await bruin.getTickets({ clientId: 85940, status: 'New' });
    expect(newOfClient).toEqual([
      {
        ticketId: 1,
        clientId: 85940,
        ticketStatus: 'New',
        createDate: expect.any(String),
        createdBy: 'NOC operator',
        category: 'SD-WAN',
        topic: 'VOO',
        severity: 3,
      },
    ]);
    expect((await bruin.getTickets({ clientId: 85940, status: 'Draft', category: 'SD-WAN' })).map((t) => t.ticketId)).toEqual([3]);
    expect((await bruin.getTickets({ clientId: 85940, status: 'Draft', topic: 'VOO' })).map((t) => t.ticketId)).toEqual([6]);
    expect((await bruin.getTickets({ ticketId: 5, status: 'New' })).map((t) => t.ticketId)).toEqual([5]);

    expect(apiRequests()[0]?.query).toEqual({ ClientId: '85940', TicketStatus: 'New' });
    expect(apiRequests()[1]?.query).toEqual({ ClientId: '85940', TicketStatus: 'Draft', Category: 'SD-WAN' });
    expect(apiRequests()[2]?.query).toEqual({ ClientId: '85940', TicketStatus: 'Draft', TicketTopic: 'VOO' });
  });

  it('asks for open tickets one status per call and merges them', async () => {
    const open = await client().getOpenTickets({ clientId: 85940, topic: 'VOO' });

    expect(open.map((t) => t.ticketId).sort()).toEqual([1, 2, 6]);
    const statuses = apiRequests().map((r) => r.query.TicketStatus);
    expect(statuses.sort()).toEqual(['Draft', 'InProgress', 'New']);
  });

  it('is refused by the sandbox, as by Bruin, when a call asks for several statuses', async () => {
    const token = (await (
      await fetch(`${sandbox.loginUrl}/identity/connect/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`engine:${SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&scope=public_api',
      })
    ).json()) as { access_token: string };
    const headers = { authorization: `Bearer ${token.access_token}` };

    for (const query of ['TicketStatus=New&TicketStatus=Draft', 'TicketStatus=New,Draft', 'ClientId=85940']) {
      expect((await fetch(`${sandbox.apiUrl}/api/Ticket?${query}`, { headers })).status).toBe(400);
    }
    expect((await fetch(`${sandbox.apiUrl}/api/Ticket?TicketStatus=New`)).status).toBe(401);
  });

  it('finds the open tickets of a client and topic whose details carry a serial', async () => {
    const bruin = client();

    const found = await bruin.findOpenTicketsForSerial({ clientId: 85940, topic: 'VOO', serial: ' vc0001 ' });

    expect(found.map((t) => t.ticketId).sort()).toEqual([1, 2]);
    const second = found.find((t) => t.ticketId === 2);
    expect(second?.details.map((d) => d.detailValue)).toEqual(['VC0002', 'VC0001']);
    expect(await bruin.findOpenTicketsForSerial({ clientId: 85940, topic: 'VOO', serial: 'VC9999' })).toEqual([]);
  });

  it('reads details and notes of a ticket', async () => {
    sandbox.seedTickets({
      ticketId: 50,
      clientId: 85940,
      details: [{ detailId: 900, detailValue: 'VC0050', detailStatus: 'I' }],
      notes: [{ noteId: 77, noteValue: '#*Automation Engine*#\nTriage', createdDate: '2024-05-01T10:00:00Z' }],
    });

    expect(await client().getTicketDetails(50)).toEqual({
      details: [{ detailId: 900, detailValue: 'VC0050', detailStatus: 'I' }],
      notes: [{ noteId: 77, noteValue: '#*Automation Engine*#\nTriage', createdDate: '2024-05-01T10:00:00Z' }],
    });
  });

  it('creates a ticket with one detail per service and returns its id', async () => {
    const bruin = client();

    const services = [{ serviceNumber: 'VC0100' }, { serviceNumber: 'VC0101' }];
    const contacts = [
      { email: 'site@example.com', phone: '555-0100', name: 'Site Lead', type: 'site' as const },
      { email: 'noc@example.com', phone: '555-0101', name: 'NOC', type: 'ticket' as const },
    ];
    const ticketId = await bruin.createTicket({ clientId: 85940, topic: 'VAS', services, contacts });

    const created = sandbox.ticket(ticketId);
    expect(created).toMatchObject({ clientId: 85940, category: 'SD-WAN', topic: 'VAS', ticketStatus: 'New', createdBy: 'engine' });
    expect(created?.details.map((d) => d.detailValue)).toEqual(['VC0100', 'VC0101']);
    // SPEC §3: the topic code travels in `category`; Bruin has no `ticketTopic`.
    expect(apiRequests().at(-1)?.body).toEqual({ clientId: 85940, category: 'VAS', services, contacts });
    expect((await bruin.getOpenTickets({ clientId: 85940, topic: 'VAS' })).map((t) => t.ticketId)).toContain(ticketId);

    const details = await bruin.getTicketDetails(ticketId);
    expect(details.details.map((d) => d.detailValue)).toEqual(['VC0100', 'VC0101']);
    expect(details.notes).toEqual([]);
  });

  it('appends a note that the sandbox keeps with an id and a date', async () => {
    await client().appendNote(1, '#*Automation Engine*#\nEdge Name: Store 12');

    const notes = sandbox.ticket(1)?.notes;
    expect(notes).toEqual([{ noteId: expect.any(Number), noteValue: '#*Automation Engine*#\nEdge Name: Store 12', createdDate: expect.any(String) }]);
    expect(Number.isNaN(Date.parse(notes?.[0]?.createdDate ?? ''))).toBe(false);
  });

  it('resolves details (the ticket with the last one) and re-opens them', async () => {
    const bruin = client();
    const [first, second] = sandbox.ticket(2)!.details;

    await bruin.setDetailStatus(2, first!.detailId, 'R');
    expect(sandbox.ticket(2)?.ticketStatus).toBe('InProgress');
    await bruin.setDetailStatus(2, second!.detailId, 'R');
    expect(sandbox.ticket(2)?.ticketStatus).toBe('Resolved');
    expect((await bruin.getTickets({ ticketId: 2, status: 'Resolved' })).map((t) => t.ticketId)).toEqual([2]);

    await bruin.setDetailStatus(2, second!.detailId, 'O');
    expect(sandbox.ticket(2)).toMatchObject({ ticketStatus: 'InProgress', details: [{ detailStatus: 'R' }, { detailStatus: 'O' }] });
    expect(apiRequests('/status').at(-1)?.body).toEqual({ Status: 'O' });
  });

  it('treats an unknown ticket as non-retryable', async () => {
    const error = await failure(client().appendNote(424242, 'hello'));
    expect(error.kind).toBe('non-retryable');
    expect(error.status).toBe(404);
    expect(error.call).toBe('POST /api/Ticket/{id}/notes');
  });
});

describe('Bruin failures', () => {
  it('reports 429 as rate-limited with the Retry-After delay', async () => {
    sandbox.setFaults({ rateLimitNext: 1, retryAfterSeconds: 7, pathContains: '/api/' });
    const error = await failure(client().getTickets({ status: 'New' }));
    expect(error.kind).toBe('rate-limited');
    expect(error.retryAfterMs).toBe(7_000);
    expect(error.failureType).toBe('bruin.rate-limited');
  });

  it('reports 5xx as retryable', async () => {
    sandbox.setFaults({ errorRate: 1, errorStatus: 502, pathContains: '/api/' });
    const error = await failure(client().getTicketDetails(1));
    expect(error.kind).toBe('retryable');
    expect(error.status).toBe(502);
  });

  it('reports a timeout as retryable', async () => {
    sandbox.setFaults({ latencyMs: 600, pathContains: '/api/' });
    const error = await failure(client({ timeoutMs: 150 }).getTickets({ status: 'New' }));
    expect(error.kind).toBe('retryable');
    expect(error.message).toContain('timed out');
  });

  it('reports a refused connection as retryable', async () => {
    const error = await failure(client({}, { baseUrl: 'http://127.0.0.1:9', loginUrl: 'http://127.0.0.1:9' }).getTickets({ status: 'New' }));
    expect(error.kind).toBe('retryable');
  });

  it('reports a malformed ticket list as non-retryable, naming the call and the field', async () => {
    sandbox.setFaults({ malformedNext: 1 });
    const error = await failure(client().getTickets({ status: 'New' }));
    expect(error.kind).toBe('non-retryable');
    expect(error.message).toContain('GET /api/Ticket');
    expect(error.message).toContain('responses[0].ticketID');
    // The fault was meant for the API call: the login before it went through.
    expect(sandbox.logins[0]?.outcome).toBe('issued');
  });

  it('reports malformed details as non-retryable, naming the call and the field', async () => {
    sandbox.seedTickets({ ticketId: 9, clientId: 1 });
    sandbox.setFaults({ malformedNext: 1, pathContains: '/details' });
    const error = await failure(client().getTicketDetails(9));
    expect(error.kind).toBe('non-retryable');
    expect(error.message).toContain('GET /api/Ticket/{id}/details');
    expect(error.message).toContain('ticketDetails[0].detailID');
  });

  it('reports a malformed token answer as non-retryable when the fault targets the login', async () => {
    sandbox.setFaults({ malformedNext: 1, pathContains: '/identity/' });
    const error = await failure(client().getTickets({ status: 'New' }));
    expect(error.kind).toBe('non-retryable');
    expect(error.message).toContain('access_token');
  });

  it('reports every HTTP call with its outcome and duration', async () => {
    const events: CallEvent[] = [];
    const bruin = client({ onCall: (e) => events.push(e) });
    await bruin.getTickets({ status: 'New' });
    sandbox.setFaults({ rateLimitNext: 1, pathContains: '/api/' });
    await failure(bruin.getTickets({ status: 'New' }));

    expect(events.map(({ call, outcome }) => ({ call, outcome }))).toEqual([
      { call: 'POST /identity/connect/token', outcome: 'ok' },
      { call: 'GET /api/Ticket', outcome: 'ok' },
      { call: 'GET /api/Ticket', outcome: 'rate-limited' },
    ]);
    expect(events.every((e) => e.seconds >= 0 && e.seconds < 10)).toBe(true);
  });
});

describe('Bruin payloads beyond the sandbox', () => {
  let fake: Server;
  let answer: { status: number; body: string };

  beforeAll(async () => {
    fake = createServer((request, response) => {
      if (request.url?.startsWith('/identity/')) {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'fake-token-abc123' }));
        return;
      }
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => fake.close(resolve));
  });

  function fakeClient(): BruinClient {
    const url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    const c = new BruinClient({ baseUrl: url, loginUrl: url, clientId: 'engine', clientSecret: SECRET });
    clients.push(c);
    return c;
  }

  it('tolerates nulls and missing optional fields, numeric-string ids and extra fields', async () => {
    answer = {
      status: 200,
      body: JSON.stringify({
        ticketDetails: [{ detailID: '12', detailValue: 'VC1', detailStatus: 'I', detailType: null }],
        ticketNotes: [{ noteId: 3, noteValue: null, createdDate: '2024-01-01T00:00:00Z', serviceNumber: null }],
      }),
    };
    expect(await fakeClient().getTicketDetails(1)).toEqual({
      details: [{ detailId: 12, detailValue: 'VC1', detailStatus: 'I' }],
      notes: [{ noteId: 3, noteValue: '', createdDate: '2024-01-01T00:00:00Z' }],
    });

    answer = { status: 200, body: JSON.stringify({ ticketDetails: [], ticketNotes: null }) };
    expect(await fakeClient().getTicketDetails(1)).toEqual({ details: [], notes: [] });

    answer = {
      status: 200,
      body: JSON.stringify({
        responses: [{ ticketID: 5, clientID: 6, ticketStatus: 'New', createDate: 'd', createdBy: 'u', category: 'SD-WAN', topic: null }],
      }),
    };
    const [ticket] = await fakeClient().getTickets({ status: 'New' });
    expect(ticket).toEqual({ ticketId: 5, clientId: 6, ticketStatus: 'New', createDate: 'd', createdBy: 'u', category: 'SD-WAN' });

    // Nothing but the id is needed of a ticket row: every other field may be null or missing.
    answer = {
      status: 200,
      body: JSON.stringify({ responses: [{ ticketID: 7, clientID: null, ticketStatus: null, createDate: null, createdBy: null, category: null }, { ticketID: 8 }] }),
    };
    expect(await fakeClient().getTickets({ status: 'New' })).toEqual([{ ticketId: 7 }, { ticketId: 8 }]);

    answer = {
      status: 200,
      body: JSON.stringify({
        ticketDetails: [{ detailID: 1, detailValue: null, detailStatus: null }],
        ticketNotes: [{ noteId: null, noteValue: '#*Automation Engine*#', createdDate: null }],
      }),
    };
    expect(await fakeClient().getTicketDetails(1)).toEqual({ details: [{ detailId: 1, detailValue: '' }], notes: [{ noteValue: '#*Automation Engine*#' }] });
  });

  it('names the missing required field', async () => {
    answer = { status: 200, body: JSON.stringify({ responses: [{ clientID: 6, ticketStatus: 'New', createDate: 'd', createdBy: 'u' }] }) };
    const error = await failure(fakeClient().getTickets({ status: 'New' }));
    expect(error.kind).toBe('non-retryable');
    expect(error.message).toMatch(/GET \/api\/Ticket: .*responses\[0\]\.ticketID/);
  });

  it('refuses a created ticket without an id', async () => {
    answer = { status: 200, body: JSON.stringify({ ticketIds: [] }) };
    const error = await failure(fakeClient().createTicket({ clientId: 1, topic: 'VAS', services: [{ serviceNumber: 'VC1' }], contacts: [] }));
    expect(error.kind).toBe('non-retryable');
    expect(error.message).toContain('ticketIds');
  });

  it('never repeats the secret or the token an error body echoes', async () => {
    answer = { status: 400, body: JSON.stringify({ message: `bad request from ${SECRET} with Bearer fake-token-abc123` }) };
    const error = await failure(fakeClient().appendNote(1, 'x'));
    expect(error.kind).toBe('non-retryable');
    expect(error.message).toContain('bad request from ***');
    expect(error.message).not.toContain('fake-token-abc123');
  });
});

describe('Bruin sandbox admin API', () => {
  it('seeds and reads tickets, revokes tokens and lists logins over HTTP', async () => {
    const admin = (path: string, init?: RequestInit) =>
      fetch(`${sandbox.url}/__admin/${path}`, { ...init, headers: { 'content-type': 'application/json' } });

    const seeded = (await (
      await admin('tickets', { method: 'POST', body: JSON.stringify([{ ticketId: 300, clientId: 9, topic: 'VOO', details: ['VC300'], notes: ['first'] }]) })
    ).json()) as { ticketId: number }[];
    expect(seeded.map((t) => t.ticketId)).toEqual([300]);

    const bruin = client();
    await bruin.appendNote(300, 'second');
    const ticket = (await (await admin('tickets/300')).json()) as { notes: { noteValue: string }[] };
    expect(ticket.notes.map((n) => n.noteValue)).toEqual(['first', 'second']);
    expect(((await (await admin('tickets')).json()) as unknown[]).length).toBe(1);

    expect(await (await admin('tokens/revoke', { method: 'POST', body: '{}' })).json()).toEqual({ revoked: 1 });
    await bruin.getTicketDetails(300);
    const logins = (await (await admin('logins')).json()) as { outcome: string }[];
    expect(logins.map((l) => l.outcome)).toEqual(['issued', 'issued']);
    expect(JSON.stringify(logins)).not.toContain(SECRET);

    await admin('reset', { method: 'POST', body: '{}' });
    expect((await admin('tickets/300')).status).toBe(404);
  });
});
