import { ExternalCallError } from '../../clients/errors';
import { VelocloudClient, VelocloudClients, type VelocloudCallEvent, type VelocloudClientOptions } from '../../clients/velocloud';
import { generateFleet, startVelocloudSandbox, type FleetEdge, type VelocloudSandbox } from '../../sandbox/velocloud';
import { failure } from '../support/errors';

const NOW = new Date('2026-11-28T07:41:26.000Z');
const fleet = generateFleet({ seed: 11, hosts: ['vco.test'], enterprisesPerHost: 3, edgesPerEnterprise: 12, faultyShare: 0.3, now: NOW });

let sandbox: VelocloudSandbox;
const clients: VelocloudClient[] = [];

function newClient(options: VelocloudClientOptions = {}, password?: string): VelocloudClient {
  const host = sandbox.velocloudHost();
  const client = new VelocloudClient(password ? { ...host, password } : host, { timeoutMs: 5_000, ...options });
  clients.push(client);
  return client;
}

function edgesWhere(match: (edge: FleetEdge) => boolean): FleetEdge[] {
  return sandbox.fleet.enterprises().flatMap((e) => e.edges.filter(match));
}

function anEdge(match: (edge: FleetEdge) => boolean = () => true): FleetEdge {
  const edge = edgesWhere(match)[0];
  if (!edge) throw new Error('the test fleet has no such edge');
  return edge;
}

const lastHour = () => ({ start: new Date(Date.now() - 3_600_000), end: new Date() });
const edge = () => anEdge((e) => e.edgeState === 'CONNECTED');

beforeAll(async () => {
  sandbox = await startVelocloudSandbox({ fleet, username: 'noc@example.com', password: 'p+ss word' });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  sandbox.reset();
});

afterAll(async () => {
  await sandbox.stop();
});

describe('VelocloudClient calls', () => {
  test('getAggregates lists every enterprise and the edge count', async () => {
    const aggregates = await newClient().getAggregates();
    const truth = sandbox.fleetTruth();
    expect(aggregates.edgeCount).toBe(truth.edges.length);
    expect(aggregates.enterprises).toEqual(truth.enterprises.map(({ id, name }) => ({ id, name })));
  });

  test('getEnterpriseEdges returns the edges of one enterprise with their identity and state', async () => {
    const client = newClient();
    for (const enterprise of sandbox.fleet.enterprises()) {
      const { rows: edges, problems } = await client.getEnterpriseEdges(enterprise.id);
      expect(problems).toEqual([]);
      expect(edges.map((e) => [e.id, e.enterpriseId, e.serialNumber, e.edgeState, e.name, e.modelNumber])).toEqual(
        enterprise.edges.map((e) => [e.id, enterprise.id, e.serialNumber, e.edgeState, e.name, e.modelNumber]),
      );
    }
  });

  test('getEdge returns the edge with ISO dates', async () => {
    const truth = anEdge((e) => e.edgeState === 'CONNECTED');
    const edge = await newClient().getEdge(truth.enterpriseId, truth.id);
    expect(edge).toEqual({
      id: truth.id,
      enterpriseId: truth.enterpriseId,
      name: truth.name,
      serialNumber: truth.serialNumber,
      edgeState: 'CONNECTED',
      lastContact: truth.lastContact,
      modelNumber: truth.modelNumber,
      activationTime: truth.activationTime,
    });
    expect(edge.serialNumber).toMatch(/^VC\d{11}$/);
  });

  test('getEdge turns the 0000-00-00 last contact of a never-contacted edge into null', async () => {
    const truth = anEdge((e) => e.edgeState === 'NEVER_ACTIVATED');
    const edge = await newClient().getEdge(truth.enterpriseId, truth.id);
    expect(sandbox.fleet.edge(truth.id)?.lastContact).toBe('0000-00-00 00:00:00');
    expect(edge.lastContact).toBeNull();
    expect(edge).not.toHaveProperty('activationTime');
  });

  test('getEnterprise returns id and name', async () => {
    const enterprise = sandbox.fleet.enterprises()[1]!;
    await expect(newClient().getEnterprise(enterprise.id)).resolves.toEqual({ id: enterprise.id, name: enterprise.name });
  });

  test('getEdgeLinkMetrics flattens the nested link object', async () => {
    const truth = anEdge((e) => e.links.length >= 2);
    const links = await newClient().getEdgeLinkMetrics(truth.enterpriseId, truth.id, lastHour());
    expect(links).toEqual(
      truth.links.map((l) => ({
        linkId: l.linkId,
        interface: l.interface,
        displayName: l.displayName,
        state: l.state,
        backupState: l.backupState,
        bestLatencyMsRx: l.bestLatencyMsRx,
        bestLatencyMsTx: l.bestLatencyMsTx,
        bestLossPctRx: l.bestLossPctRx,
        bestLossPctTx: l.bestLossPctTx,
        bestJitterMsRx: l.bestJitterMsRx,
        bestJitterMsTx: l.bestJitterMsTx,
        bytesRx: l.bytesRx,
        bytesTx: l.bytesTx,
        bpsOfBestPathRx: l.bpsOfBestPathRx,
        bpsOfBestPathTx: l.bpsOfBestPathTx,
      })),
    );
    expect(links.map((l) => l.interface).slice(0, 2)).toEqual(['GE1', 'GE2']);
  });

  test('getEdgeAppLinkMetrics returns the service groups of each link', async () => {
    const truth = anEdge((e) => e.links.some((l) => l.serviceGroups.includes('PUBLIC_WIRELESS')));
    const groups = await newClient().getEdgeAppLinkMetrics(truth.enterpriseId, truth.id);
    expect(groups).toEqual(truth.links.map((l) => ({ linkId: l.linkId, serviceGroups: l.serviceGroups })));
  });

  test('getEnterpriseEvents filters by edge, interval and limit, newest first', async () => {
    const [edge, other] = edgesWhere((e) => e.edgeState === 'CONNECTED');
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
    const linkDeadAt = at(50);
    sandbox.addEvents(edge!.id, [
      { event: 'LINK_DEAD', interface: 'GE2', eventTime: linkDeadAt },
      { event: 'LINK_ALIVE', interface: 'GE2', eventTime: at(40) },
      { event: 'EDGE_DOWN', eventTime: at(30) },
      { event: 'EDGE_UP', eventTime: at(20) },
      { event: 'EDGE_DOWN', eventTime: at(600) },
    ]);
    sandbox.addEvents(other!.id, [{ event: 'EDGE_DOWN', eventTime: at(25) }]);
    const client = newClient();
    const events = await client.getEnterpriseEvents(edge!.enterpriseId, { edgeIds: [edge!.id], interval: lastHour() });
    expect(events.map((e) => e.event)).toEqual(['EDGE_UP', 'EDGE_DOWN', 'LINK_ALIVE', 'LINK_DEAD']);
    expect(events[3]).toEqual({
      event: 'LINK_DEAD',
      category: 'NETWORK',
      message: 'Link GE2 is now DEAD',
      eventTime: linkDeadAt,
      edgeName: edge!.name,
    });
    expect(events[2]!.message).toBe('Link GE2 is no longer DEAD');
    const limited = await client.getEnterpriseEvents(edge!.enterpriseId, { edgeIds: [edge!.id], interval: lastHour(), limit: 2 });
    expect(limited.map((e) => e.event)).toEqual(['EDGE_UP', 'EDGE_DOWN']);
    expect(sandbox.received.filter((r) => r.path.endsWith('getEnterpriseEvents'))).toHaveLength(2);
  });

  test('getEnterpriseEdgeLinkStatus returns one row per link, and one link-less row per edge without links', async () => {
    const { rows, problems } = await newClient().getEnterpriseEdgeLinkStatus();
    expect(problems).toEqual([]);
    const edges = edgesWhere(() => true);
    expect(rows).toHaveLength(edges.reduce((n, e) => n + Math.max(1, e.links.length), 0));
    const bare = anEdge((e) => e.links.length === 0);
    expect(rows.filter((r) => r.edgeId === bare.id)).toEqual([
      expect.objectContaining({ edgeId: bare.id, edgeState: 'NEVER_ACTIVATED', edgeLastContact: null, link: null }),
    ]);
    const linked = anEdge((e) => e.links.length > 0);
    const enterprise = sandbox.fleet.enterprise(linked.enterpriseId)!;
    expect(rows.filter((r) => r.edgeId === linked.id)).toEqual(
      linked.links.map((l) => ({
        enterpriseId: enterprise.id,
        enterpriseName: enterprise.name,
        edgeId: linked.id,
        edgeName: linked.name,
        edgeState: linked.edgeState,
        edgeSerialNumber: linked.serialNumber,
        edgeModelNumber: linked.modelNumber,
        edgeLastContact: linked.lastContact,
        edgeHASerialNumber: '',
        link: { linkId: l.linkId, interface: l.interface, displayName: l.displayName, state: l.state },
      })),
    );
  });

  test('getAggregateEdgeLinkMetrics returns every link with its edge and enterprise, read from the flat link fields', async () => {
    const client = newClient();
    const { rows, problems } = await client.getAggregateEdgeLinkMetrics(lastHour());
    expect(problems).toEqual([]);
    const edges = edgesWhere(() => true);
    expect(rows).toHaveLength(edges.reduce((n, e) => n + e.links.length, 0));
    const edge = anEdge((e) => e.links.length > 0);
    const link = edge.links[0]!;
    const enterprise = sandbox.fleet.enterprise(edge.enterpriseId)!;
    expect(rows.find((r) => r.linkId === link.linkId)).toEqual({
      linkId: link.linkId,
      interface: 'GE1',
      displayName: link.displayName,
      state: link.state,
      enterpriseId: edge.enterpriseId,
      enterpriseName: enterprise.name,
      edgeId: edge.id,
      edgeName: edge.name,
      edgeState: edge.edgeState,
      edgeSerialNumber: edge.serialNumber,
      bestLatencyMsRx: link.bestLatencyMsRx,
      bestLatencyMsTx: link.bestLatencyMsTx,
      bestLossPctRx: link.bestLossPctRx,
      bestLossPctTx: link.bestLossPctTx,
      bestJitterMsRx: link.bestJitterMsRx,
      bestJitterMsTx: link.bestJitterMsTx,
      bytesRx: link.bytesRx,
      bytesTx: link.bytesTx,
      bpsOfBestPathRx: link.bpsOfBestPathRx,
      bpsOfBestPathTx: link.bpsOfBestPathTx,
    });
    const only = sandbox.fleet.enterprises()[0]!;
    const filtered = (await client.getAggregateEdgeLinkMetrics(lastHour(), { enterpriseIds: [only.id] })).rows;
    expect(new Set(filtered.map((r) => r.enterpriseId))).toEqual(new Set([only.id]));
    expect(filtered).toHaveLength(only.edges.reduce((n, e) => n + e.links.length, 0));
  });
});

describe('VelocloudClient sessions', () => {
  test('logs in once for concurrent first calls and sends the session cookie back', async () => {
    const client = newClient();
    const edges = edgesWhere(() => true).slice(0, 10);
    await Promise.all(edges.map((e) => client.getEdge(e.enterpriseId, e.id)));
    expect(sandbox.stats.logins).toBe(1);
    expect(sandbox.received[0]!.path).toBe('/portal/rest/login/operatorLogin');
    expect(sandbox.received.filter((r) => r.path.endsWith('getEdge'))).toHaveLength(10);
  });

  test.each([400, 401, 200] as const)('an expired session answered with HTTP %d is renewed once and the call repeated', async (status) => {
    const events: VelocloudCallEvent[] = [];
    const client = newClient({ onCall: (e) => events.push(e) });
    await client.getAggregates();
    sandbox.sessionErrorStatus = status;
    sandbox.expireSessions();
    const aggregates = await client.getAggregates();
    expect(aggregates.edgeCount).toBe(sandbox.fleet.edgeCount());
    expect(sandbox.stats.logins).toBe(2);
    expect(events.map((e) => `${e.call} ${e.outcome}`)).toEqual([
      'login/operatorLogin ok',
      'monitoring/getAggregates ok',
      'monitoring/getAggregates retryable',
      'login/operatorLogin ok',
      'monitoring/getAggregates ok',
    ]);
  });

  test('concurrent callers with an expired session share one re-login', async () => {
    const client = newClient();
    await client.getAggregates();
    sandbox.expireSessions();
    const enterprises = sandbox.fleet.enterprises();
    await Promise.all([...enterprises, ...enterprises].map((e) => client.getEnterprise(e.id)));
    expect(sandbox.stats.logins).toBe(2);
  });

  test('wrong credentials are non-retryable and the message carries no password', async () => {
    const error = await failure(newClient({}, 'wrong-password-123').getAggregates());
    expect(error.kind).toBe('non-retryable');
    expect(error.call).toBe('login/operatorLogin');
    expect(error.target).toBe(sandbox.hostName);
    expect(error.message).toMatch(/credentials/);
    expect(error.message).not.toContain('wrong-password-123');
    expect(sandbox.stats.rejectedLogins).toBe(1);
  });
});

describe('VelocloudClient failures', () => {
  test('a 429 pauses every call to the host until the cool-down ends, then the calls are sent (again)', async () => {
    const events: VelocloudCallEvent[] = [];
    let sawRateLimit!: () => void;
    const rateLimited = new Promise<void>((resolve) => (sawRateLimit = resolve));
    const client = newClient({
      onCall: (e) => {
        events.push(e);
        if (e.outcome === 'rate-limited') sawRateLimit();
      },
    });
    await client.getAggregates();
    // The VCO answers 429 to anything that arrives in the next 0.9 s, and asks for 1 s of quiet.
    sandbox.setFaults({ rateLimitNext: 1, retryAfterSeconds: 1, rateLimitCoolDownMs: 900 });
    const edges = edgesWhere(() => true).slice(0, 10);
    const first = client.getEdge(edges[0]!.enterpriseId, edges[0]!.id);
    await rateLimited;
    const others = edges.slice(1).map((e) => client.getEdge(e.enterpriseId, e.id));
    const fetched = await Promise.all([first, ...others]);
    expect(fetched.map((e) => e.id)).toEqual(edges.map((e) => e.id));
    // Only the first call met the 429: the others waited for the cool-down instead of meeting it too.
    expect(sandbox.stats.rateLimited).toBe(1);
    expect(events.filter((e) => e.call === 'edge/getEdge').map((e) => e.outcome).sort()).toEqual([
      ...Array<string>(10).fill('ok'),
      'rate-limited',
    ]);
  });

  test('a cool-down longer than the call may wait is rate-limited at once, with what is left of it', async () => {
    const client = newClient({ timeoutMs: 5_000 });
    await client.getAggregates();
    sandbox.setFaults({ rateLimitNext: 1, retryAfterSeconds: 7, pathContains: 'getEdge' });
    const first = await failure(client.getEdge(edge().enterpriseId, edge().id));
    expect(first).toMatchObject({ kind: 'rate-limited', status: 429, call: 'edge/getEdge' });
    expect(first.retryAfterMs).toBeGreaterThan(6_000);
    expect(first.retryAfterMs).toBeLessThanOrEqual(7_000);
    expect(first.message).toContain(`velocloud ${sandbox.hostName} edge/getEdge`);
    // Other calls to the host are not sent while it cools down.
    const other = await failure(client.getEnterprise(edge().enterpriseId));
    expect(other.kind).toBe('rate-limited');
    expect(sandbox.received.filter((r) => r.path.endsWith('getEnterprise'))).toHaveLength(0);
  });

  test('a wait for the cool-down stops when the call signal aborts (the activity attempt is given up)', async () => {
    const attempt = new AbortController();
    const client = newClient({ timeoutMs: 60_000, callSignal: () => attempt.signal });
    await client.getAggregates();
    sandbox.setFaults({ rateLimitNext: 1, retryAfterSeconds: 30 });
    const waiting = failure(client.getEdge(edge().enterpriseId, edge().id));
    while (sandbox.stats.rateLimited === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    attempt.abort();
    const error = await waiting;
    expect(error).toMatchObject({ kind: 'rate-limited', call: 'edge/getEdge' });
    expect(error.retryAfterMs).toBeGreaterThan(20_000);
  });

  test('periodic 429 bursts are waited out: every call of a busy stretch completes', async () => {
    const client = newClient();
    await client.getAggregates();
    sandbox.setFaults({ rateLimitEveryMs: 400, rateLimitCoolDownMs: 150, retryAfterSeconds: 0 });
    const edges = edgesWhere(() => true);
    for (let round = 0; round < 4; round++) {
      const fetched = await Promise.all(edges.map((e) => client.getEdge(e.enterpriseId, e.id)));
      expect(fetched).toHaveLength(edges.length);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(sandbox.stats.rateLimited).toBeGreaterThan(0);
  });

  test('5xx is retryable', async () => {
    const client = newClient();
    await client.getAggregates();
    sandbox.setFaults({ errorRate: 1, errorStatus: 503 });
    const error = await failure(client.getEnterprise(edge().enterpriseId));
    expect(error).toMatchObject({ kind: 'retryable', status: 503, call: 'enterprise/getEnterprise' });
    expect(error.message).toContain('Injected failure');
  });

  test('a 5xx on login is retryable, not a credentials problem', async () => {
    sandbox.setFaults({ errorRate: 1, errorStatus: 502, pathContains: 'operatorLogin' });
    const error = await failure(newClient().getAggregates());
    expect(error).toMatchObject({ kind: 'retryable', status: 502, call: 'login/operatorLogin' });
  });

  test('a response slower than the timeout is retryable', async () => {
    const client = newClient({ timeoutMs: 150 });
    await client.getAggregates();
    sandbox.setFaults({ latencyMs: 600, pathContains: 'getEdge' });
    const error = await failure(client.getEdge(edge().enterpriseId, edge().id));
    expect(error.kind).toBe('retryable');
    expect(error.message).toMatch(/timed out after 150 ms/);
  });

  test('a connection refused is retryable', async () => {
    const host = { ...sandbox.velocloudHost(), baseUrl: 'http://127.0.0.1:9/portal/rest' };
    const client = new VelocloudClient(host, { timeoutMs: 2_000 });
    clients.push(client);
    const error = await failure(client.getAggregates());
    expect(error.kind).toBe('retryable');
  });

  test('a malformed body is non-retryable and names host, call and field; the login is not corrupted', async () => {
    sandbox.setFaults({ malformedNext: 1 });
    const error = await failure(newClient().getAggregates());
    expect(error.kind).toBe('non-retryable');
    expect(error.call).toBe('monitoring/getAggregates');
    expect(error.message).toContain(`velocloud ${sandbox.hostName} monitoring/getAggregates`);
    expect(error.message).toContain('enterprises');
    expect(sandbox.stats.logins).toBe(1);
  });

  test('a malformed events page names the events call and the data field', async () => {
    const client = newClient();
    await client.getAggregates();
    sandbox.setFaults({ malformedNext: 1 });
    const error = await failure(client.getEnterpriseEvents(edge().enterpriseId, { interval: lastHour() }));
    expect(error.message).toMatch(/event\/getEnterpriseEvents: unexpected response: data/);
  });

  test('an unknown edge is non-retryable with the VCO message', async () => {
    const error = await failure(newClient().getEdge(edge().enterpriseId, 999_999_999));
    expect(error).toMatchObject({ kind: 'non-retryable', status: 400 });
    expect(error.message).toContain('edge [999999999] not found');
  });

  test('null and missing optional fields are normalised', async () => {
    const client = newClient();
    const truth = anEdge((e) => e.edgeState === 'CONNECTED' && e.links.length >= 2);
    sandbox.setFaults({ nullFieldsNext: 3 });
    const edge = await client.getEdge(truth.enterpriseId, truth.id);
    expect(edge).toMatchObject({ id: truth.id, edgeState: 'CONNECTED', enterpriseId: truth.enterpriseId });
    expect([edge.name, edge.serialNumber, edge.modelNumber]).toEqual(['', '', '']);
    expect(edge.lastContact).toBeNull();
    expect(edge).not.toHaveProperty('activationTime');
    const links = await client.getEdgeLinkMetrics(truth.enterpriseId, truth.id, lastHour());
    expect(links).toHaveLength(truth.links.length);
    for (const link of links) {
      expect(link.interface).toMatch(/^(GE\d|CELL1)$/);
      expect(link.displayName).toBe('');
      expect(link.backupState).toBe('UNCONFIGURED');
      expect([link.bestLatencyMsRx, link.bestLossPctTx, link.bestJitterMsRx, link.bytesTx]).toEqual([0, 0, 0, 0]);
    }
    const groups = await client.getEdgeAppLinkMetrics(truth.enterpriseId, truth.id);
    expect(groups.every((g) => g.serviceGroups.length === 0)).toBe(true);
    const healthy = await client.getEdge(truth.enterpriseId, truth.id);
    expect(healthy.serialNumber).toBe(truth.serialNumber);
  });

  test('requests in flight never exceed maxConcurrentRequests', async () => {
    const edges = edgesWhere(() => true).slice(0, 24);
    const fetchAll = (client: VelocloudClient) => Promise.all(edges.map((e) => client.getEdge(e.enterpriseId, e.id)));
    const bounded = newClient({ maxConcurrentRequests: 4 });
    await bounded.getAggregates();
    sandbox.setFaults({ latencyMs: 60 });
    sandbox.resetStats();
    await fetchAll(bounded);
    expect(sandbox.stats.maxInFlight).toBe(4);
    const wider = newClient({ maxConcurrentRequests: 12 });
    sandbox.setFaults({});
    await wider.getAggregates();
    sandbox.setFaults({ latencyMs: 60 });
    sandbox.resetStats();
    await fetchAll(wider);
    expect(sandbox.stats.maxInFlight).toBeGreaterThan(4);
    expect(sandbox.stats.maxInFlight).toBeLessThanOrEqual(12);
  });

  test('onCall reports each HTTP call once with its outcome', async () => {
    const events: VelocloudCallEvent[] = [];
    const client = newClient({ onCall: (e) => events.push(e) });
    const e = edge();
    await client.getEdge(e.enterpriseId, e.id);
    sandbox.setFaults({ rateLimitNext: 1 });
    await client.getEdge(e.enterpriseId, e.id);
    sandbox.setFaults({ errorRate: 1 });
    await failure(client.getEdge(e.enterpriseId, e.id));
    sandbox.setFaults({ malformedNext: 1 });
    await failure(client.getEdge(e.enterpriseId, e.id));
    expect(events.map((ev) => [ev.call, ev.outcome])).toEqual([
      ['login/operatorLogin', 'ok'],
      ['edge/getEdge', 'ok'],
      ['edge/getEdge', 'rate-limited'],
      ['edge/getEdge', 'ok'],
      ['edge/getEdge', 'retryable'],
      ['edge/getEdge', 'non-retryable'],
    ]);
    for (const ev of events) {
      expect(ev.host).toBe(sandbox.hostName);
      expect(ev.seconds).toBeGreaterThanOrEqual(0);
      expect(ev.seconds).toBeLessThan(5);
    }
  });
});

describe('VelocloudClient list answers, row by row', () => {
  const brokenEdge = (kind: 'null-edgeState' | 'missing-serialNumber' | 'null-id' | 'unknown-link-state') => {
    const edge = anEdge((e) => e.edgeState === 'CONNECTED' && e.links.length >= 2);
    sandbox.setMalformed(edge.id, kind);
    return edge;
  };

  test('getEnterpriseEdges keeps the good rows and reports a row with a null edgeState by its edge id and field', async () => {
    const edge = brokenEdge('null-edgeState');
    const enterprise = sandbox.fleet.enterprise(edge.enterpriseId)!;
    const { rows, problems } = await newClient().getEnterpriseEdges(enterprise.id);
    expect(rows.map((e) => e.id)).toEqual(enterprise.edges.filter((e) => e.id !== edge.id).map((e) => e.id));
    expect(problems).toEqual([
      {
        host: sandbox.hostName,
        call: 'enterprise/getEnterpriseEdges',
        edgeId: edge.id,
        field: 'edgeState',
        message: expect.stringContaining(`velocloud ${sandbox.hostName} enterprise/getEnterpriseEdges: row `),
      },
    ]);
    expect(problems[0]!.message).toMatch(/edgeState: .*expected string/);
  });

  test('that edge fetched on its own fails for good, naming host, call and field', async () => {
    const edge = brokenEdge('null-edgeState');
    const error = await failure(newClient().getEdge(edge.enterpriseId, edge.id));
    expect(error.kind).toBe('non-retryable');
    expect(error.message).toMatch(new RegExp(`^velocloud ${sandbox.hostName} edge/getEdge: unexpected response: edgeState: .*expected string`));
  });

  test('a row without a usable id is reported without one', async () => {
    const edge = brokenEdge('null-id');
    const { rows, problems } = await newClient().getEnterpriseEdges(edge.enterpriseId);
    expect(rows.map((e) => e.id)).not.toContain(edge.id);
    expect(problems).toHaveLength(1);
    expect(problems[0]).not.toHaveProperty('edgeId');
    expect(problems[0]).toMatchObject({ field: 'id', call: 'enterprise/getEnterpriseEdges' });
  });

  test('an edge without a serial number and a link in an undocumented state are data, not errors', async () => {
    const noSerial = brokenEdge('missing-serialNumber');
    const client = newClient();
    expect((await client.getEdge(noSerial.enterpriseId, noSerial.id)).serialNumber).toBe('');
    const { rows, problems } = await client.getEnterpriseEdges(noSerial.enterpriseId);
    expect(problems).toEqual([]);
    expect(rows.find((e) => e.id === noSerial.id)?.serialNumber).toBe('');
    sandbox.setMalformed(noSerial.id, 'unknown-link-state');
    const links = await client.getEdgeLinkMetrics(noSerial.enterpriseId, noSerial.id, lastHour());
    expect(links.map((l) => l.state)).toEqual(['WOBBLY', ...noSerial.links.slice(1).map((l) => l.state)]);
  });

  test('the batch calls drop the rows of a broken edge, each reported with its edge id, and keep every other row', async () => {
    const edge = brokenEdge('null-edgeState');
    const client = newClient();
    const status = await client.getEnterpriseEdgeLinkStatus();
    const allEdges = edgesWhere(() => true);
    expect(status.rows).toHaveLength(allEdges.reduce((n, e) => n + Math.max(1, e.links.length), 0) - edge.links.length);
    expect(status.rows.some((r) => r.edgeId === edge.id)).toBe(false);
    expect(status.problems).toHaveLength(edge.links.length);
    expect(status.problems.every((p) => p.edgeId === edge.id && p.field === 'edgeState')).toBe(true);

    const metrics = await client.getAggregateEdgeLinkMetrics(lastHour());
    expect(metrics.rows).toHaveLength(allEdges.reduce((n, e) => n + e.links.length, 0) - edge.links.length);
    expect(metrics.problems.map((p) => [p.call, p.edgeId, p.field])).toEqual(
      edge.links.map(() => ['monitoring/getAggregateEdgeLinkMetrics', edge.id, 'link.edgeState']),
    );
  });

  test('a batch row with a link but no link state is dropped, naming the field', async () => {
    const edge = brokenEdge('unknown-link-state');
    sandbox.setLink(edge.id, edge.links[1]!.interface, { state: '' });
    const { rows, problems } = await newClient().getEnterpriseEdgeLinkStatus();
    expect(rows.filter((r) => r.edgeId === edge.id).map((r) => r.link?.state)).toEqual(['WOBBLY', ...edge.links.slice(2).map((l) => l.state)]);
    expect(problems.map((p) => [p.edgeId, p.field])).toEqual([[edge.id, 'linkState']]);
  });

  test('an answer that is not a list at all fails as a whole, naming the call', async () => {
    const client = newClient();
    await client.getAggregates();
    sandbox.setFaults({ malformedNext: 1 });
    const error = await failure(client.getEnterpriseEdges(sandbox.fleet.enterprises()[0]!.id));
    expect(error.kind).toBe('non-retryable');
    expect(error.message).toContain(`velocloud ${sandbox.hostName} enterprise/getEnterpriseEdges: unexpected response: (root)`);
  });

  test.each([502, 200])('a proxy page instead of JSON (HTTP %d) is retryable and names host and call', async (status) => {
    const client = newClient();
    await client.getAggregates();
    sandbox.setFaults({ nonJsonNext: 1, nonJsonStatus: status });
    const error = await failure(client.getEdge(edge().enterpriseId, edge().id));
    expect(error).toMatchObject({ kind: 'retryable', status, call: 'edge/getEdge' });
    expect(error.message).toContain(`velocloud ${sandbox.hostName} edge/getEdge`);
    expect(error.message).toContain('502 Bad Gateway');
    await expect(client.getEdge(edge().enterpriseId, edge().id)).resolves.toMatchObject({ id: edge().id });
  });
});

describe('VelocloudClients', () => {
  test('gives one client per configured host and a clear non-retryable error for others', async () => {
    const registry = new VelocloudClients([sandbox.velocloudHost(), { ...sandbox.velocloudHost(), host: 'other.example.net' }]);
    try {
      expect(registry.hosts).toEqual([sandbox.hostName, 'other.example.net']);
      expect(registry.all()).toHaveLength(2);
      const client = registry.forHost(sandbox.hostName);
      expect(client.host).toBe(sandbox.hostName);
      expect(registry.forHost(sandbox.hostName)).toBe(client);
      await expect(client.getAggregates()).resolves.toMatchObject({ edgeCount: sandbox.fleet.edgeCount() });
      let error: unknown;
      try {
        registry.forHost('unknown.example.net');
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ExternalCallError);
      expect(error).toMatchObject({ kind: 'non-retryable', target: 'unknown.example.net' });
      expect((error as Error).message).toContain('other.example.net');
    } finally {
      await registry.close();
    }
  });

  test('refuses the same host configured twice', () => {
    expect(() => new VelocloudClients([sandbox.velocloudHost(), sandbox.velocloudHost()])).toThrow(/configured twice/);
  });
});
