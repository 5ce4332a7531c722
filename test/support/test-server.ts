/**
 * The Temporal server of a test run: the dev server, or with TEMPORAL_TEST_SERVER=cluster
 * (`npm run test:cluster`) the real server on PostgreSQL (clients/temporal/cluster.ts), in a folder
 * of the run's own (TEMPORAL_TEST_CLUSTER_DIR, for tests that stop and restart it).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { clusterReset, clusterUp } from '../../clients/temporal/cluster';
import { startDevServer, type DevServer, type DevServerOptions } from '../../clients/temporal/dev-server';
import { TEST_DATA } from './paths';

export function testServerKind(): 'dev' | 'cluster' {
  const kind = process.env.TEMPORAL_TEST_SERVER ?? 'dev';
  if (kind !== 'dev' && kind !== 'cluster') throw new Error(`TEMPORAL_TEST_SERVER is dev or cluster, not ${kind}`);
  return kind;
}

export async function startTestServer(options: DevServerOptions): Promise<DevServer> {
  if (testServerKind() === 'dev') return startDevServer(options);
  const dir = join(options.logFile ? dirname(options.logFile) : TEST_DATA, 'cluster');
  const shards = process.env.TEMPORAL_HISTORY_SHARDS ? Number(process.env.TEMPORAL_HISTORY_SHARDS) : undefined;
  const cluster = await clusterUp({ dir, shards, port: 0, ui: false, log: (line) => process.stderr.write(`cluster: ${line}\n`) });
  process.env.TEMPORAL_TEST_CLUSTER_DIR = dir;
  return {
    address: cluster.address,
    uiUrl: undefined,
    // The server runs detached, found by its pid file (a test may stop and restart it): no child process here.
    process: undefined as unknown as DevServer['process'],
    stop: async () => {
      // The database (~50 MB a P1 cycle) goes; the server's log stays with the run's other files.
      const log = join(dir, 'server.log');
      const kept = existsSync(log) ? readFileSync(log) : undefined;
      await clusterReset(dir);
      if (kept) {
        mkdirSync(dir, { recursive: true });
        writeFileSync(log, kept);
      }
    },
  };
}
