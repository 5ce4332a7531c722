/**
 * Slack posts and e-mails across a worker killed (SIGKILL) after the outside write and before the
 * activity's answer reached Temporal, on a real Temporal server: the retry on another worker sends
 * nothing that went out already, whether it learns so from the progress the first attempt recorded
 * or (Slack) from the channel's history. SMTP offers no history: an e-mail whose 250 reply never
 * reached the worker goes out once more, with the same Message-ID (README, exactly once).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import type { EdgeReportResult } from '../../activities/reports';
import type { NotificationProgress } from '../../activities/notify';
import { troubleWorkflowId } from '../../domain/service-affecting';
import { startSandboxes, type SandboxSet } from '../../sandbox';
import type { ServiceAffectingResult } from '../../workflows/service-affecting';
import { makeFleetHealthy, pickEdges, setEdgeState } from '../support/fleet';
import { startMonitoredFleet, type MonitoredFleet } from '../support/monitored-fleet';
import { testPayloadValue } from '../support/codec';
import { startStalledWorker, type StalledWorker } from '../support/stalled-worker';
import { startTestWorker, testAddress, testClient, type TestWorker } from '../support/temporal';

jest.setTimeout(180_000);

/** The progress the pending activity `activityType` of an open workflow on `taskQueue` heartbeated, once Temporal has it. */
async function recordedProgress(client: Client, taskQueue: string, activityType: string, has: (p: NotificationProgress) => boolean): Promise<NotificationProgress> {
  for (;;) {
    for await (const run of client.workflow.list({ query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'` })) {
      const { raw } = await client.workflow.getHandle(run.workflowId, run.runId).describe();
      for (const pending of raw.pendingActivities ?? []) {
        const payload = pending.activityType?.name === activityType ? pending.heartbeatDetails?.payloads?.[0] : undefined;
        // As the server holds them, heartbeat details are encrypted.
        const progress = payload ? await testPayloadValue<NotificationProgress>(payload) : undefined;
        if (progress && has(progress)) return progress;
      }
    }
    await sleep(200);
  }
}

/** Waits until activity `activityType` of `workflowId` has completed; resolves with the attempt that completed it. */
async function completedAttempt(client: Client, workflowId: string, activityType: string): Promise<number> {
  for (;;) {
    const history = await client.workflow
      .getHandle(workflowId)
      .fetchHistory()
      .catch(() => undefined);
    const events = history?.events ?? [];
    const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activityType);
    const completed = scheduled && events.find((e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId) === String(scheduled.eventId));
    if (completed) {
      const startedId = String(completed.activityTaskCompletedEventAttributes?.startedEventId);
      return events.find((e) => String(e.eventId) === startedId)?.activityTaskStartedEventAttributes?.attempt ?? 0;
    }
    await sleep(200);
  }
}

async function kill(worker: StalledWorker): Promise<void> {
  worker.process.kill('SIGKILL');
  expect(await worker.exited).toBe('SIGKILL');
}

describe('Slack summary across a worker crash', () => {
  let sandboxes: SandboxSet;
  let client: Client;
  const started: Array<{ stop(): Promise<void> } | StalledWorker> = [];

  beforeAll(async () => {
    sandboxes = await startSandboxes({ fleet: { seed: 13, totalEdges: 20 }, slackRatePerSecond: Infinity });
    makeFleetHealthy(sandboxes);
    setEdgeState(sandboxes, pickEdges(sandboxes, 'customer', 1)[0]!, 'OFFLINE');
    client = await testClient();
  });

  afterAll(async () => {
    for (const w of started) {
      if ('process' in w) w.process.kill('SIGKILL');
      else await w.stop();
    }
    await client?.connection.close();
    await sandboxes?.stop();
  });

  beforeEach(() => sandboxes.slack.reset());

  /** A worker process on a fresh task queue that has completed one cycle with a faulty edge. */
  async function workerWithACycle(stallAfter?: string): Promise<{ worker: StalledWorker; taskQueue: string }> {
    const taskQueue = `notify-once-${randomUUID()}`;
    const worker = startStalledWorker({ ...sandboxes.env, TEMPORAL_ADDRESS: testAddress(), TEMPORAL_TASK_QUEUE: taskQueue }, stallAfter);
    started.push(worker);
    await worker.ready;
    const workflowId = `edge-monitoring-${randomUUID()}`;
    await client.workflow.execute('edgeMonitoringCycleWorkflow', { taskQueue, workflowId, args: [{ chunkSize: 20, maxChildren: 2 }] });
    while ((await client.workflow.count(`WorkflowId = '${workflowId}' AND ExecutionStatus = 'Completed'`)).count === 0) await sleep(100);
    return { worker, taskQueue };
  }

  async function survivor(taskQueue: string): Promise<TestWorker> {
    const worker = await startTestWorker({ env: sandboxes.env, taskQueue });
    started.push(worker);
    return worker;
  }

  const historyReads = () => sandboxes.slack.received.filter((r) => r.path === '/api/conversations.history').length;

  it('does not post again what Slack took while the worker died waiting for its answer', async () => {
    const { worker, taskQueue } = await workerWithACycle();
    sandboxes.slack.setSlackFaults({ holdAnswerAfterCommitMs: 600_000 });
    const report = await client.workflow.start('edgeStatusReportWorkflow', { taskQueue, workflowId: `edge-status-report-${randomUUID()}` });
    while (sandboxes.slack.messages().length === 0) await sleep(100);
    await kill(worker);
    sandboxes.slack.setSlackFaults({});

    await survivor(taskQueue);
    const result: EdgeReportResult = await report.result();
    expect(result).toMatchObject({ posted: true, cycles: 1 });
    expect(sandboxes.slack.messages()).toHaveLength(1);
    // The retry knew nothing of the post and found it in the channel.
    expect(historyReads()).toBeGreaterThanOrEqual(1);
  });

  it('does not post again, or even look, when the first attempt recorded its post', async () => {
    const { worker, taskQueue } = await workerWithACycle('reportFaultyEdges');
    const report = await client.workflow.start('edgeStatusReportWorkflow', { taskQueue, workflowId: `edge-status-report-${randomUUID()}` });
    const progress = await recordedProgress(client, taskQueue, 'reportFaultyEdges', (p) => Object.keys(p.slackPosted ?? {}).length > 0);
    expect(Object.values(progress.slackPosted).map((m) => m.ts)).toEqual(sandboxes.slack.messages().map((m) => m.ts));
    await kill(worker);

    await survivor(taskQueue);
    expect(await report.result()).toMatchObject({ posted: true });
    expect(sandboxes.slack.messages()).toHaveLength(1);
    expect(historyReads()).toBe(0);
  });
});

describe('dry-run e-mail across a worker crash', () => {
  let fleet: MonitoredFleet;
  let client: Client;
  const started: Array<{ stop(): Promise<void> } | StalledWorker> = [];
  const held: string[] = [];

  beforeAll(async () => {
    fleet = await startMonitoredFleet(5);
    client = await testClient();
  });

  afterAll(async () => {
    for (const id of held) await client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
    for (const w of started) {
      if ('process' in w) w.process.kill('SIGKILL');
      else await w.stop();
    }
    await client?.connection.close();
    await fleet?.stop();
  });

  beforeEach(() => fleet.smtp.reset());

  /** P3 in dry run on a fresh task queue, `edge` with a latency trouble: the trouble goes out by e-mail. */
  async function scanWithTrouble(edgeIndex: number, stallAfter?: string) {
    const edge = fleet.edges[edgeIndex]!;
    fleet.vco.setLink(edge.id, 'GE1', { bestLatencyMsRx: 80 });
    const taskQueue = `notify-once-${randomUUID()}`;
    const env = fleet.env([edge], {
      AUTOMATION_MODE: 'dry-run',
      TEMPORAL_ADDRESS: testAddress(),
      TEMPORAL_TASK_QUEUE: taskQueue,
      EMAIL_FROM: 'engine@example.com',
      REPORT_RECIPIENTS: 'noc@example.com',
    });
    const worker = startStalledWorker(env, stallAfter);
    started.push(worker);
    await worker.ready;
    const scan = await client.workflow.start('serviceAffectingMonitorWorkflow', { taskQueue, workflowId: `service-affecting-monitor-${randomUUID()}`, args: [] });
    const survivor = async () => {
      const next = await startTestWorker({ env, taskQueue });
      started.push(next);
    };
    // The dry-run e-mail goes out from a child that then holds its id for a day (one e-mail a day).
    const dryRunId = `dry-run-${troubleWorkflowId({ host: fleet.vco.hostName, enterpriseId: edge.enterpriseId, edgeId: edge.id }, { kind: 'Latency', interface: 'GE1' })}`;
    held.push(dryRunId);
    return { worker, taskQueue, scan, survivor, dryRunId };
  }

  it('does not send again an e-mail whose acceptance the first attempt recorded', async () => {
    const { worker, taskQueue, scan, survivor, dryRunId } = await scanWithTrouble(0, 'emailTroubleDryRun');
    const progress = await recordedProgress(client, taskQueue, 'emailTroubleDryRun', (p) => Object.keys(p.emailSent ?? {}).length > 0);
    const [sent] = fleet.smtp.messages();
    expect(Object.keys(progress.emailSent)).toEqual([sent!.messageId]);
    await kill(worker);

    await survivor();
    expect(((await scan.result()) as ServiceAffectingResult).outcomes).toEqual({ 'dry-run': 1 });
    expect(await completedAttempt(client, dryRunId, 'emailTroubleDryRun')).toBe(2);
    expect(fleet.smtp.messages()).toHaveLength(1);
  });

  it('sends once more, with the same Message-ID, an e-mail whose 250 reply never reached the worker', async () => {
    fleet.smtp.setSmtpFaults({ holdAnswerAfterCommitMs: 600_000 });
    const { worker, scan, survivor, dryRunId } = await scanWithTrouble(1);
    await fleet.smtp.waitForMessages(1, 60_000);
    await kill(worker);
    fleet.smtp.setSmtpFaults({});

    await survivor();
    expect(((await scan.result()) as ServiceAffectingResult).outcomes).toEqual({ 'dry-run': 1 });
    expect(await completedAttempt(client, dryRunId, 'emailTroubleDryRun')).toBe(2);
    const copies = fleet.smtp.messages();
    expect(copies).toHaveLength(2);
    expect(copies[1]!.messageId).toBe(copies[0]!.messageId);
  });
});
