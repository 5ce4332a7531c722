/** HA pairs through the VCO client and the sandbox (SPEC §3 VCO HA): haState per edge, the partner's serial per link row. */
import { VelocloudClient } from '../../clients/velocloud';
import { generateFleet, startVelocloudSandbox, type VelocloudSandbox } from '../../sandbox/velocloud';

const fleet = generateFleet({ seed: 5, hosts: ['vco.test'], enterprisesPerHost: 2, edgesPerEnterprise: 6, now: new Date('2026-11-28T07:41:26.000Z') });
let sandbox: VelocloudSandbox;
let client: VelocloudClient;

beforeAll(async () => {
  sandbox = await startVelocloudSandbox({ fleet });
  client = new VelocloudClient(sandbox.velocloudHost(), { timeoutMs: 5_000 });
});
afterAll(async () => {
  await client.close();
  await sandbox.stop();
});

const setHa = (edgeId: number, body: unknown) =>
  fetch(`${sandbox.url}/__admin/edges/${edgeId}/ha`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('network/getNetworkEnterprises and edgeHASerialNumber', () => {
  it('answers each edge of the enterprise with its haState, and link rows with the partner serial', async () => {
    const [enterprise] = sandbox.fleet.enterprises();
    const [a, b] = enterprise!.edges;
    expect((await setHa(a!.id, { haState: 'READY', partnerSerial: b!.serialNumber })).status).toBe(200);
    expect((await setHa(b!.id, { haState: 'FAILED', partnerSerial: a!.serialNumber })).status).toBe(200);

    const edges = await client.getNetworkEdges([enterprise!.id]);
    expect(edges).toHaveLength(enterprise!.edges.length);
    expect(edges.find((e) => e.id === a!.id)).toEqual({ id: a!.id, serialNumber: a!.serialNumber, haState: 'READY' });
    expect(edges.find((e) => e.id === b!.id)?.haState).toBe('FAILED');
    expect(edges.filter((e) => e.id !== a!.id && e.id !== b!.id).every((e) => e.haState === 'UNCONFIGURED')).toBe(true);

    const { rows } = await client.getEnterpriseEdgeLinkStatus({ enterpriseId: enterprise!.id });
    expect(new Set(rows.filter((r) => r.edgeId === a!.id).map((r) => r.edgeHASerialNumber))).toEqual(new Set([b!.serialNumber]));
    expect(rows.filter((r) => r.edgeId !== a!.id && r.edgeId !== b!.id).every((r) => r.edgeHASerialNumber === '')).toBe(true);

    expect((await setHa(a!.id, { haState: null })).status).toBe(200);
    expect((await client.getNetworkEdges([enterprise!.id])).find((e) => e.id === a!.id)?.haState).toBe('UNCONFIGURED');
  });

  it('refuses a malformed HA change and an unknown edge', async () => {
    expect((await setHa(1, { haState: 5 })).status).toBe(400);
    expect((await setHa(999_999, { haState: 'READY' })).status).toBe(404);
  });
});
