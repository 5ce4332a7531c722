/**
 * The worker's HTTP endpoints: /healthz (the process is up), /readyz (connected to Temporal and
 * polling its task queue) and /metrics (Prometheus). Served on METRICS_HOST:METRICS_PORT;
 * HEALTH_HOST:HEALTH_PORT, when the port differs, serves the same. Both default to loopback: the
 * operator opens them (0.0.0.0 in the compose stack, where Prometheus scrapes another container).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { renderMetrics } from './metrics';

export interface HealthServerOptions {
  registry: Registry;
  sdkMetricsUrl?: string;
  isReady: () => boolean;
}

export function createHealthServer(options: HealthServerOptions): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    } else if (path === '/readyz') {
      const ready = options.isReady();
      res
        .writeHead(ready ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: ready ? 'ready' : 'not ready' }));
    } else if (path === '/metrics') {
      renderMetrics(options.registry, options.sdkMetricsUrl).then(
        (body) => res.writeHead(200, { 'content-type': options.registry.contentType }).end(body),
        (error: Error) => res.writeHead(500).end(error.message),
      );
    } else {
      res.writeHead(404).end('not found');
    }
  });
}

export async function listen(server: Server, port: number, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

export async function close(server: Server): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
