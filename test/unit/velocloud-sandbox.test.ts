import { request } from 'undici';
import { parseVelocloudCredentials } from '../../config';
import { VelocloudClient, VelocloudClients } from '../../clients/velocloud';
import {
  generateFleet,
  NEVER_CONTACTED,
  startVelocloudSandbox,
  startVelocloudSandboxes,
  type Fleet,
  type FleetCounts,
  type FleetEdge,
  type FleetTruth,
  type VelocloudSandbox,
} from '../../sandbox/velocloud';

const NOW = new Date('2026-11-28T07:41:26.000Z');
const DAY = 86_400_000;

const edgesOf = (fleet: Fleet): FleetEdge[] => fleet.hosts.flatMap((h) => h.enterprises.flatMap((e) => e.edges));

async function http(url: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', body?: unknown, cookie?: string) {
  const response = await request(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(cookie ? { cookie } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

describe('generateFleet', () => {
  const options = { seed: 3, hosts: ['vco1.example.net', 'vco2.example.net'], enterprisesPerHost: 5, edgesPerEnterprise: 200, now: NOW };
  const fleet = generateFleet(options);
  const edges = edgesOf(fleet);

  test('is deterministic for a seed and differs between seeds', () => {
    expect(generateFleet(options)).toEqual(fleet);
    const other = generateFleet({ ...options, seed: 4 });
    expect(edgesOf(other).map((e) => e.serialNumber)).not.toEqual(edges.map((e) => e.serialNumber));
  });

  test('builds hosts × enterprises × edges with unique ids per host and unique serials', () => {
    expect(fleet.hosts.map((h) => [h.name, h.enterprises.length])).toEqual([
      ['vco1.example.net', 5],
      ['vco2.example.net', 5],
    ]);
    expect(edges).toHaveLength(2_000);
    for (const host of fleet.hosts) {
      const hostEdges = host.enterprises.flatMap((e) => e.edges);
      expect(new Set(hostEdges.map((e) => e.id)).size).toBe(hostEdges.length);
      expect(new Set(host.enterprises.map((e) => e.id)).size).toBe(host.enterprises.length);
      const links = hostEdges.flatMap((e) => e.links.map((l) => l.linkId));
      expect(new Set(links).size).toBe(links.length);
      for (const enterprise of host.enterprises) expect(enterprise.edges.every((e) => e.enterpriseId === enterprise.id)).toBe(true);
    }
    expect(new Set(edges.map((e) => e.serialNumber)).size).toBe(edges.length);
    expect(edges.every((e) => /^VC\d{11}$/.test(e.serialNumber))).toBe(true);
  });

  test('names customers with their client id and keeps test enterprises without one', () => {
    const enterprises = fleet.hosts.flatMap((h) => h.enterprises);
    const customers = enterprises.filter((e) => e.clientId !== null);
    const tests = enterprises.filter((e) => e.clientId === null);
    expect(tests.length).toBeGreaterThanOrEqual(1);
    expect(customers.length).toBeGreaterThan(tests.length);
    for (const e of customers) expect(e.name).toBe(`${e.name.split('|')[0]}|${e.clientId}|`);
    for (const e of tests) expect(e.name).not.toMatch(/\|\d+\|/);
    expect(new Set(customers.map((e) => e.clientId)).size).toBe(customers.length);
  });

  test('keeps most edges CONNECTED and the rest OFFLINE, DEGRADED or NEVER_ACTIVATED', () => {
    const byState = new Map<string, number>();
    for (const e of edges) byState.set(e.edgeState, (byState.get(e.edgeState) ?? 0) + 1);
    expect(byState.get('CONNECTED')!).toBeGreaterThan(1_700);
    for (const state of ['OFFLINE', 'DEGRADED', 'NEVER_ACTIVATED']) expect(byState.get(state)).toBeGreaterThan(10);
    const faulty = generateFleet({ ...options, faultyShare: 0.5 });
    const faultyCount = edgesOf(faulty).filter((e) => e.edgeState !== 'CONNECTED').length;
    expect(faultyCount).toBeGreaterThan(850);
    expect(faultyCount).toBeLessThan(1_150);
  });

  test('gives edges GE1 and GE2, sometimes more, with wired, wireless and backup links', () => {
    const activated = edges.filter((e) => e.edgeState !== 'NEVER_ACTIVATED');
    for (const e of activated) expect(e.links.slice(0, 2).map((l) => l.interface)).toEqual(['GE1', 'GE2']);
    const links = activated.flatMap((e) => e.links);
    const interfaces = new Set(links.map((l) => l.interface));
    expect([...interfaces].sort()).toEqual(['CELL1', 'GE1', 'GE2', 'GE3']);
    const groups = new Set(links.flatMap((l) => l.serviceGroups));
    expect([...groups].sort()).toEqual(['PRIVATE_WIRED', 'PUBLIC_WIRED', 'PUBLIC_WIRELESS']);
    for (const l of links.filter((l) => l.interface === 'CELL1')) expect(l.serviceGroups).toEqual(['PUBLIC_WIRELESS']);
    expect(links.some((l) => l.backupState === 'STANDBY')).toBe(true);
    expect(links.filter((l) => l.interface === 'GE1').every((l) => l.backupState === 'UNCONFIGURED')).toBe(true);
  });

  test('link states and metrics follow the edge state', () => {
    for (const e of edges.filter((e) => e.edgeState === 'OFFLINE')) {
      expect(e.links.every((l) => l.state === 'DISCONNECTED' && l.bytesRx === 0)).toBe(true);
    }
    for (const e of edges.filter((e) => e.edgeState === 'DEGRADED')) {
      expect(e.links.filter((l) => l.state === 'DISCONNECTED')).toHaveLength(1);
    }
    const stable = edges.flatMap((e) => e.links).filter((l) => l.state === 'STABLE');
    for (const l of stable) {
      const wireless = l.serviceGroups.includes('PUBLIC_WIRELESS');
      expect(Math.max(l.bestLatencyMsRx, l.bestLatencyMsTx)).toBeLessThanOrEqual(wireless ? 120 : 50);
      expect(Math.max(l.bestLossPctRx, l.bestLossPctTx)).toBeLessThanOrEqual(wireless ? 8 : 5);
      expect(l.bytesRx).toBeGreaterThan(0);
    }
    const troubled = edges.filter((e) => e.edgeState === 'CONNECTED' && e.links.some((l) => l.state === 'UNSTABLE'));
    expect(troubled.length).toBeGreaterThan(5);
    for (const e of troubled) {
      const l = e.links.find((x) => x.state === 'UNSTABLE')!;
      const wireless = l.serviceGroups.includes('PUBLIC_WIRELESS');
      const slow = Math.max(l.bestLatencyMsRx, l.bestLatencyMsTx) > (wireless ? 120 : 50);
      const lossy = Math.max(l.bestLossPctRx, l.bestLossPctTx) > (wireless ? 8 : 5);
      expect(slow || lossy).toBe(true);
    }
  });

  test('last contact: recent for live edges, some older than 30 days, never for never-activated ones', () => {
    for (const e of edges.filter((e) => e.edgeState === 'NEVER_ACTIVATED')) {
      expect(e).toMatchObject({ lastContact: NEVER_CONTACTED, activationTime: null, links: [] });
    }
    for (const e of edges.filter((e) => e.edgeState === 'CONNECTED')) {
      expect(NOW.getTime() - Date.parse(e.lastContact)).toBeLessThan(5 * 60_000);
      expect(Date.parse(e.activationTime!)).toBeLessThan(Date.parse(e.lastContact));
    }
    const offline = edges.filter((e) => e.edgeState === 'OFFLINE');
    expect(offline.some((e) => NOW.getTime() - Date.parse(e.lastContact) > 30 * DAY)).toBe(true);
    expect(offline.some((e) => NOW.getTime() - Date.parse(e.lastContact) < DAY)).toBe(true);
    expect(edges[0]!.lastContact).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  test('events cover the last week with the VCO names and messages', () => {
    const events = edges.flatMap((e) => e.events);
    expect(new Set(events.map((e) => e.event))).toEqual(new Set(['EDGE_UP', 'EDGE_DOWN', 'LINK_ALIVE', 'LINK_DEAD']));
    for (const e of events) {
      const age = NOW.getTime() - Date.parse(e.eventTime);
      expect(age).toBeGreaterThanOrEqual(-DAY);
      expect(age).toBeLessThanOrEqual(7 * DAY);
      if (e.event === 'LINK_DEAD') expect(e.message).toMatch(/^Link (GE\d|CELL1) is now DEAD$/);
      if (e.event === 'LINK_ALIVE') expect(e.message).toMatch(/^Link (GE\d|CELL1) is no longer DEAD$/);
      if (e.event.startsWith('EDGE_')) expect(e.category).toBe('EDGE');
    }
    const recentlyDown = edges.filter((e) => e.edgeState === 'OFFLINE' && NOW.getTime() - Date.parse(e.lastContact) < DAY);
    for (const e of recentlyDown) expect(e.events.map((ev) => ev.event)).toContain('EDGE_DOWN');
  });

  test('spreads totalEdges over every enterprise of every host', () => {
    const spread = generateFleet({ seed: 1, hosts: ['a', 'b', 'c'], enterprisesPerHost: 4, totalEdges: 1_001, now: NOW });
    const sizes = spread.hosts.flatMap((h) => h.enterprises.map((e) => e.edges.length));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(1_001);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });
});

describe('VelocloudSandbox protocol and admin API', () => {
  let sandbox: VelocloudSandbox;
  const api = (call: string) => `${sandbox.url}/portal/rest/${call}`;
  const admin = (path: string) => `${sandbox.url}/__admin/${path}`;
  const login = async () => {
    const response = await http(api('login/operatorLogin'), 'POST', { username: sandbox.username, password: sandbox.password });
    const cookie = String(response.headers['set-cookie']).split(';')[0]!;
    return { response, cookie };
  };

  beforeAll(async () => {
    sandbox = await startVelocloudSandbox({ seed: 5 });
  });
  afterEach(() => sandbox.reset());
  afterAll(async () => {
    await sandbox.stop();
  });

  test('login issues a velocloud.session cookie; calls without one get the VCO token error', async () => {
    const { response, cookie } = await login();
    expect(response.status).toBe(200);
    expect(cookie).toMatch(/^velocloud\.session=[\w-]+$/);
    const ok = await http(api('monitoring/getAggregates'), 'POST', {}, cookie);
    expect(ok.status).toBe(200);
    expect(ok.json.edgeCount).toBe(24);

    const without = await http(api('monitoring/getAggregates'), 'POST', {});
    expect(without).toMatchObject({ status: 400, json: { error: { code: -32000, message: 'tokenError [expired session cookie]' } } });
    expect((await http(admin('sessions'), 'PUT', { errorStatus: 401 })).status).toBe(200);
    expect((await http(api('monitoring/getAggregates'), 'POST', {}, 'velocloud.session=forged')).status).toBe(401);

    await http(admin('sessions/expire'), 'POST');
    expect((await http(api('monitoring/getAggregates'), 'POST', {}, cookie)).status).toBe(401);
  });

  test('a wrong password gets no session cookie', async () => {
    const response = await http(api('login/operatorLogin'), 'POST', { username: sandbox.username, password: 'nope' });
    expect(response.status).toBe(401);
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  test('does not record request bodies, so passwords never sit in the received log', async () => {
    await login();
    expect(sandbox.received).toHaveLength(1);
    expect(sandbox.received[0]!.body).toBeUndefined();
  });

  test('answers the fleet truth and counts keyed by the host name the engine uses', async () => {
    const truth = (await http(admin('fleet'), 'GET')).json as FleetTruth;
    expect(truth.host).toBe(sandbox.hostName);
    expect(truth.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(truth.edges).toHaveLength(24);
    const first = sandbox.fleet.enterprises()[0]!;
    expect(truth.edges[0]).toMatchObject({ host: sandbox.hostName, enterpriseName: first.name, links: first.edges[0]!.links });
    expect(truth.edges[0]!.eventCount).toBe(first.edges[0]!.events.length);
    const counts = (await http(admin('fleet/counts'), 'GET')).json as FleetCounts;
    expect(counts.edges).toBe(24);
    expect(Object.values(counts.byState).reduce((a, b) => a + b, 0)).toBe(24);
    expect(counts.byEnterprise).toHaveLength(3);
    expect(counts.byEnterprise.map((e) => e.edges)).toEqual([8, 8, 8]);
  });

  test('admin changes to edges, links, last contact and events show through the client', async () => {
    const client = new VelocloudClient(sandbox.velocloudHost());
    try {
      const edge = sandbox.fleet.enterprises()[0]!.edges.find((e) => e.links.length >= 2)!;
      const generatedState = edge.edgeState;
      expect((await http(admin(`edges/${edge.id}/state`), 'PUT', { edgeState: 'OFFLINE' })).status).toBe(200);
      expect((await http(admin(`edges/${edge.id}/last-contact`), 'PUT', { lastContact: '2026-09-01T10:00:00.000Z' })).status).toBe(200);
      const link = await http(admin(`edges/${edge.id}/links/GE2`), 'PUT', {
        state: 'DISCONNECTED',
        bestLatencyMsRx: 180,
        bestLatencyMsTx: 170,
        bestLossPctRx: 12.5,
        bestLossPctTx: 9,
      });
      expect(link.status).toBe(200);
      const added = await http(admin(`edges/${edge.id}/events`), 'POST', {
        events: [{ event: 'LINK_DEAD', interface: 'GE2', eventTime: new Date(Date.now() - 60_000).toISOString() }],
      });
      expect(added.status).toBe(200);

      const seen = await client.getEdge(edge.enterpriseId, edge.id);
      expect(seen).toMatchObject({ edgeState: 'OFFLINE', lastContact: '2026-09-01T10:00:00.000Z' });
      const interval = { start: new Date(Date.now() - 600_000), end: new Date() };
      const ge2 = (await client.getEdgeLinkMetrics(edge.enterpriseId, edge.id, interval)).find((l) => l.interface === 'GE2');
      expect(ge2).toMatchObject({ state: 'DISCONNECTED', bestLatencyMsRx: 180, bestLatencyMsTx: 170, bestLossPctRx: 12.5, bestLossPctTx: 9 });
      const events = await client.getEnterpriseEvents(edge.enterpriseId, { edgeIds: [edge.id], interval });
      expect(events[0]).toMatchObject({ event: 'LINK_DEAD', message: 'Link GE2 is now DEAD', edgeName: edge.name });

      await http(admin(`edges/${edge.id}/last-contact`), 'PUT', { lastContact: null });
      expect((await client.getEdge(edge.enterpriseId, edge.id)).lastContact).toBeNull();

      sandbox.reset();
      expect((await client.getEdge(edge.enterpriseId, edge.id)).edgeState).toBe(generatedState);
    } finally {
      await client.close();
    }
  });

  test('admin rejects bad input with 400 and unknown edges or links with 404', async () => {
    const edge = sandbox.fleet.enterprises()[0]!.edges[0]!;
    expect((await http(admin(`edges/${edge.id}/state`), 'PUT', { state: 'OFFLINE' })).status).toBe(400);
    expect((await http(admin(`edges/${edge.id}/links/GE1`), 'PUT', { latency: 5 })).status).toBe(400);
    expect((await http(admin('edges/1/state'), 'PUT', { edgeState: 'OFFLINE' })).status).toBe(404);
    expect((await http(admin(`edges/${edge.id}/links/GE9`), 'PUT', { state: 'STABLE' })).status).toBe(404);
    expect((await http(admin('sessions'), 'PUT', { errorStatus: 500 })).status).toBe(400);
  });

  test('the null-fields fault is set through the faults API and spent one response at a time', async () => {
    const faults = await http(admin('faults'), 'PUT', { nullFieldsNext: 1 });
    expect(faults.json.nullFieldsNext).toBe(1);
    const { cookie } = await login();
    const enterprise = sandbox.fleet.enterprises()[0]!;
    const first = await http(api('enterprise/getEnterpriseEdges'), 'POST', { enterpriseId: enterprise.id }, cookie);
    const row = first.json[0];
    expect(row.name === null || !('name' in row)).toBe(true);
    expect(row.id).toBe(enterprise.edges[0]!.id);
    expect(row.edgeState).toBe(enterprise.edges[0]!.edgeState);
    const second = await http(api('enterprise/getEnterpriseEdges'), 'POST', { enterpriseId: enterprise.id }, cookie);
    expect(second.json[0].name).toBe(enterprise.edges[0]!.name);
    expect((await http(admin('faults'), 'GET')).json.nullFieldsNext).toBe(0);
  });

  test('stats count requests in flight at once', async () => {
    const client = new VelocloudClient(sandbox.velocloudHost(), { maxConcurrentRequests: 3 });
    try {
      await client.getAggregates();
      sandbox.setFaults({ latencyMs: 40 });
      sandbox.resetStats();
      const enterprises = sandbox.fleet.enterprises();
      await Promise.all([...enterprises, ...enterprises, ...enterprises].map((e) => client.getEnterprise(e.id)));
      const stats = (await http(admin('stats'), 'GET')).json;
      expect(stats).toMatchObject({ maxInFlight: 3, inFlight: 0 });
    } finally {
      await client.close();
    }
  });
});

describe('VelocloudSandbox faults for the engine to survive', () => {
  let sandbox: VelocloudSandbox;
  let cookie: string;
  const api = (call: string, body: unknown = {}) => http(`${sandbox.url}/portal/rest/${call}`, 'POST', body, cookie);
  const admin = (path: string, method: 'GET' | 'PUT' | 'POST', body?: unknown) => http(`${sandbox.url}/__admin/${path}`, method, body);
  const interval = () => ({ start: new Date(Date.now() - 600_000).toISOString(), end: new Date().toISOString() });
  const linkedEdge = () => sandbox.fleet.enterprises()[0]!.edges.find((e) => e.links.length >= 2)!;

  beforeAll(async () => {
    sandbox = await startVelocloudSandbox({ seed: 5 });
  });
  beforeEach(async () => {
    const login = await http(`${sandbox.url}/portal/rest/login/operatorLogin`, 'POST', { username: sandbox.username, password: sandbox.password });
    cookie = String(login.headers['set-cookie']).split(';')[0]!;
  });
  afterEach(() => sandbox.reset());
  afterAll(async () => {
    await sandbox.stop();
  });

  test('batch rows have the flat SPEC §3 shape: the metrics row carries the link status fields in `link`', async () => {
    const edge = linkedEdge();
    const status = (await api('monitoring/getEnterpriseEdgeLinkStatus')).json as Record<string, unknown>[];
    const metrics = (await api('monitoring/getAggregateEdgeLinkMetrics', { interval: interval() })).json as Record<string, unknown>[];
    const statusRow = status.find((r) => r.linkId === edge.links[0]!.linkId)!;
    const metricsRow = metrics.find((r) => (r.link as Record<string, unknown>).linkId === edge.links[0]!.linkId)!;
    for (const field of ['enterpriseName', 'enterpriseId', 'edgeName', 'edgeState', 'edgeLastContact', 'edgeId', 'edgeSerialNumber',
      'edgeHASerialNumber', 'edgeModelNumber', 'displayName', 'isp', 'interface', 'linkId', 'linkState', 'linkIpAddress']) {
      expect(statusRow).toHaveProperty(field);
    }
    expect(metricsRow.link).toEqual(statusRow);
    expect(metricsRow.link).not.toHaveProperty('state');
    expect(metricsRow.link).not.toHaveProperty('backupState');
    expect(metricsRow).toMatchObject({ bestLatencyMsRx: edge.links[0]!.bestLatencyMsRx, bpsOfBestPathTx: edge.links[0]!.bpsOfBestPathTx });
  });

  test.each([
    ['null-edgeState', (row: Record<string, unknown>) => row.edgeState === null],
    ['missing-serialNumber', (row: Record<string, unknown>) => !('serialNumber' in row)],
    ['null-id', (row: Record<string, unknown>) => row.id === null],
  ] as const)('PUT /edges/:id/malformed %s breaks that edge\'s rows, and only its', async (kind, broken) => {
    const edge = linkedEdge();
    const enterprise = sandbox.fleet.enterprise(edge.enterpriseId)!;
    expect((await admin(`edges/${edge.id}/malformed`, 'PUT', { kind })).json).toEqual({ edgeId: edge.id, kind });
    const rows = (await api('enterprise/getEnterpriseEdges', { enterpriseId: enterprise.id })).json as Record<string, unknown>[];
    expect(rows.map(broken)).toEqual(enterprise.edges.map((e) => e.id === edge.id));
    const edgeOf = async () => (await api('edge/getEdge', { enterpriseId: edge.enterpriseId, id: edge.id })).json as Record<string, unknown>;
    expect(broken(await edgeOf())).toBe(true);
    const batch = (await api('monitoring/getEnterpriseEdgeLinkStatus')).json as Record<string, unknown>[];
    const brokenBatchRows = batch.filter((r) =>
      kind === 'null-edgeState' ? r.edgeState === null : kind === 'null-id' ? r.edgeId === null : !('edgeSerialNumber' in r),
    );
    expect(brokenBatchRows).toHaveLength(edge.links.length);
    await admin(`edges/${edge.id}/malformed`, 'PUT', { kind: null });
    expect(broken(await edgeOf())).toBe(false);
  });

  test('unknown-link-state reports the edge\'s first link in a state nobody documented, in every call', async () => {
    const edge = linkedEdge();
    await admin(`edges/${edge.id}/malformed`, 'PUT', { kind: 'unknown-link-state' });
    const metrics = (await api('metrics/getEdgeLinkMetrics', { enterpriseId: edge.enterpriseId, id: edge.id, interval: interval() }))
      .json as { link: { state: string } }[];
    expect(metrics.map((r) => r.link.state)).toEqual(['WOBBLY', ...edge.links.slice(1).map((l) => l.state)]);
    const status = (await api('monitoring/getEnterpriseEdgeLinkStatus')).json as Record<string, unknown>[];
    expect(status.filter((r) => r.edgeId === edge.id).map((r) => r.linkState)).toEqual(['WOBBLY', ...edge.links.slice(1).map((l) => l.state)]);
    expect(sandbox.fleet.edge(edge.id)!.links[0]!.state).not.toBe('WOBBLY');
  });

  test('the malformed route refuses unknown kinds and unknown edges', async () => {
    expect((await admin(`edges/${linkedEdge().id}/malformed`, 'PUT', { kind: 'on-fire' })).status).toBe(400);
    expect((await admin('edges/1/malformed', 'PUT', { kind: 'null-id' })).status).toBe(404);
  });

  test('nonJsonNext answers a proxy\'s HTML 502 page to the next calls, never to a login', async () => {
    await admin('faults', 'PUT', { nonJsonNext: 2 });
    const login = await http(`${sandbox.url}/portal/rest/login/operatorLogin`, 'POST', { username: sandbox.username, password: sandbox.password });
    expect(login.status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const response = await request(`${sandbox.url}/portal/rest/monitoring/getAggregates`, { method: 'POST', headers: { cookie } });
      expect(response.statusCode).toBe(502);
      expect(response.headers['content-type']).toMatch(/text\/html/);
      expect(await response.body.text()).toContain('502 Bad Gateway');
    }
    expect((await api('monitoring/getAggregates')).status).toBe(200);
    expect(sandbox.stats.serverErrors).toBe(2);
  });

  test('rateLimitEveryMs answers bursts of 429 with Retry-After between stretches of normal answers', async () => {
    await admin('faults', 'PUT', { rateLimitEveryMs: 200, rateLimitCoolDownMs: 100, retryAfterSeconds: 2 });
    const statuses = new Set<number>();
    for (let i = 0; i < 40 && statuses.size < 2; i++) {
      const response = await api('monitoring/getAggregates');
      statuses.add(response.status);
      if (response.status === 429) expect(response.headers['retry-after']).toBe('2');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect([...statuses].sort()).toEqual([200, 429]);
    expect(sandbox.stats.rateLimited).toBeGreaterThan(0);
  });

  test('session expiry: the next call gets the token error, a fresh login works', async () => {
    await admin('sessions/expire', 'POST');
    expect((await api('monitoring/getAggregates')).json).toEqual({ error: { code: -32000, message: 'tokenError [expired session cookie]' } });
    const login = await http(`${sandbox.url}/portal/rest/login/operatorLogin`, 'POST', { username: sandbox.username, password: sandbox.password });
    cookie = String(login.headers['set-cookie']).split(';')[0]!;
    expect((await api('monitoring/getAggregates')).status).toBe(200);
  });
});

describe('startVelocloudSandboxes', () => {
  test('starts one orchestrator per host and gives the VELOCLOUD_CREDENTIALS that reach them', async () => {
    const fleet = generateFleet({ seed: 9, hosts: ['east.vco', 'west.vco'], enterprisesPerHost: 2, edgesPerEnterprise: 5, now: NOW });
    const running = await startVelocloudSandboxes(fleet, { username: 'ops@example.com', password: 'pa+ss' });
    const problems: string[] = [];
    const hosts = parseVelocloudCredentials(running.credentials, problems);
    const registry = new VelocloudClients(hosts);
    try {
      expect(problems).toEqual([]);
      expect(hosts).toEqual(running.hosts);
      expect(hosts.map((h) => h.host)).toEqual(running.sandboxes.map((s) => s.hostName));
      expect(hosts[0]).toMatchObject({ baseUrl: `${running.sandboxes[0]!.url}/portal/rest`, username: 'ops@example.com', password: 'pa+ss' });

      for (const fleetHost of fleet.hosts) {
        const sandbox = running.byLogicalHost(fleetHost.name);
        expect(running.byHostName(sandbox.hostName)).toBe(sandbox);
        const aggregates = await registry.forHost(sandbox.hostName).getAggregates();
        expect(aggregates.enterprises.map((e) => e.id)).toEqual(fleetHost.enterprises.map((e) => e.id));
        expect(sandbox.fleetTruth()).toMatchObject({ host: sandbox.hostName, logicalHost: fleetHost.name });
      }
      expect(() => running.byLogicalHost('north.vco')).toThrow(/north\.vco/);
    } finally {
      await registry.close();
      await running.stop();
    }
  });

  test('startVelocloudSandbox refuses a host the fleet does not have', async () => {
    const fleet = generateFleet({ seed: 9, hosts: ['east.vco'], enterprisesPerHost: 1, edgesPerEnterprise: 1, now: NOW });
    await expect(startVelocloudSandbox({ fleet, host: 'west.vco' })).rejects.toThrow(/no host west\.vco/);
  });
});

describe('a 10,000-edge orchestrator', () => {
  test('is generated, served and listed quickly', async () => {
    const started = performance.now();
    const fleet = generateFleet({ seed: 21, hosts: ['big.vco'], enterprisesPerHost: 40, totalEdges: 10_000 });
    const generatedMs = performance.now() - started;
    const sandbox = await startVelocloudSandbox({ fleet });
    const client = new VelocloudClient(sandbox.velocloudHost(), { maxConcurrentRequests: 16 });
    try {
      const listing = performance.now();
      const { edgeCount, enterprises } = await client.getAggregates();
      const lists = (await Promise.all(enterprises.map((e) => client.getEnterpriseEdges(e.id)))).map((l) => l.rows);
      const listedMs = performance.now() - listing;
      expect(edgeCount).toBe(10_000);
      expect(lists.flat()).toHaveLength(10_000);
      expect(new Set(lists.flat().map((e) => e.serialNumber)).size).toBe(10_000);

      const batch = performance.now();
      const status = await client.getEnterpriseEdgeLinkStatus();
      const batchMs = performance.now() - batch;
      expect(new Set(status.rows.map((r) => r.edgeId)).size).toBe(10_000);

      const sample = lists.flat().filter((_, i) => i % 100 === 0);
      const perEdge = performance.now();
      await Promise.all(sample.map((e) => client.getEdge(e.enterpriseId, e.id)));
      const perEdgeMs = (performance.now() - perEdge) / sample.length;

      expect(generatedMs).toBeLessThan(3_000);
      expect(listedMs).toBeLessThan(3_000);
      expect(batchMs).toBeLessThan(5_000);
      expect(perEdgeMs).toBeLessThan(20);
    } finally {
      await client.close();
      await sandbox.stop();
    }
  });
});
