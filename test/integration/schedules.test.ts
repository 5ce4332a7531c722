import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { applySchedules, scheduleDefinitions } from '../../clients/temporal/schedules';
import { ensureSearchAttributes } from '../../clients/temporal/connection';
import { recordHistory, startTestWorker, type TestWorker } from '../support/temporal';

async function firstRunOf(client: Client, scheduleId: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const { info } = await client.schedule.getHandle(scheduleId).describe();
    const run = info.recentActions[0]?.action.workflow.workflowId;
    if (run) return run;
    await sleep(200);
  }
  throw new Error(`schedule ${scheduleId} started no run`);
}

describe('schedules', () => {
  let env: TestWorker;
  beforeAll(async () => {
    env = await startTestWorker({ env: { EDGE_MONITORING_INTERVAL: '1h' } });
  });
  afterAll(async () => {
    for (const def of scheduleDefinitions(env.config)) await env.client.schedule.getHandle(def.scheduleId).delete().catch(() => undefined);
    await env.stop();
  });

  it('registers the search attributes only once', async () => {
    expect(await ensureSearchAttributes(env.client)).toEqual([]);
  });

  it('applies idempotently with overlap SKIP, and a triggered run reaches the worker', async () => {
    const ids = scheduleDefinitions(env.config).map((d) => d.scheduleId);
    const first = await applySchedules(env.client, env.config);
    expect(Object.values(first)).toEqual(ids.map(() => 'created'));
    expect(await applySchedules(env.client, env.config)).toEqual(Object.fromEntries(ids.map((id) => [id, 'unchanged'])));

    const handle = env.client.schedule.getHandle('engine-heartbeat');
    const description = await handle.describe();
    expect(description.policies.overlap).toBe('SKIP');
    expect(description.spec.intervals?.[0]?.every).toBe(3_600_000);

    await handle.trigger();
    const workflowId = await firstRunOf(env.client, 'engine-heartbeat');
    const result: unknown = await env.client.workflow.getHandle(workflowId).result();
    expect(result).toEqual({
      mode: 'dry-run',
      timezone: 'US/Eastern',
      orchestrators: ['vco.example.net'],
      monitoredDevices: 0,
      worker: env.taskQueue,
    });
    await recordHistory(env.client, workflowId, 'engine-heartbeat');
  });

  it('updates a schedule whose definition changed, keeping it paused if an operator paused it', async () => {
    await env.client.schedule.getHandle('engine-heartbeat').pause('maintenance');
    const config = { ...env.config, schedule: { ...env.config.schedule, edgeMonitoringInterval: 7_200_000 } };
    expect(await applySchedules(env.client, config)).toMatchObject({ 'engine-heartbeat': 'updated' });
    const description = await env.client.schedule.getHandle('engine-heartbeat').describe();
    expect(description.spec.intervals?.[0]?.every).toBe(7_200_000);
    expect(description.state.paused).toBe(true);
    expect(await applySchedules(env.client, config)).toMatchObject({ 'engine-heartbeat': 'unchanged' });
  });
});
