/**
 * A TLS front for the test run's Temporal dev server, which serves plaintext only (`temporal
 * server start-dev` has no TLS options): an HTTP/2 server with a certificate from a throw-away CA
 * (openssl), which checks the API key (`authorization: Bearer …`) or the client certificate the way
 * Temporal Cloud would, and relays every gRPC call, trailers included, to the dev server. What a
 * worker connecting through it proves: it spoke TLS, verified the server, and sent its key or cert.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import {
  connect,
  constants,
  createSecureServer,
  type ClientHttp2Session,
  type Http2SecureServer,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  dir: string;
  caPath: string;
  serverCertPath: string;
  serverKeyPath: string;
  clientCertPath: string;
  clientKeyPath: string;
  /** A CA that signed nothing here: a server checked against it must be refused. */
  otherCaPath: string;
}

/** A CA, a server certificate for localhost/127.0.0.1 and a client certificate, made with openssl (EC P-256). */
export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'temporal-tls-'));
  const at = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ca = (name: string, cn: string) =>
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', at(`${name}.key`), '-out', at(`${name}.pem`),
      '-days', '2', '-subj', `/CN=${cn}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  ca('ca', 'Automation Engine test CA');
  ca('other-ca', 'Somebody else');
  const leaf = (name: string, cn: string, extensions: string) => {
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', at(`${name}.key`), '-out', at(`${name}.csr`), '-subj', `/CN=${cn}`);
    writeFileSync(at(`${name}.ext`), extensions);
    openssl('x509', '-req', '-in', at(`${name}.csr`), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-out', at(`${name}.pem`), '-days', '2', '-extfile', at(`${name}.ext`));
  };
  leaf('server', 'localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n');
  leaf('client', 'automation-engine-worker', 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
  return {
    dir,
    caPath: at('ca.pem'),
    serverCertPath: at('server.pem'),
    serverKeyPath: at('server.key'),
    clientCertPath: at('client.pem'),
    clientKeyPath: at('client.key'),
    otherCaPath: at('other-ca.pem'),
  };
}

export interface TlsProxyOptions {
  pki: TestPki;
  /** The plaintext Temporal frontend to relay to (host:port). */
  upstream: string;
  /** Calls without `authorization: Bearer <apiKey>` are refused (UNAUTHENTICATED), as Temporal Cloud does. */
  apiKey?: string;
  /** The TLS handshake needs a client certificate signed by the test CA (mTLS). */
  requireClientCert?: boolean;
}

export interface TlsProxy {
  /** `localhost:<port>`, the name the server certificate carries. */
  address: string;
  /** What each relayed or refused call carried. */
  calls: Array<{ path: string; authorization?: string; clientCert?: string; refused: boolean }>;
  stop(): Promise<void>;
}

const HOP_HEADERS = new Set([':authority', ':scheme', 'connection', 'keep-alive', 'host']);

function forwardable(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_HEADERS.has(name)));
}

function responseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith(':') || name === ':status'));
}

export async function startTlsProxy(options: TlsProxyOptions): Promise<TlsProxy> {
  const { pki } = options;
  const calls: TlsProxy['calls'] = [];
  let upstream: ClientHttp2Session | undefined;
  const session = () => {
    if (!upstream || upstream.closed || upstream.destroyed) {
      upstream = connect(`http://${options.upstream}`);
      upstream.on('error', () => undefined);
    }
    return upstream;
  };

  const server: Http2SecureServer = createSecureServer({
    key: readFileSync(pki.serverKeyPath),
    cert: readFileSync(pki.serverCertPath),
    ca: readFileSync(pki.caPath),
    requestCert: options.requireClientCert ?? false,
    rejectUnauthorized: options.requireClientCert ?? false,
  });
  const sessions = new Set<ServerHttp2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
    const authorization = headers.authorization;
    const peer = (stream.session?.socket as TLSSocket | undefined)?.getPeerCertificate?.();
    const cn = peer && 'subject' in peer && peer.subject ? peer.subject.CN : undefined;
    const clientCert = Array.isArray(cn) ? cn.join(',') : cn;
    const refused = options.apiKey !== undefined && authorization !== `Bearer ${options.apiKey}`;
    calls.push({ path: String(headers[':path']), ...(authorization ? { authorization } : {}), ...(clientCert ? { clientCert } : {}), refused });
    stream.on('error', () => undefined);
    if (refused) {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': String(16), 'grpc-message': 'API key missing or invalid' }, { endStream: true });
      return;
    }
    const relay = session().request(forwardable(headers));
    relay.on('error', () => {
      if (!stream.closed) stream.close(constants.NGHTTP2_INTERNAL_ERROR);
    });
    let trailers: OutgoingHttpHeaders = {};
    relay.on('response', (answer, flags) => {
      if (stream.closed) return;
      const endStream = (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0;
      if (endStream) stream.respond(responseHeaders(answer), { endStream: true });
      else stream.respond(responseHeaders(answer), { waitForTrailers: true });
    });
    relay.on('trailers', (received: IncomingHttpHeaders) => (trailers = responseHeaders(received)));
    stream.on('wantTrailers', () => stream.sendTrailers(trailers));
    stream.pipe(relay);
    relay.pipe(stream);
    stream.on('close', () => {
      if (!relay.closed) relay.close(constants.NGHTTP2_CANCEL);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `localhost:${port}`,
    calls,
    stop: async () => {
      upstream?.destroy();
      for (const s of sessions) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
