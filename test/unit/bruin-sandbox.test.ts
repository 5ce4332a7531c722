/**
 * The Bruin sandbox as SPEC §3 describes Bruin, spoken to over plain HTTP (never through the
 * engine's client, whose mistakes it must be able to catch).
 */
import { request } from 'undici';
import { startBruinSandbox, type BruinSandbox } from '../../sandbox/bruin';

let bruin: BruinSandbox;
let token: string;

beforeAll(async () => {
  bruin = await startBruinSandbox({ clientId: 'engine', clientSecret: 'secret' });
});
afterAll(async () => bruin.stop());

beforeEach(async () => {
  bruin.reset();
  const basic = Buffer.from('engine:secret').toString('base64');
  const answer = await request(`${bruin.url}/identity/connect/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&scope=public_api',
  });
  token = ((await answer.body.json()) as { access_token: string }).access_token;
});

// The answers are whatever the sandbox sends: the tests look into them freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function api(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<{ status: number; json: Json; ms: number }> {
  const started = Date.now();
  const answer = await request(`${bruin.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await answer.body.text();
  return { status: answer.statusCode, json: text ? JSON.parse(text) : undefined, ms: Date.now() - started };
}

async function admin(path: string, body: unknown): Promise<void> {
  const answer = await request(`${bruin.url}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(answer.statusCode).toBe(200);
  await answer.body.dump();
}

const newTicket = (category: string, extra: Record<string, unknown> = {}) => ({
  clientId: 85940,
  category,
  services: [{ serviceNumber: 'VC0001' }],
  contacts: [{ email: 'site@example.com', phone: '555', name: 'Site', type: 'site' }],
  ...extra,
});

describe('Bruin sandbox: ticket creation as the real API files it', () => {
  it('files the topic from `category` and the product category itself', async () => {
    const created = await api('POST', '/api/Ticket', newTicket('VAS'));
    expect(created.status).toBe(200);
    const found = await api('GET', '/api/Ticket?ClientId=85940&TicketStatus=New&TicketTopic=VAS');
    expect(found.json.responses).toEqual([expect.objectContaining({ ticketID: created.json.ticketIds[0], category: 'SD-WAN', topic: 'VAS' })]);
  });

  it('ignores an invented ticketTopic: a ticket created with category SD-WAN is not found as VAS', async () => {
    const created = await api('POST', '/api/Ticket', newTicket('SD-WAN', { ticketTopic: 'VAS' }));
    expect(created.status).toBe(200);
    expect((await api('GET', '/api/Ticket?ClientId=85940&TicketStatus=New&TicketTopic=VAS')).json.responses).toEqual([]);
  });
});

describe('Bruin sandbox faults', () => {
  it('answers a kind of call after N seconds, the write landing only when the answer goes out', async () => {
    await admin('/__admin/bruin-faults', { answerAfterSeconds: { create: 1 } });
    const pending = api('POST', '/api/Ticket', newTicket('VAS'));
    await new Promise((r) => setTimeout(r, 500));
    expect(bruin.allTickets()).toHaveLength(0);
    const created = await pending;
    expect(created.ms).toBeGreaterThanOrEqual(900);
    expect(bruin.allTickets()).toHaveLength(1);
    // Reads are not slowed by a write fault.
    expect((await api('GET', '/api/Ticket?TicketStatus=New')).ms).toBeLessThan(900);
  });

  it('can land the write first and only answer late (a caller that dies meanwhile never hears)', async () => {
    await admin('/__admin/bruin-faults', { answerAfterSeconds: { note: 1 }, writesLand: 'before-wait' });
    const [ticket] = bruin.seedTickets({ clientId: 1, details: ['VC1'] });
    const pending = api('POST', `/api/Ticket/${ticket!.ticketId}/notes`, { note: 'hello' });
    await new Promise((r) => setTimeout(r, 300));
    expect(bruin.ticket(ticket!.ticketId)!.notes.map((n) => n.noteValue)).toEqual(['hello']);
    expect((await pending).status).toBe(200);
  });

  it('answers an error every Nth call', async () => {
    await admin('/__admin/bruin-faults', { errorEveryNth: { n: 3, status: 503 } });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await api('GET', '/api/Ticket?TicketStatus=New')).status);
    expect(statuses).toEqual([200, 200, 503, 200, 200, 503]);
  });

  it('serves null in every field the API does not promise', async () => {
    await admin('/__admin/bruin-faults', { nullUnusedFields: true });
    const [ticket] = bruin.seedTickets({ clientId: 1, details: ['VC1'] });
    const [row] = (await api('GET', '/api/Ticket?TicketStatus=New')).json.responses;
    expect(row).toMatchObject({ ticketID: ticket!.ticketId, createdBy: null, createDate: null, category: null, topic: null });
    const details = (await api('GET', `/api/Ticket/${ticket!.ticketId}/details`)).json;
    expect(details).toEqual({ ticketDetails: [expect.objectContaining({ detailValue: 'VC1', detailStatus: null })], ticketNotes: null });
  });

  it('refuses a malformed fault description', async () => {
    const answer = await request(`${bruin.url}/__admin/bruin-faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ answerAfterSeconds: { launch: 3 } }),
    });
    expect(answer.statusCode).toBe(400);
    await answer.body.dump();
  });
});
