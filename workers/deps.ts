/**
 * Builds everything activities use from the configuration: one client per outside system, wired
 * to the worker's metrics. The worker process and the integration tests share this assembly.
 */
import type { Client } from '@temporalio/client';
import type { Registry } from 'prom-client';
import type { ActivityDeps } from '../activities';
import { currentCallSignal } from '../activities/attempt';
import { SlackClient } from '../clients/slack';
import { BruinClient } from '../clients/bruin';
import { EmailClient } from '../clients/email';
import { T7Client } from '../clients/t7';
import { cachedLatestCycle } from '../clients/temporal/cycles';
import { scheduledRunFailures } from '../clients/temporal/scheduled-runs';
import { scheduleDefinitions } from '../clients/temporal/schedules';
import { VelocloudClients } from '../clients/velocloud';
import type { Config } from '../config';
import { createEngineMetrics, registerFleetGauges } from './engine-metrics';
import type { Logger } from './logger';

export interface WorkerDepsInput {
  config: Config;
  logger: Logger;
  registry: Registry;
  temporal: Client;
}

export function createActivityDeps({ config, logger, registry, temporal }: WorkerDepsInput): ActivityDeps {
  const schedules = scheduleDefinitions(config);
  const metrics = createEngineMetrics(registry, { scheduledRuns: { schedules, failures: scheduledRunFailures(temporal, schedules) } });
  registerFleetGauges(registry, cachedLatestCycle(temporal, config.temporal.taskQueue));
  const velocloud = new VelocloudClients(config.velocloud.hosts, {
    verifySsl: config.velocloud.verifySsl,
    onCall: ({ host, call, outcome }) => metrics.velocloudCalls.inc({ host, call, outcome }),
    callSignal: currentCallSignal,
  });
  const slack = new SlackClient({ botToken: config.slack.botToken, channel: config.slack.channel, apiUrl: config.slack.apiUrl, callSignal: currentCallSignal });
  const email = new EmailClient({ smtpUrl: config.email.smtpUrl, from: config.email.from });
  const bruin = new BruinClient(config.bruin, {
    onCall: ({ call, outcome }) => metrics.bruinCalls.inc({ call, outcome }),
    callSignal: currentCallSignal,
  });
  const t7 = config.t7 ? new T7Client(config.t7, { callSignal: currentCallSignal }) : undefined;
  return { config, logger, registry, metrics, temporal, velocloud, slack, email, bruin, t7 };
}

export async function closeActivityDeps(deps: ActivityDeps): Promise<void> {
  deps.email.close();
  await Promise.all([deps.velocloud.close(), deps.bruin.close(), deps.t7?.close()]);
}
