/**
 * The per-host listing activity against the VCO sandbox, one attempt at a time: what an attempt
 * leaves for the next, what the last attempt gives up on, and what one bad row costs.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { ActivityDeps } from '../../activities';
import { createVelocloudActivities, type HostListing } from '../../activities/velocloud';
import { ExternalCallError } from '../../clients/errors';
import { VelocloudClients } from '../../clients/velocloud';
import { startVelocloudSandbox, type VelocloudSandbox } from '../../sandbox/velocloud';
import { createLogger } from '../../workers/logger';
import { testConfig } from '../support/config';

let sandbox: VelocloudSandbox;
let velocloud: VelocloudClients;
let activities: ReturnType<typeof createVelocloudActivities>;

const retryPolicy = { maximumAttempts: 5 };
/** Calls the sandbox answered (an injected error is not recorded). */
const answered = (path: string) => sandbox.received.filter((r) => r.path.endsWith(path)).length;

/** Runs one attempt, as attempt `number` of 5 after one that recorded `previous`; returns the last progress it recorded. */
async function attempt(number: number, previous?: unknown): Promise<{ result?: HostListing; error?: unknown; progress: unknown }> {
  // The failed attempts are the point of these tests: keep the SDK's failure warnings out of the output.
  const env = new MockActivityEnvironment({ attempt: number, retryPolicy, heartbeatDetails: previous }, { logger: new DefaultLogger('ERROR') });
  let progress: unknown;
  env.on('heartbeat', (details: unknown) => (progress = details));
  try {
    return { result: await env.run((request: { host: string }) => activities.listHostEdges(request), { host: sandbox.hostName }), progress };
  } catch (error) {
    return { error, progress };
  }
}

beforeAll(async () => {
  sandbox = await startVelocloudSandbox({ seed: 5 });
  const config = testConfig({ VELOCLOUD_CREDENTIALS: sandbox.credentialsEntry });
  velocloud = new VelocloudClients(config.velocloud.hosts, { timeoutMs: 5_000 });
  const logger = createLogger({ level: 'error', write: () => undefined });
  activities = createVelocloudActivities({ config, velocloud, logger } as unknown as ActivityDeps);
});

afterEach(() => sandbox.reset());

afterAll(async () => {
  await velocloud.close();
  await sandbox.stop();
});

const allEdgeIds = () => sandbox.fleet.enterprises().flatMap((e) => e.edges.map((edge) => edge.id));
const listedIds = (listing: HostListing) => listing.groups.flatMap((g) => g.edgeIds);

describe('listHostEdges', () => {
  test('an enterprise that fails is listed again on the next attempt, and only it', async () => {
    sandbox.setFaults({ errorNext: 1, errorStatus: 503, pathContains: 'getEnterpriseEdges' });
    const first = await attempt(1);
    expect(first.error).toBeInstanceOf(ExternalCallError);
    expect(first.error).toMatchObject({ kind: 'retryable', call: 'enterprise/getEnterpriseEdges' });
    expect((first.error as Error).message).toContain('1 of 3 enterprises not listed yet');
    expect([answered('getEnterpriseEdges'), sandbox.stats.serverErrors]).toEqual([2, 1]);

    const second = await attempt(2, first.progress);
    expect([answered('getEnterpriseEdges'), sandbox.stats.serverErrors]).toEqual([3, 1]);
    expect(answered('getAggregates')).toBe(1);
    expect(listedIds(second.result!).sort()).toEqual(allEdgeIds().sort());
    expect(second.result).toMatchObject({ host: sandbox.hostName, unlisted: [], unfetchable: [] });
  });

  test('on the last attempt, enterprises that still fail are returned as unlisted instead of failing the host', async () => {
    sandbox.setFaults({ errorRate: 1, errorStatus: 503, pathContains: 'getEnterpriseEdges' });
    const last = await attempt(5);
    expect(last.error).toBeUndefined();
    expect(last.result!.groups).toEqual([]);
    expect(last.result!.unlisted).toEqual(
      sandbox.fleet.enterprises().map((e) => ({
        host: sandbox.hostName,
        enterpriseId: e.id,
        enterpriseName: e.name,
        error: expect.stringMatching(new RegExp(`^velocloud ${sandbox.hostName} enterprise/getEnterpriseEdges: HTTP 503`)),
      })),
    );
  });

  test('an enterprise no attempt can help is unlisted at once; the others are listed', async () => {
    sandbox.setFaults({ malformedNext: 1, pathContains: 'getEnterpriseEdges' });
    const { result, error } = await attempt(1);
    expect(error).toBeUndefined();
    expect(result!.unlisted).toHaveLength(1);
    expect(result!.unlisted[0]!.error).toContain('enterprise/getEnterpriseEdges: unexpected response');
    expect(result!.groups).toHaveLength(2);
  });

  test('a row with a bad field is listed by its id (its fetch will say what is wrong); a row without an id is unfetchable', async () => {
    const [a, b] = sandbox.fleet.enterprises()[0]!.edges;
    sandbox.setMalformed(a!.id, 'null-edgeState');
    sandbox.setMalformed(b!.id, 'null-id');
    const { result } = await attempt(1);
    expect(listedIds(result!)).toContain(a!.id);
    expect(listedIds(result!)).not.toContain(b!.id);
    expect(listedIds(result!)).toHaveLength(allEdgeIds().length - 1);
    expect(result!.unfetchable).toEqual([
      {
        enterpriseId: b!.enterpriseId,
        error: expect.stringMatching(/enterprise\/getEnterpriseEdges: row 1: id: .*expected number.*\(no usable edge id: cannot be fetched\)$/),
      },
    ]);
  });

  test('the enterprise list that cannot be read fails the attempt, for Temporal to retry', async () => {
    sandbox.setFaults({ errorRate: 1, errorStatus: 502, pathContains: 'getAggregates' });
    const { error } = await attempt(1);
    expect(error).toMatchObject({ kind: 'retryable', call: 'monitoring/getAggregates', status: 502 });
  });
});
