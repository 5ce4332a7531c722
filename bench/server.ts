/**
 * The Temporal server a bench runs on: `--server dev` (default) the dev server in memory, as the
 * tests use it; `--server cluster [--shards N]` the real server on PostgreSQL (clients/temporal/cluster.ts),
 * created fresh in .data/bench/ for the run and deleted afterwards (a 10,000-edge cycle leaves ~50 MB).
 */
import { join } from 'node:path';
import { clusterReset, clusterUp, DEFAULT_HISTORY_SHARDS } from '../clients/temporal/cluster';
import { startDevServer } from '../clients/temporal/dev-server';
import { projectRoot } from '../clients/temporal/project';

export interface BenchServer {
  name: 'dev' | 'cluster';
  /** History shards (the dev server has one). */
  shards: number;
  address: string;
  stop(): Promise<void>;
}

export async function startBenchServer(kind = 'dev', shards?: number): Promise<BenchServer> {
  if (kind === 'dev') {
    if (shards !== undefined) throw new Error('--shards is for --server cluster (the dev server has one history shard)');
    const server = await startDevServer({ headless: true });
    return { name: 'dev', shards: 1, address: server.address, stop: () => server.stop() };
  }
  if (kind !== 'cluster') throw new Error(`--server is dev or cluster, not ${kind}`);
  if (shards !== undefined && (!Number.isInteger(shards) || shards < 1)) throw new Error('--shards must be a positive whole number');
  const dir = join(projectRoot(), '.data', 'bench', `cluster-${process.pid}`);
  await clusterReset(dir);
  const cluster = await clusterUp({ dir, port: 0, shards: shards ?? DEFAULT_HISTORY_SHARDS, ui: false, log: (line) => process.stderr.write(`cluster: ${line}\n`) });
  return { name: 'cluster', shards: cluster.shards, address: cluster.address, stop: () => clusterReset(dir) };
}
