import type { Registry } from 'prom-client';
import type { Config } from '../config';
import type { Logger } from '../workers/logger';

/** What activities need from the worker process; built once at start-up, replaced in tests. */
export interface ActivityDeps {
  config: Config;
  logger: Logger;
  registry: Registry;
}
