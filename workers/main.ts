/**
 * The worker process: one worker on TEMPORAL_TASK_QUEUE with every workflow and activity, plus
 * /healthz, /readyz and /metrics. SIGINT/SIGTERM drain in-flight activities, then exit 0.
 */
import 'dotenv/config';
import { hostname } from 'node:os';
import type { Worker } from '@temporalio/worker';
import { loadConfigOrExit, redactConfig, secretValues } from '../config';
import { connectClient, connectWorker } from '../clients/temporal/connection';
import { freePort } from '../clients/temporal/free-port';
import { createLogger } from './logger';
import { createRegistry } from './metrics';
import { close, createHealthServer, listen } from './health';
import { installRuntime } from './runtime';
import { createEngineWorker } from './worker';
import { closeActivityDeps, createActivityDeps } from './deps';

const config = loadConfigOrExit();
const logger = createLogger({ secrets: secretValues(config) });

async function main(): Promise<void> {
  const sdkMetricsUrl = installRuntime(logger, await freePort());
  const registry = createRegistry();

  let worker: Worker | undefined;
  const isReady = () => worker?.getState() === 'RUNNING';
  const ports = [...new Set([config.metricsPort, config.healthPort])];
  const servers = ports.map(() => createHealthServer({ registry, sdkMetricsUrl, isReady }));
  const bound = await Promise.all(servers.map((server, i) => listen(server, ports[i] as number)));
  logger.info({ config: redactConfig(config), ports: bound }, 'worker starting');

  const connection = await connectWorker(config.temporal);
  const temporal = await connectClient(config.temporal);
  const deps = createActivityDeps({ config, logger, registry, temporal });
  try {
    worker = await createEngineWorker({
      connection,
      deps,
      identity: `automation-engine@${hostname()}:${process.pid}`,
    });
    logger.info({ taskQueue: config.temporal.taskQueue, address: config.temporal.address }, 'worker polling');
    await worker.run();
  } finally {
    await Promise.all(servers.map(close));
    await closeActivityDeps(deps);
    await temporal.connection.close();
    await connection.close();
  }
  logger.info('worker stopped');
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    logger.fatal({ err: error }, 'worker failed');
    process.exit(1);
  },
);
