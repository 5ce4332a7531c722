import type { Registry } from 'prom-client';

export interface Sample {
  labels: Record<string, string | number>;
  value: number;
}

/** Every sample of a metric, after collecting the whole registry (the fleet gauges refresh together). */
export async function samples(registry: Registry, name: string): Promise<Sample[]> {
  const metrics = await registry.getMetricsAsJSON();
  // Histogram series (`_count`, `_sum`, `_bucket`) live inside the histogram's entry.
  const base = name.replace(/_(count|sum|bucket)$/, '');
  const metric = metrics.find((m) => m.name === name) ?? metrics.find((m) => m.name === base);
  return (metric?.values ?? [])
    .filter((v) => (v as { metricName?: string }).metricName === undefined || (v as { metricName?: string }).metricName === name)
    .map((v) => ({ labels: v.labels as Record<string, string | number>, value: v.value }));
}

export async function value(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const match = (await samples(registry, name)).filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return match.length ? match.reduce((sum, s) => sum + s.value, 0) : undefined;
}
