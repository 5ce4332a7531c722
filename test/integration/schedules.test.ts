import { applySchedules, scheduleDefinitions } from '../../clients/temporal/schedules';
import { ensureSearchAttributes } from '../../clients/temporal/connection';
import { firstRunOf, recordHistory, startTestWorker, type TestWorker } from '../support/temporal';

describe('schedules', () => {
  let env: TestWorker;
  beforeAll(async () => {
    env = await startTestWorker({ env: { EDGE_MONITORING_INTERVAL: '1h', EDGE_REPORT_INTERVAL: '3h' } });
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

    const monitoring = await env.client.schedule.getHandle('edge-monitoring').describe();
    expect(monitoring.policies.overlap).toBe('SKIP');
    expect(monitoring.spec.intervals?.[0]?.every).toBe(3_600_000);
    expect(monitoring.action.taskQueue).toBe(env.taskQueue);

    // The report schedule runs on this worker; with no cycle completed yet it posts nothing.
    const report = env.client.schedule.getHandle('edge-status-report');
    expect((await report.describe()).spec.intervals?.[0]?.every).toBe(3 * 3_600_000);
    await report.trigger();
    const workflowId = await firstRunOf(env.client, 'edge-status-report');
    expect(await env.client.workflow.getHandle(workflowId).result()).toEqual({ posted: false, faulty: 0, cycles: 0 });
    await recordHistory(env.client, workflowId, 'edge-status-report-empty');
  });

  it('updates a schedule whose definition changed, keeping it paused if an operator paused it', async () => {
    await env.client.schedule.getHandle('edge-monitoring').pause('maintenance');
    const config = { ...env.config, schedule: { ...env.config.schedule, edgeMonitoringInterval: 7_200_000 } };
    expect(await applySchedules(env.client, config)).toMatchObject({ 'edge-monitoring': 'updated', 'edge-status-report': 'unchanged' });
    const description = await env.client.schedule.getHandle('edge-monitoring').describe();
    expect(description.spec.intervals?.[0]?.every).toBe(7_200_000);
    expect(description.state.paused).toBe(true);
    expect(await applySchedules(env.client, config)).toMatchObject({ 'edge-monitoring': 'unchanged' });
  });
});
