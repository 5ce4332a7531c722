/**
 * Connections to Temporal as configured, over real TLS. The dev server serves plaintext only, so a
 * TLS front (test/support/tls-proxy.ts) with a throw-away CA stands where Temporal Cloud or an
 * mTLS cluster would, checking the API key or the client certificate. Each case of
 * config/temporal.ts gives the documented behaviour: the worker runs a workflow through it, or the
 * connection is refused.
 */
import { randomUUID } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { connectionOptions } from '../../clients/temporal/connection';
import { testConfig } from '../support/config';
import { startTestWorker, testAddress } from '../support/temporal';
import { makeTestPki, startTlsProxy, type TestPki, type TlsProxy } from '../support/tls-proxy';

const API_KEY = `api-key-${randomUUID()}`;

let pki: TestPki;
let keyed: TlsProxy;
let mutual: TlsProxy;

beforeAll(async () => {
  pki = makeTestPki();
  keyed = await startTlsProxy({ pki, upstream: testAddress(), apiKey: API_KEY });
  mutual = await startTlsProxy({ pki, upstream: testAddress(), requireClientCert: true });
});
afterAll(async () => {
  await keyed?.stop();
  await mutual?.stop();
});

async function heartbeatThrough(env: Record<string, string>): Promise<unknown> {
  const worker = await startTestWorker({ env });
  try {
    return await worker.client.workflow.execute('engineHeartbeatWorkflow', { taskQueue: worker.taskQueue, workflowId: `tls-${randomUUID()}`, args: [] });
  } finally {
    await worker.stop();
  }
}

/** Whether a client connection with these settings is refused (and why). */
async function refusal(env: Record<string, string>): Promise<string> {
  const options = connectionOptions(testConfig(env).temporal);
  try {
    const connection = await Connection.connect({ ...options, connectTimeout: 5_000 });
    try {
      await connection.workflowService.getSystemInfo({});
    } finally {
      await connection.close();
    }
  } catch (error) {
    const cause = (error as { cause?: { message?: string; details?: string } }).cause;
    return [(error as Error).message, cause?.message, cause?.details].filter(Boolean).join(': ');
  }
  throw new Error('the connection was not refused');
}

describe('Temporal connection over TLS', () => {
  it('API key (Temporal Cloud style): TLS on, the server verified, the key sent with every call', async () => {
    const before = keyed.calls.length;
    const result = await heartbeatThrough({ TEMPORAL_ADDRESS: keyed.address, TEMPORAL_API_KEY: API_KEY, TEMPORAL_TLS_CA: pki.caPath });
    expect(result).toMatchObject({ orchestrators: ['vco.example.net'] });
    const calls = keyed.calls.slice(before);
    expect(calls.length).toBeGreaterThan(3);
    expect(calls.every((c) => c.authorization === `Bearer ${API_KEY}` && !c.refused)).toBe(true);
    expect(calls.map((c) => c.path)).toEqual(expect.arrayContaining(['/temporal.api.workflowservice.v1.WorkflowService/PollWorkflowTaskQueue']));
  });

  it('API key alone trusts the system roots only: a server they did not sign is refused', async () => {
    const calls = keyed.calls.length;
    expect(await refusal({ TEMPORAL_ADDRESS: keyed.address, TEMPORAL_API_KEY: API_KEY })).toMatch(/certificate|UnknownIssuer|TLS|handshake|transport|connect/i);
    expect(keyed.calls.length).toBe(calls);
  });

  it('a wrong API key is refused by the server', async () => {
    const before = keyed.calls.length;
    expect(await refusal({ TEMPORAL_ADDRESS: keyed.address, TEMPORAL_API_KEY: 'not-the-key', TEMPORAL_TLS_CA: pki.caPath })).toMatch(/API key missing or invalid/);
    expect(keyed.calls.slice(before)).toEqual([expect.objectContaining({ authorization: 'Bearer not-the-key', refused: true })]);
  });

  it('a CA alone: server-verified TLS; a CA that did not sign the server refuses it before any call', async () => {
    // The handshake passes and the call arrives, over TLS, without a key (so this front refuses it).
    let before = keyed.calls.length;
    expect(await refusal({ TEMPORAL_ADDRESS: keyed.address, TEMPORAL_TLS_CA: pki.caPath })).toMatch(/API key missing or invalid/);
    expect(keyed.calls.slice(before)).toEqual([expect.objectContaining({ refused: true })]);
    expect(keyed.calls.at(-1)!.authorization).toBeUndefined();
    before = keyed.calls.length;
    expect(await refusal({ TEMPORAL_ADDRESS: keyed.address, TEMPORAL_TLS_CA: pki.otherCaPath, TEMPORAL_API_KEY: API_KEY })).not.toMatch(/API key/);
    expect(keyed.calls.length).toBe(before);
  });

  it('client certificate and key (mTLS): the worker runs; without the certificate the handshake fails', async () => {
    const before = mutual.calls.length;
    const result = await heartbeatThrough({
      TEMPORAL_ADDRESS: mutual.address,
      TEMPORAL_TLS_CERT: pki.clientCertPath,
      TEMPORAL_TLS_KEY: pki.clientKeyPath,
      TEMPORAL_TLS_CA: pki.caPath,
    });
    expect(result).toMatchObject({ orchestrators: ['vco.example.net'] });
    expect(mutual.calls.slice(before).every((c) => c.clientCert === 'automation-engine-worker')).toBe(true);
    const calls = mutual.calls.length;
    await refusal({ TEMPORAL_ADDRESS: mutual.address, TEMPORAL_TLS_CA: pki.caPath });
    expect(mutual.calls.length).toBe(calls);
  });

  it('plaintext to a TLS server gets nowhere', async () => {
    await refusal({ TEMPORAL_ADDRESS: keyed.address });
  });
});
