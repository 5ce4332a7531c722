import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { EngineDescription } from '../activities/engine';

const { describeEngine } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 5 },
});

/** A tiny scheduled run that shows the schedule → workflow → worker path is alive. */
export async function engineHeartbeatWorkflow(): Promise<EngineDescription> {
  return describeEngine();
}
