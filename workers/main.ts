/**
 * The worker process: one worker on TEMPORAL_TASK_QUEUE with every workflow and activity, plus
 * /healthz, /readyz and /metrics. SIGINT/SIGTERM drain in-flight activities, then exit 0.
 */
import 'dotenv/config';
import { hostname } from 'node:os';
import type { Worker } from '@temporalio/worker';
import { loadConfigOrExit, redactConfig, secretValues, type Config } from '../config';
import { encryptingKey } from '../config/codec-keys';
import { plaintextConnections } from '../config/security';
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
  const endpoints = config.metricsPort === config.healthPort
    ? [{ port: config.metricsPort, host: config.metricsHost }]
    : [{ port: config.metricsPort, host: config.metricsHost }, { port: config.healthPort, host: config.healthHost }];
  const servers = endpoints.map(() => createHealthServer({ registry, sdkMetricsUrl, isReady }));
  const bound = await Promise.all(servers.map((server, i) => listen(server, endpoints[i]!.port, endpoints[i]!.host)));
  logger.info({ config: redactConfig(config), ports: bound, hosts: endpoints.map((e) => e.host) }, 'worker starting');
  logSecurity(config);

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

/** What protects the data, said once at start-up: payload encryption, the Temporal connection, every plaintext link. */
function logSecurity(config: Config): void {
  const { temporal } = config;
  const key = encryptingKey(temporal.codecKeys);
  if (key) {
    logger.info({ cipher: 'AES-256-GCM', encryptingKey: key.id, decryptingKeys: temporal.codecKeys.map((k) => k.id) }, 'payload encryption on');
  } else {
    logger.warn('payload encryption OFF: TEMPORAL_CODEC_KEYS is not set, workflow histories hold customer data in clear');
  }
  logger.info(
    { address: temporal.address, namespace: temporal.namespace, transport: temporal.transport, apiKey: Boolean(temporal.profile.apiKey) },
    'temporal connection',
  );
  const plaintext = plaintextConnections(config);
  if (plaintext.length) logger.warn({ connections: plaintext }, 'plaintext connections');
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    logger.fatal({ err: error }, 'worker failed');
    process.exit(1);
  },
);
