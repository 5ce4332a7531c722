/**
 * Every Temporal Schedule of the engine, defined in one place from the configuration, and the
 * idempotent apply: a schedule is created when missing, updated when its definition changed, and
 * left alone otherwise (a hash of the definition travels in the action's memo).
 */
import { createHash } from 'node:crypto';
import {
  type Client,
  type ScheduleOptions,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type ScheduleSpec,
} from '@temporalio/client';
import type { Config } from '../../config';
import { formatDuration } from '../../domain/duration';
import { Process, PROCESS } from '../../domain/search-attributes';

export interface ScheduleDefinition {
  scheduleId: string;
  description: string;
  workflowType: string;
  /** Workflow ids of the runs start with this; Temporal appends the start time. */
  workflowId: string;
  args: unknown[];
  spec: ScheduleSpec;
  process: string;
  /**
   * How long one run may take (milliseconds). A run that hangs (a workflow task failing for good, a
   * call that never answers) times out, is counted in automation_scheduled_runs_failed_total, and
   * the next tick runs: with overlap SKIP, a run without a timeout would hold the schedule forever.
   */
  runTimeout: number;
}

/** P5 runs once a month: an hour is far more than listing every edge and sending one e-mail takes. */
const MONTHLY_REPORT_RUN_TIMEOUT = 3_600_000;

/**
 * P1's cycle may outlast its interval on a large fleet (100,000 edges take about 2.5 minutes, and a
 * tick that comes while it runs is skipped): it gets three intervals, and at least five minutes.
 */
export function cycleRunTimeout(interval: number): number {
  return Math.max(3 * interval, 5 * 60_000);
}

export function scheduleDefinitions(config: Config): ScheduleDefinition[] {
  const every = (ms: number) => ({ intervals: [{ every: ms }] });
  const s = config.schedule;
  return [
    {
      scheduleId: 'edge-monitoring',
      description: `P1: fetch every edge's status and publish fleet metrics, every ${formatDuration(s.edgeMonitoringInterval)}`,
      workflowType: 'edgeMonitoringCycleWorkflow',
      workflowId: 'edge-monitoring',
      args: [],
      spec: every(s.edgeMonitoringInterval),
      process: PROCESS.edgeMonitoring,
      runTimeout: cycleRunTimeout(s.edgeMonitoringInterval),
    },
    {
      scheduleId: 'edge-status-report',
      description: `P1: Slack summary of the faulty edges of the latest cycle, every ${formatDuration(s.edgeReportInterval)}`,
      workflowType: 'edgeStatusReportWorkflow',
      workflowId: 'edge-status-report',
      args: [],
      spec: every(s.edgeReportInterval),
      process: PROCESS.edgeMonitoring,
      runTimeout: s.edgeReportInterval,
    },
    {
      scheduleId: 'outage-detector',
      description: `P2: quarantine edges in outage (${formatDuration(s.outageQuarantine)}), every ${formatDuration(s.outageDetectorInterval)}`,
      workflowType: 'outageDetectorWorkflow',
      workflowId: 'outage-detector',
      args: [],
      spec: every(s.outageDetectorInterval),
      process: PROCESS.outageMonitor,
      runTimeout: s.outageDetectorInterval,
    },
    {
      scheduleId: 'outage-reporter',
      description: `P2: e-mail the outages found since the last report, every ${formatDuration(s.outageReportInterval)}`,
      workflowType: 'outageReporterWorkflow',
      workflowId: 'outage-reporter',
      args: [],
      spec: every(s.outageReportInterval),
      process: PROCESS.outageMonitor,
      runTimeout: s.outageReportInterval,
    },
    {
      scheduleId: 'service-affecting-monitor',
      description: `P3: latency and packet loss of the monitored edges' links, VAS tickets, every ${formatDuration(s.serviceAffectingInterval)}`,
      workflowType: 'serviceAffectingMonitorWorkflow',
      workflowId: 'service-affecting-monitor',
      args: [],
      spec: every(s.serviceAffectingInterval),
      process: PROCESS.serviceAffecting,
      runTimeout: s.serviceAffectingInterval,
    },
    {
      scheduleId: 'outage-triage',
      description: `P4: triage notes on the open VOO tickets of the monitored edges, every ${formatDuration(s.triageInterval)}`,
      workflowType: 'outageTriageWorkflow',
      workflowId: 'outage-triage',
      args: [],
      spec: every(s.triageInterval),
      process: PROCESS.triage,
      runTimeout: s.triageInterval,
    },
    {
      scheduleId: 'last-contact-report',
      description: `P5: e-mail the edges silent for 30 days or more, cron "${s.lastContactCron}" in ${config.timezone}`,
      workflowType: 'lastContactReportWorkflow',
      workflowId: 'last-contact-report',
      args: [],
      spec: { cronExpressions: [s.lastContactCron], timezone: config.timezone },
      process: PROCESS.lastContact,
      runTimeout: MONTHLY_REPORT_RUN_TIMEOUT,
    },
  ];
}

function toOptions(def: ScheduleDefinition, config: Config): ScheduleOptions {
  const hash = createHash('sha256')
    .update(JSON.stringify({ ...def, taskQueue: config.temporal.taskQueue }))
    .digest('hex')
    .slice(0, 16);
  return {
    scheduleId: def.scheduleId,
    spec: def.spec,
    action: {
      type: 'startWorkflow',
      workflowType: def.workflowType,
      workflowId: def.workflowId,
      args: def.args,
      taskQueue: config.temporal.taskQueue,
      workflowRunTimeout: def.runTimeout,
      typedSearchAttributes: [{ key: Process, value: def.process }],
      memo: { definitionHash: hash, description: def.description },
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1m', pauseOnFailure: false },
    state: { note: def.description },
  };
}

export type ApplyOutcome = 'created' | 'updated' | 'unchanged';

export async function applySchedules(
  client: Client,
  config: Config,
  options: { triggerNew?: boolean; definitions?: ScheduleDefinition[] } = {},
): Promise<Record<string, ApplyOutcome>> {
  const outcomes: Record<string, ApplyOutcome> = {};
  for (const def of options.definitions ?? scheduleDefinitions(config)) {
    const desired = toOptions(def, config);
    const handle = client.schedule.getHandle(def.scheduleId);
    try {
      const current = await handle.describe();
      const currentHash = (current.action.memo as { definitionHash?: string } | undefined)?.definitionHash;
      if (currentHash === (desired.action.memo as { definitionHash: string }).definitionHash) {
        outcomes[def.scheduleId] = 'unchanged';
        continue;
      }
      await handle.update((previous) => ({
        spec: desired.spec,
        action: desired.action,
        policies: desired.policies,
        state: { paused: previous.state.paused, note: previous.state.note },
      }));
      outcomes[def.scheduleId] = 'updated';
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
      await client.schedule.create({ ...desired, state: { ...desired.state, triggerImmediately: options.triggerNew } });
      outcomes[def.scheduleId] = 'created';
    }
  }
  return outcomes;
}
