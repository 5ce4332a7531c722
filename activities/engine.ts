import { Context } from '@temporalio/activity';
import type { ActivityDeps } from './deps';

export interface EngineDescription {
  mode: string;
  timezone: string;
  orchestrators: string[];
  monitoredDevices: number;
  worker: string;
}

export function createEngineActivities({ config }: ActivityDeps) {
  return {
    /** What this worker is configured to watch, without a single secret: proves the schedule → worker path. */
    async describeEngine(): Promise<EngineDescription> {
      return {
        mode: config.mode,
        timezone: config.timezone,
        orchestrators: config.velocloud.hosts.map((h) => h.host),
        monitoredDevices: config.monitoredDevices.length,
        worker: Context.current().info.taskQueue,
      };
    },
  };
}
