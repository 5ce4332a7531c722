import type { Client } from '@temporalio/client';
import type { Registry } from 'prom-client';
import type { VelocloudClients } from '../clients/velocloud';
import type { SlackClient } from '../clients/slack';
import type { BruinClient } from '../clients/bruin';
import type { EmailClient } from '../clients/email';
import type { T7Client } from '../clients/t7';
import type { Config } from '../config';
import type { EngineMetrics } from '../workers/engine-metrics';
import type { Logger } from '../workers/logger';

/** What activities need from the worker process; built once at start-up (workers/deps.ts), replaced in tests. */
export interface ActivityDeps {
  config: Config;
  logger: Logger;
  registry: Registry;
  metrics: EngineMetrics;
  /** For activities that read or start other workflows (latest cycle, quarantines). */
  temporal: Client;
  velocloud: VelocloudClients;
  slack: SlackClient;
  email: EmailClient;
  bruin: BruinClient;
  /** Absent when T7 is not configured: triage goes on without predictions. */
  t7?: T7Client;
}
