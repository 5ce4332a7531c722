/**
 * Temporal's remote codec protocol over HTTP, so the Web UI (`--ui-codec-endpoint`,
 * TEMPORAL_CODEC_ENDPOINT of the UI image) and `temporal … --codec-endpoint` show clear payloads to
 * whoever can reach this server (and holds CODEC_SERVER_TOKEN, when one is set):
 *
 *   POST /encode, POST /decode (also /<namespace>/encode|decode, for the CLI's {namespace} template)
 *   body and answer: {"payloads":[{"metadata":{"<key>":"<base64>"},"data":"<base64>"}]}  (proto3 JSON)
 *
 * CORS lets the configured Web UI origins call it from the browser (preflight answered without a
 * token: browsers send none). Without keys it passes payloads through, as the worker does.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
import type { CodecServerConfig } from '../../../config/codec-server';
import { EncryptionCodec } from './encryption-codec';

/** A history page the Web UI decodes at once stays well below this; payloads are at most 2 MB each. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;
const ALLOWED_HEADERS = 'Content-Type, X-Namespace, Authorization';

interface JsonPayload {
  metadata?: Record<string, string> | null;
  data?: string | null;
}

class BadRequest extends Error {}

function fromJson(value: unknown): Payload {
  const { metadata, data } = (value ?? {}) as JsonPayload;
  if ((metadata != null && typeof metadata !== 'object') || (data != null && typeof data !== 'string')) {
    throw new BadRequest('each payload is {"metadata":{…base64},"data":"base64"}');
  }
  return {
    metadata: metadata ? Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(String(v), 'base64'))])) : {},
    data: new Uint8Array(Buffer.from(data ?? '', 'base64')),
  };
}

function toJson(payload: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw Object.assign(new BadRequest('body too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface CodecServerOptions extends Pick<CodecServerConfig, 'keys' | 'token' | 'corsOrigins'> {
  /** Told about every request that failed (never with a payload). */
  onError?: (message: string) => void;
}

export function createCodecServer(options: CodecServerOptions): Server {
  const codec: PayloadCodec | undefined = options.keys.length ? new EncryptionCodec(options.keys) : undefined;
  const origins = new Set(options.corsOrigins);

  const cors = (req: IncomingMessage, res: ServerResponse): boolean => {
    const origin = req.headers.origin;
    res.setHeader('Vary', 'Origin');
    if (!origin) return true;
    if (!origins.has(origin) && !origins.has('*')) return false;
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
    res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.setHeader('Access-Control-Max-Age', '600');
    return true;
  };
  const answer = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const allowedOrigin = cors(req, res);
    if (path === '/healthz' && req.method === 'GET') return answer(res, 200, { status: 'ok', encryption: Boolean(codec) });
    const route = /^(?:\/[^/]+)?\/(encode|decode)\/?$/.exec(path)?.[1] as 'encode' | 'decode' | undefined;
    if (!route) return answer(res, 404, { error: 'not found' });
    if (req.method === 'OPTIONS') return res.writeHead(allowedOrigin ? 204 : 403).end();
    if (req.method !== 'POST') return res.writeHead(405, { allow: 'POST, OPTIONS' }).end();
    if (!allowedOrigin) return answer(res, 403, { error: 'origin not allowed' });
    if (options.token && !sameSecret(req.headers.authorization ?? '', `Bearer ${options.token}`)) {
      return answer(res, 401, { error: 'a valid Authorization: Bearer token is required' });
    }
    void (async () => {
      try {
        let body: unknown;
        try {
          body = JSON.parse(await readBody(req));
        } catch (error) {
          throw error instanceof BadRequest ? error : new BadRequest('body is not JSON');
        }
        const raw = (body as { payloads?: unknown } | null)?.payloads;
        if (!Array.isArray(raw)) throw new BadRequest('body must be {"payloads":[…]}');
        const payloads = raw.map(fromJson);
        const out = codec ? await codec[route](payloads) : payloads;
        answer(res, 200, { payloads: out.map(toJson) });
      } catch (error) {
        const known = error instanceof BadRequest || error instanceof ValueError;
        const message = known ? (error as Error).message : 'codec failure';
        options.onError?.(`${route}: ${known ? message : String(error)}`);
        answer(res, (error as { status?: number }).status ?? (known ? 400 : 500), { error: message });
      }
    })();
  });
}

export interface RunningCodecServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Starts a codec server in this process (the dev server tools and the tests). */
export async function startCodecServer(options: CodecServerOptions & { host?: string; port?: number }): Promise<RunningCodecServer> {
  const server = createCodecServer(options);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://${host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
