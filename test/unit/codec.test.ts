/**
 * The AES-256-GCM payload codec, TEMPORAL_CODEC_KEYS, and the codec server's side of Temporal's
 * remote codec protocol (CORS for the Web UI, the optional bearer token).
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { createCodecServer } from '../../clients/temporal/codec/codec-server';
import { EncryptionCodec, isEncrypted } from '../../clients/temporal/codec/encryption-codec';
import { parseCodecKeys } from '../../config/codec-keys';
import { loadCodecServerConfig } from '../../config/codec-server';
import { codecKeys, ROTATED_CODEC_KEYS, TEST_KEY_1, TEST_KEY_2 } from '../support/codec';

const value = { enterprise: 'Titan America|85940|', serial: 'VC05200028729', note: 'Trouble: Latency' };
const payload = (v: unknown = value): Payload => defaultPayloadConverter.toPayload(v);
const text = (bytes?: Uint8Array | null) => Buffer.from(bytes ?? []).toString('utf8');

describe('EncryptionCodec', () => {
  const codec = new EncryptionCodec(codecKeys(TEST_KEY_1));

  it('encrypts the whole payload, metadata included, and names the key', async () => {
    const [encoded] = await codec.encode([payload()]);
    expect(text(encoded!.metadata!.encoding)).toBe('binary/encrypted');
    expect(text(encoded!.metadata!['encryption-key-id'])).toBe('test-1');
    expect(Object.keys(encoded!.metadata!)).toEqual(['encoding', 'encryption-key-id']);
    const bytes = text(encoded!.data);
    for (const secret of [...Object.values(value), 'json/plain']) expect(bytes).not.toContain(secret);
    const [decoded] = await codec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(value);
    expect(text(decoded!.metadata!.encoding)).toBe('json/plain');
  });

  it('uses a fresh nonce each time: the same value never encrypts the same way twice', async () => {
    const [a, b] = await codec.encode([payload(), payload()]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('passes payloads that are not encrypted (runs from before encryption) through decode', async () => {
    const clear = payload();
    expect(await codec.decode([clear])).toEqual([clear]);
    expect(isEncrypted(clear)).toBe(false);
  });

  it('keeps old runs readable after a rotation: the last key encrypts, every key decrypts', async () => {
    const [old] = await codec.encode([payload()]);
    const rotated = new EncryptionCodec(codecKeys(ROTATED_CODEC_KEYS));
    expect(rotated.keyId).toBe('test-2');
    const [fresh] = await rotated.encode([payload()]);
    expect(text(fresh!.metadata!['encryption-key-id'])).toBe('test-2');
    const decoded = await rotated.decode([old!, fresh!]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([value, value]);
    // A worker that lacks the new key says which one it lacks.
    await expect(codec.decode([fresh!])).rejects.toThrow('uses key "test-2", which TEMPORAL_CODEC_KEYS does not list');
  });

  it('refuses a payload altered in storage, or one decrypted with another key under the same id', async () => {
    const [encoded] = await codec.encode([payload()]);
    const data = Buffer.from(encoded!.data!);
    data[20] = data[20]! ^ 1;
    await expect(codec.decode([{ ...encoded!, data }])).rejects.toThrow('does not decrypt with key "test-1"');
    const impostor = new EncryptionCodec([{ id: 'test-1', key: codecKeys(TEST_KEY_2)[0]!.key }]);
    await expect(impostor.decode([encoded!])).rejects.toThrow('does not decrypt');
  });
});

describe('TEMPORAL_CODEC_KEYS', () => {
  const problemsOf = (v: string) => {
    const problems: string[] = [];
    parseCodecKeys(v, problems);
    return problems;
  };

  it('reads id:base64key entries in order', () => {
    const keys = parseCodecKeys(ROTATED_CODEC_KEYS, []);
    expect(keys.map((k) => [k.id, k.key.length])).toEqual([
      ['test-1', 32],
      ['test-2', 32],
    ]);
    expect(parseCodecKeys('', [])).toEqual([]);
  });

  it('names bad entries by position and id, never quoting the key', () => {
    const short = Buffer.alloc(16, 7).toString('base64');
    const problems = problemsOf(`a:${short},:${short},${TEST_KEY_1},${TEST_KEY_1},b:not*base64`);
    expect(problems).toEqual([
      'TEMPORAL_CODEC_KEYS entry 1 (id a): the key must be 32 bytes in base64 (make one with: openssl rand -base64 32)',
      'TEMPORAL_CODEC_KEYS entry 2 must look like id:base64key (id: letters, digits, . _ -)',
      'TEMPORAL_CODEC_KEYS entry 4: key id test-1 is listed twice',
      'TEMPORAL_CODEC_KEYS entry 5 (id b): the key must be 32 bytes in base64 (make one with: openssl rand -base64 32)',
    ]);
    expect(problems.join('\n')).not.toContain(short);
  });
});

describe('codec server', () => {
  let server: Server;
  let url: string;
  const UI = 'http://127.0.0.1:8233';
  const errors: string[] = [];

  beforeAll(async () => {
    server = createCodecServer({ keys: codecKeys(ROTATED_CODEC_KEYS), token: 'codec-token', corsOrigins: [UI], onError: (m) => errors.push(m) });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const toJson = (p: Payload) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(p.data ?? []).toString('base64'),
  });
  const post = (path: string, body: unknown, headers: Record<string, string> = { authorization: 'Bearer codec-token' }) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers }, body: JSON.stringify(body) });

  it('decodes and encodes in proto3 JSON (base64 metadata and data), at /decode and /<namespace>/decode', async () => {
    const [encrypted] = await new EncryptionCodec(codecKeys(TEST_KEY_1)).encode([payload()]);
    for (const path of ['/decode', '/default/decode']) {
      const response = await post(path, { payloads: [toJson(encrypted!), toJson(payload('clear'))] });
      expect(response.status).toBe(200);
      const { payloads } = (await response.json()) as { payloads: Array<{ metadata: Record<string, string>; data: string }> };
      expect(Buffer.from(payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('json/plain');
      expect(JSON.parse(Buffer.from(payloads[0]!.data, 'base64').toString())).toEqual(value);
      expect(JSON.parse(Buffer.from(payloads[1]!.data, 'base64').toString())).toBe('clear');
    }
    const encoded = (await (await post('/encode', { payloads: [toJson(payload())] })).json()) as { payloads: Array<{ metadata: Record<string, string> }> };
    expect(Buffer.from(encoded.payloads[0]!.metadata['encryption-key-id']!, 'base64').toString()).toBe('test-2');
  });

  it('answers the Web UI origin preflight without a token, and refuses other origins', async () => {
    const preflight = await fetch(`${url}/decode`, {
      method: 'OPTIONS',
      headers: { origin: UI, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(UI);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/X-Namespace/);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    const answer = await post('/decode', { payloads: [] }, { origin: UI, authorization: 'Bearer codec-token' });
    expect(answer.headers.get('access-control-allow-origin')).toBe(UI);
    const other = await post('/decode', { payloads: [] }, { origin: 'http://evil.example', authorization: 'Bearer codec-token' });
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('needs the bearer token when one is configured', async () => {
    expect((await post('/decode', { payloads: [] }, {})).status).toBe(401);
    expect((await post('/decode', { payloads: [] }, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post('/decode', { payloads: [] })).status).toBe(200);
  });

  it('says what is wrong with a request, never with a key', async () => {
    expect((await fetch(`${url}/decode`)).status).toBe(405);
    expect((await post('/other', {})).status).toBe(404);
    expect((await post('/decode', { nope: 1 })).status).toBe(400);
    const foreign = { metadata: { encoding: Buffer.from('binary/encrypted').toString('base64'), 'encryption-key-id': Buffer.from('gone').toString('base64') }, data: 'AAAA' };
    const response = await post('/decode', { payloads: [foreign] });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'encrypted payload uses key "gone", which TEMPORAL_CODEC_KEYS does not list' });
    expect(errors.join('\n')).not.toMatch(/Y4adAecr|6LdUAe7w/);
  });

  it('passes payloads through unchanged without keys', async () => {
    const keyless = createCodecServer({ keys: [], corsOrigins: [] });
    await new Promise<void>((resolve) => keyless.listen(0, '127.0.0.1', resolve));
    try {
      const body = { payloads: [toJson(payload())] };
      const response = await fetch(`http://127.0.0.1:${(keyless.address() as AddressInfo).port}/encode`, { method: 'POST', body: JSON.stringify(body) });
      expect(await response.json()).toEqual(body);
    } finally {
      await new Promise<void>((resolve) => keyless.close(() => resolve()));
    }
  });

  it('is configured from CODEC_SERVER_* and TEMPORAL_CODEC_KEYS, loopback by default', () => {
    expect(loadCodecServerConfig({})).toMatchObject({ host: '127.0.0.1', port: 8081, keys: [] });
    expect(loadCodecServerConfig({ TEMPORAL_CODEC_KEYS: TEST_KEY_1, CODEC_SERVER_CORS_ORIGINS: 'http://localhost:8080/', CODEC_SERVER_TOKEN: 't' })).toMatchObject({
      corsOrigins: ['http://localhost:8080'],
      token: 't',
    });
    expect(() => loadCodecServerConfig({ CODEC_SERVER_PORT: 'x', CODEC_SERVER_CORS_ORIGINS: 'localhost:8080' })).toThrow(/CODEC_SERVER_PORT[\s\S]*CODEC_SERVER_CORS_ORIGINS/);
  });
});
