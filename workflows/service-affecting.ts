/**
 * P3 Service affecting monitor.
 *
 *   schedule ──▶ serviceAffectingMonitorWorkflow ──▶ scanDeviceLinks (one activity per monitored device)
 *                 └─ per trouble, one after another per device ──▶ service-affecting-<host>-<ent>-<edge>-<if>-<trouble>
 *   trouble workflow: find the VAS ticket naming it ▶ create (look first) ▶ append note (look first) ▶ Slack
 *                     dry run: e-mail the would-be ticket and note instead, then hold the trouble's
 *                     id for a day so later scans do not e-mail the same trouble every interval
 *   device without troubles, quiet for SERVICE_AFFECTING_RESOLVE_AFTER (production): its open VAS
 *                     tickets are auto-resolved under the outage incidents' rules (look first)
 *
 * The troubles of one device run one after another, so two of them never both take a fresh ticket
 * for their own; the workflow id per trouble keeps two scans from working the same trouble at once.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ActivityFailure,
  ChildWorkflowFailure,
  executeChild,
  log,
  patched,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DeviceScan, MonitoredEdge, ServiceAffectingPlan } from '../activities/service-affecting';
import { troubleWorkflowId, troubleWorkflowIdBySerial, type TroubleReport } from '../domain/service-affecting';
import { EdgeSerial, Enterprise, Process, PROCESS, VcoHost } from '../domain/search-attributes';
import { mapWithConcurrency } from '../domain/concurrency';
import { bruinWriteOptions, NOTIFY } from './activity-options';
import { dryRunHeld, holdAfterDryRun, startDryRunChild } from './dry-run';

const DEVICES_AT_ONCE = 20;
/** Trouble workflows are named by the edge's VCO ids, not its serial (ids are stored in clear). */
const TROUBLE_ID_BY_EDGE_PATCH = 'trouble-id-by-edge';
/** Devices one workflow scans; a larger fleet of monitored devices is cut into child workflows. */
export const DEVICES_PER_CHUNK = 500;
const CHUNKS_AT_ONCE = 4;

const { listServiceAffectingDevices, scanDeviceLinks } = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 5 },
});

const { findTroubleTicket } = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '2m', maximumAttempts: 10 },
});

const { postTroubleToSlack, emailTroubleDryRun } = proxyActivities<Activities>(NOTIFY);

export interface TroubleInput {
  report: TroubleReport;
  dryRun: boolean;
  /** BRUIN_WRITE_SETTLE in ms (absent in runs started before it was carried). */
  bruinWriteSettleMs?: number;
}

export type TroubleOutcome =
  | { outcome: 'already-ticketed'; ticketId: number }
  | { outcome: 'ticketed'; ticketId: number; created: boolean; noteAppended: boolean }
  | { outcome: 'dry-run' };

export type DeviceOutcome =
  | 'healthy'
  | 'scan-failed'
  | 'test-enterprise'
  | TroubleOutcome['outcome']
  | 'dry-run-already-sent'
  | 'failed'
  /** A recovered device: its VAS ticket resolved, left open under the auto-resolve rules, or not reached. */
  | 'auto-resolved'
  | 'left-open'
  | 'resolve-failed';

/** Outcomes of devices without a trouble in the scan. */
const UNTROUBLED: readonly DeviceOutcome[] = ['healthy', 'scan-failed', 'test-enterprise', 'auto-resolved', 'left-open', 'resolve-failed'];

export interface ServiceAffectingResult {
  devices: number;
  troubles: number;
  outcomes: Partial<Record<DeviceOutcome, number>>;
}

/** One trouble of one device, start to finish. Safe to retry at any step. */
export async function serviceAffectingTroubleWorkflow(input: TroubleInput): Promise<TroubleOutcome> {
  const { report } = input;
  const lookup = await findTroubleTicket({ clientId: report.clientId, serial: report.serial, trouble: report.trouble });
  if (lookup.notedIn !== undefined) return { outcome: 'already-ticketed', ticketId: lookup.notedIn };
  if (input.dryRun) {
    await emailTroubleDryRun({ report, runId: workflowInfo().runId });
    await holdAfterDryRun();
    return { outcome: 'dry-run' };
  }
  const { createTroubleTicket, appendTroubleNote } = proxyActivities<Activities>(bruinWriteOptions(input.bruinWriteSettleMs));
  const { ticketId, created } = await createTroubleTicket({ report, knownTicketIds: lookup.openTicketIds });
  const { appended } = await appendTroubleNote({ ticketId, report });
  await postTroubleToSlack({ ticketId, report });
  return { outcome: 'ticketed', ticketId, created, noteAppended: appended };
}

function troubleReports(scan: DeviceScan & { clientId: number }): TroubleReport[] {
  return scan.troubles.map((trouble) => ({
    host: scan.host,
    enterpriseId: scan.enterpriseId,
    edgeId: scan.edgeId,
    serial: scan.serial,
    edgeName: scan.edgeName,
    enterpriseName: scan.enterpriseName,
    clientId: scan.clientId,
    trouble,
    scanStart: scan.scanStart,
    scanEnd: scan.scanEnd,
  }));
}

async function workTrouble(report: TroubleReport, plan: ServiceAffectingPlan): Promise<DeviceOutcome> {
  const { dryRun } = plan;
  const options = {
    workflowId: patched(TROUBLE_ID_BY_EDGE_PATCH) ? troubleWorkflowId(report, report.trouble) : troubleWorkflowIdBySerial(report.serial, report.trouble),
    args: [{ report, dryRun, bruinWriteSettleMs: plan.bruinWriteSettleMs }] as [TroubleInput],
    typedSearchAttributes: [
      { key: EdgeSerial, value: report.serial },
      { key: VcoHost, value: report.host },
      { key: Enterprise, value: report.enterpriseName },
      { key: Process, value: PROCESS.serviceAffecting },
    ],
    staticSummary: `${report.trouble.kind} on ${report.trouble.interface} of ${report.edgeName} (${report.serial})`,
  };
  if (dryRun && dryRunHeld()) {
    return (await startDryRunChild(serviceAffectingTroubleWorkflow, options)) === 'dry-run-started' ? 'dry-run' : 'dry-run-already-sent';
  }
  try {
    const result = await executeChild(serviceAffectingTroubleWorkflow, options);
    return result.outcome;
  } catch (error) {
    // Already running (a scan still busy with it) or out of retries: the next scan looks again.
    if (!(error instanceof ChildWorkflowFailure) && !(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    log.warn('service-affecting trouble not worked this scan', { serial: report.serial, trouble: report.trouble.kind, error: error.message });
    return 'failed';
  }
}

/** Recovered devices' open VAS tickets are auto-resolved (runs started before it only scanned them). */
const VAS_AUTO_RESOLVE_PATCH = 'vas-auto-resolve';

/** A recovered device's open VAS tickets (production): resolved, or left open with the reason logged. */
async function autoResolve(request: { clientId: number; serial: string; recoveredAt: string }, plan: ServiceAffectingPlan): Promise<DeviceOutcome> {
  const { autoResolveTroubleTickets } = proxyActivities<Activities>(bruinWriteOptions(plan.bruinWriteSettleMs));
  try {
    const { resolved, leftOpen } = await autoResolveTroubleTickets(request);
    if (leftOpen.length) log.info('recovered device: VAS ticket left open', { serial: request.serial, leftOpen });
    if (resolved.length) return 'auto-resolved';
    return leftOpen.length ? 'left-open' : 'healthy';
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    log.warn('recovered device: VAS tickets not checked this scan', { serial: request.serial, error: error.message });
    return 'resolve-failed';
  }
}

async function monitorDevice(device: MonitoredEdge, plan: ServiceAffectingPlan): Promise<DeviceOutcome[]> {
  let scan: DeviceScan;
  try {
    scan = await scanDeviceLinks(device);
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    log.warn('monitored device not scanned', { serial: device.serial, error: error.message });
    return ['scan-failed'];
  }
  const { clientId } = scan;
  if (!scan.troubles.length) {
    if (!scan.recovered || plan.dryRun || clientId === undefined || !patched(VAS_AUTO_RESOLVE_PATCH)) return ['healthy'];
    return [await autoResolve({ clientId, serial: scan.serial, recoveredAt: scan.scanEnd }, plan)];
  }
  if (clientId === undefined) return ['test-enterprise'];
  const outcomes: DeviceOutcome[] = [];
  for (const report of troubleReports({ ...scan, clientId })) outcomes.push(await workTrouble(report, plan));
  return outcomes;
}

function tallyOutcomes(devices: number, perDevice: DeviceOutcome[][]): ServiceAffectingResult {
  const outcomes: ServiceAffectingResult['outcomes'] = {};
  let troubles = 0;
  for (const list of perDevice) {
    for (const outcome of list) {
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      if (!UNTROUBLED.includes(outcome)) troubles += 1;
    }
  }
  return { devices, troubles, outcomes };
}

function mergeResults(results: ServiceAffectingResult[]): ServiceAffectingResult {
  const merged: ServiceAffectingResult = { devices: 0, troubles: 0, outcomes: {} };
  for (const result of results) {
    merged.devices += result.devices;
    merged.troubles += result.troubles;
    for (const [outcome, count] of Object.entries(result.outcomes) as [DeviceOutcome, number][]) {
      merged.outcomes[outcome] = (merged.outcomes[outcome] ?? 0) + count;
    }
  }
  return merged;
}

export interface DeviceChunkInput {
  offset: number;
  limit: number;
}

/** The monitored devices from `offset`, at most `limit` of them: one chunk of a large scan. */
export async function serviceAffectingDevicesWorkflow(input: DeviceChunkInput): Promise<ServiceAffectingResult> {
  const plan = await listServiceAffectingDevices(input);
  return tallyOutcomes(plan.devices.length, await mapWithConcurrency(plan.devices, DEVICES_AT_ONCE, (device) => monitorDevice(device, plan)));
}

/**
 * One scan of every monitored device; the schedule runs it every SERVICE_AFFECTING_INTERVAL. Up to
 * DEVICES_PER_CHUNK devices are scanned here; more are cut into child workflows of that many, so
 * no history and no payload grows with the number of devices.
 */
export async function serviceAffectingMonitorWorkflow(): Promise<ServiceAffectingResult> {
  const plan = await listServiceAffectingDevices({ offset: 0, limit: DEVICES_PER_CHUNK });
  const total = plan.total ?? plan.devices.length;
  if (total <= plan.devices.length) {
    return tallyOutcomes(plan.devices.length, await mapWithConcurrency(plan.devices, DEVICES_AT_ONCE, (device) => monitorDevice(device, plan)));
  }
  const chunks = Array.from({ length: Math.ceil(total / DEVICES_PER_CHUNK) }, (_, i) => i * DEVICES_PER_CHUNK);
  const { workflowId } = workflowInfo();
  const results = await mapWithConcurrency(chunks, CHUNKS_AT_ONCE, (offset) =>
    executeChild(serviceAffectingDevicesWorkflow, {
      workflowId: `${workflowId}-devices-${offset}`,
      args: [{ offset, limit: DEVICES_PER_CHUNK }],
    }),
  );
  return mergeResults(results);
}
