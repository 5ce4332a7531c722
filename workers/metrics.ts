/**
 * The worker's Prometheus registry. The Temporal SDK's own worker metrics come from its native
 * exporter on an internal loopback port; /metrics serves both as one page.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import { request } from 'undici';

export function createRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Our metrics followed by the SDK's (if its exporter answers). */
export async function renderMetrics(registry: Registry, sdkMetricsUrl?: string): Promise<string> {
  const own = await registry.metrics();
  if (!sdkMetricsUrl) return own;
  try {
    const response = await request(sdkMetricsUrl, { signal: AbortSignal.timeout(2_000) });
    const sdk = await response.body.text();
    return response.statusCode === 200 ? `${own}\n${sdk}` : own;
  } catch {
    return own;
  }
}
