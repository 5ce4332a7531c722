import { T7Client, topPrediction, type PredictionResult, type T7ClientOptions } from '../../clients/t7';
import { NEXT_ACTIONS, startT7Sandbox, type T7Sandbox } from '../../sandbox/t7';
import { failure } from '../support/errors';

const TOKEN = 't7-token-5d2c81';

let sandbox: T7Sandbox;
const clients: T7Client[] = [];

function client(options: T7ClientOptions = {}, token = TOKEN): T7Client {
  const c = new T7Client({ baseUrl: sandbox.url, token }, options);
  clients.push(c);
  return c;
}

const RANKED = [
  {
    asset: 'VC05200028729',
    predictions: [
      { name: 'Request Completed', probability: 0.2 },
      { name: 'Repair Completed', probability: 0.7 },
      { name: 'Wireless Repair Intervention Needed', probability: 0.1 },
    ],
  },
  { asset: 'VC05200011111', predictions: [{ name: 'Holmdel NOC Investigate', probability: 0.55 }] },
];

beforeAll(async () => {
  sandbox = await startT7Sandbox({ token: TOKEN });
});

beforeEach(() => {
  sandbox.reset();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await sandbox.stop();
});

describe('T7 predictions', () => {
  it('sends the client name, version and token headers with the ticket id', async () => {
    await client({ clientName: 'automation-engine-test', clientVersion: '2.3.4' }).getPredictions(4503967);

    expect(sandbox.callers).toEqual([{ clientName: 'automation-engine-test', clientVersion: '2.3.4', ticketId: 4503967 }]);
    expect(sandbox.received[0]).toMatchObject({ method: 'GET', path: '/api/v1/suggestions', query: { ticketId: '4503967' } });
  });

  it.each(['task_results', 'legacy'] as const)('reads the %s response shape, most probable action first', async (shape) => {
    sandbox.setShape(shape);
    sandbox.setPredictions(123, RANKED);

    const result = await client().getPredictions(123);

    expect(result).toEqual({
      assets: [
        {
          asset: 'VC05200028729',
          predictions: [
            { name: 'Repair Completed', probability: 0.7 },
            { name: 'Request Completed', probability: 0.2 },
            { name: 'Wireless Repair Intervention Needed', probability: 0.1 },
          ],
        },
        { asset: 'VC05200011111', predictions: [{ name: 'Holmdel NOC Investigate', probability: 0.55 }] },
      ],
    });
  });

  it('answers predictions set over the admin API', async () => {
    const response = await fetch(`${sandbox.url}/__admin/predictions/55`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ assets: [{ asset: 'VC55', predictions: [{ name: 'Repair Completed', probability: 0.9 }] }] }),
    });
    expect(response.status).toBe(200);
    expect(topPrediction(await client().getPredictions(55), 'VC55')).toEqual({ name: 'Repair Completed', probability: 0.9 });
  });

  it('invents the same predictions for the same ticket and asset every time', async () => {
    sandbox.setAssets(77, ['VC1', 'VC2']);
    const first = await client().getPredictions(77);
    const again = await client().getPredictions(77);

    expect(again).toEqual(first);
    expect(first.assets.map((a) => a.asset)).toEqual(['VC1', 'VC2']);
    for (const asset of first.assets) {
      expect(asset.predictions.length).toBeGreaterThanOrEqual(2);
      expect(asset.predictions.every((p) => (NEXT_ACTIONS as readonly string[]).includes(p.name))).toBe(true);
      const total = asset.predictions.reduce((sum, p) => sum + p.probability, 0);
      expect(total).toBeCloseTo(1, 2);
      const probabilities = asset.predictions.map((p) => p.probability);
      expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a));
    }
  });

  it('treats a wrong token as non-retryable without repeating it', async () => {
    const error = await failure(client({}, 'wrong-token-0e1f').getPredictions(1));
    expect(error.kind).toBe('non-retryable');
    expect(error.status).toBe(401);
    expect(error.failureType).toBe('t7.non-retryable');
    expect(String(error)).not.toContain('wrong-token-0e1f');
    expect(sandbox.callers).toEqual([]);
  });

  it('is refused by the sandbox without the client headers', async () => {
    const response = await fetch(`${sandbox.url}/api/v1/suggestions?ticketId=1`, { headers: { 'x-auth-token': TOKEN } });
    expect(response.status).toBe(400);
  });

  it('treats 5xx as retryable', async () => {
    sandbox.setFaults({ errorRate: 1, errorStatus: 503 });
    const error = await failure(client().getPredictions(1));
    expect(error.kind).toBe('retryable');
    expect(error.status).toBe(503);
  });

  it('treats a timeout as retryable', async () => {
    sandbox.setFaults({ latencyMs: 600 });
    const error = await failure(client({ timeoutMs: 150 }).getPredictions(1));
    expect(error.kind).toBe('retryable');
    expect(error.message).toContain('timed out');
  });

  it('treats 429 as rate-limited with the Retry-After delay', async () => {
    sandbox.setFaults({ rateLimitNext: 1, retryAfterSeconds: 3 });
    const error = await failure(client().getPredictions(1));
    expect(error.kind).toBe('rate-limited');
    expect(error.retryAfterMs).toBe(3_000);
  });

  it('treats a malformed answer as non-retryable, naming the call and the field', async () => {
    sandbox.setFaults({ malformedNext: 1 });
    const error = await failure(client().getPredictions(1));
    expect(error.kind).toBe('non-retryable');
    expect(error.message).toContain('GET /api/v1/suggestions');
    expect(error.message).toContain('assets');
  });

  it('reports each call with its outcome', async () => {
    const events: { call: string; outcome: string }[] = [];
    const t7 = client({ onCall: ({ call, outcome }) => events.push({ call, outcome }) });
    await t7.getPredictions(1);
    sandbox.setFaults({ errorRate: 1 });
    await failure(t7.getPredictions(1));
    expect(events).toEqual([
      { call: 'GET /api/v1/suggestions', outcome: 'ok' },
      { call: 'GET /api/v1/suggestions', outcome: 'retryable' },
    ]);
  });
});

describe('topPrediction', () => {
  const result: PredictionResult = {
    assets: [
      { asset: 'VC05200028729', predictions: [{ name: 'Request Completed', probability: 0.3 }, { name: 'Repair Completed', probability: 0.6 }] },
      { asset: 'VC05200011111', predictions: [] },
    ],
  };

  it.each([
    ['the most probable action of the serial', 'VC05200028729', { name: 'Repair Completed', probability: 0.6 }],
    ['the serial whatever its case and spacing', ' vc05200028729 ', { name: 'Repair Completed', probability: 0.6 }],
    ['nothing for an asset without predictions', 'VC05200011111', undefined],
    ['nothing for an unknown serial', 'VC0000', undefined],
  ])('returns %s', (_what, serial, expected) => {
    expect(topPrediction(result, serial)).toEqual(expected);
  });
});
