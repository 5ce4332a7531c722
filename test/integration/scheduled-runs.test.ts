/**
 * No scheduled process can halt: a P1 run that hangs (every orchestrator stops answering) is cut off
 * by its run timeout, counted in automation_scheduled_runs_failed_total, and the schedule's next
 * tick runs a cycle that completes, although the overlap policy is SKIP.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { scheduledRunFailures } from '../../clients/temporal/scheduled-runs';
import { applySchedules, scheduleDefinitions, type ScheduleDefinition } from '../../clients/temporal/schedules';
import { startSandboxes, type SandboxSet } from '../../sandbox';
import { createEngineMetrics } from '../../workers/engine-metrics';
import { value } from '../support/metrics';
import { startTestWorker, type TestWorker } from '../support/temporal';

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

describe('scheduled runs', () => {
  let sandboxes: SandboxSet;
  let worker: TestWorker;
  let schedule: ScheduleDefinition;

  beforeAll(async () => {
    sandboxes = await startSandboxes({ fleet: { seed: 17, totalEdges: 20 } });
    worker = await startTestWorker({ env: sandboxes.env });
  });

  afterAll(async () => {
    if (schedule) await worker?.client.schedule.getHandle(schedule.scheduleId).delete().catch(() => undefined);
    await worker?.stop();
    await sandboxes?.stop();
  });

  it('every schedule has a run timeout that fits its interval', () => {
    const definitions = scheduleDefinitions(worker.config);
    expect(definitions).toHaveLength(7);
    for (const def of definitions) {
      const every = Number(def.spec.intervals?.[0]?.every ?? 0);
      expect(def.runTimeout).toBeGreaterThan(0);
      if (every) expect(def.runTimeout).toBeLessThanOrEqual(Math.max(3 * every, 5 * 60_000));
    }
  });

  it('a cycle that hangs times out and is counted; the next tick completes', async () => {
    const id = `edge-monitoring-timeout-${randomUUID()}`;
    const p1 = scheduleDefinitions(worker.config).find((d) => d.scheduleId === 'edge-monitoring')!;
    schedule = { ...p1, scheduleId: id, workflowId: id, spec: { intervals: [{ every: 5_000 }] }, runTimeout: 2_000 };
    const registry = new Registry();
    const since = new Date();
    createEngineMetrics(registry, { scheduledRuns: { schedules: [schedule], failures: scheduledRunFailures(worker.client, [schedule], since, 0) } });
    const failed = () => value(registry, 'automation_scheduled_runs_failed_total', { schedule: id, process: p1.process });
    expect(await failed()).toBe(0);

    // The orchestrators stop answering: the first run waits on its listing until its run timeout.
    for (const s of sandboxes.velocloud.sandboxes) s.setFaults({ latencyMs: 10_000 });
    await applySchedules(worker.client, worker.config, { definitions: [schedule], triggerNew: true });
    const runs = (status: string) => async () => {
      const found: string[] = [];
      for await (const run of worker.client.workflow.list({ query: `TemporalScheduledById = '${id}' AND ExecutionStatus = '${status}'` })) {
        found.push(run.runId);
      }
      return found.length ? found : undefined;
    };
    const timedOut = await eventually('a timed-out run', runs('TimedOut'));
    for (const s of sandboxes.velocloud.sandboxes) s.setFaults({});

    const completed = await eventually('a completed run after it', runs('Completed'));
    expect(completed.length).toBeGreaterThanOrEqual(1);
    await worker.client.schedule.getHandle(id).pause('test done');
    expect(await eventually('the failure counted', async () => ((await failed()) ?? 0) >= 1 || undefined)).toBe(true);
    process.stdout.write(`A hung P1 run: ${timedOut.length} run(s) timed out after 2 s, the next tick completed; automation_scheduled_runs_failed_total{schedule="${id}"} = ${await failed()}\n`);
  });
});
