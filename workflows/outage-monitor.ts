/**
 * P2 Service outage monitor.
 *
 *   detector (schedule) ──fan-out──▶ edge in outage ──▶ outage-<host>-<enterprise>-<edge> quarantine
 *   quarantine: durable timer ▶ re-check ▶ no open VOO ticket ▶ signal the report workflow
 *   reporter (schedule) ──▶ report workflow e-mails what it holds, then starts a fresh list
 */
import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  log,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { EdgeIdentity } from '../domain/edges';
import { edgeKey, isOutage, isTestEnterprise } from '../domain/edges';
import type { OutageEntry } from '../domain/outage-report';
import { REPORT_EMAIL } from './activity-options';
import { fanOutOverFleet, type FanOutCursor, type FanOutOptions, type FanOutProgress } from './edge-fanout';

export interface QuarantineInput {
  edge: EdgeIdentity;
  /** First detection, ISO. */
  detectedAt: string;
  reasons: string[];
  quarantineMs: number;
}

/** `incident`: production mode handed the outage to its incident workflow (workflows/incident.ts). */
export type QuarantineOutcome = 'recovered' | 'test-enterprise' | 'ticketed' | 'reported' | 'incident';

export interface QuarantineResult {
  outcome: QuarantineOutcome;
  detectedAt: string;
  /** How many detector runs saw the outage while it was quarantined (the first included). */
  detections: number;
  state: string;
  ticketIds: number[];
  /** The incident workflow that owns the outage (outcome `incident`). */
  incidentId?: string;
}

export interface OutageDetectorInput extends FanOutOptions {
  /** Set only by continue-as-new (a FanOutProgress in runs of earlier releases). */
  progress?: FanOutCursor | FanOutProgress;
}

export interface OutageDetectorResult {
  listed: number;
  processed: number;
  failed: number;
  outages: number;
  /** Edges without a serial: their outages are not quarantined, since they could never be ticketed. */
  noSerial: number;
  /** Hosts and enterprises that could not be listed: their edges were not looked at. */
  unlistedHosts: number;
  unlistedEnterprises: number;
}

export const outageDetected = defineSignal<[{ detectedAt: string }]>('outageDetected');
export const addOutage = defineSignal<[OutageEntry]>('addOutage');
export const sendOutageReport = defineSignal('sendOutageReport');
export const pendingOutages = defineQuery<OutageEntry[]>('pendingOutages');

const { fetchEdgeStatus } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '2m', maximumAttempts: 10 },
});

const { findOpenOutageTickets, addToOutageReport, requestOutageReport, routeOutage } = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 20 },
});

const { emailOutageReport } = proxyActivities<Activities>(REPORT_EMAIL);

/** Finds the edges in outage and starts (or joins) each one's quarantine. */
export async function outageDetectorWorkflow(input: OutageDetectorInput = {}): Promise<OutageDetectorResult> {
  const { progress: resumed, ...options } = input;
  const outcome = await fanOutOverFleet('outage-detection', options, resumed, (p) => [{ ...options, progress: p }]);
  const { tally } = outcome;
  return {
    listed: outcome.listed,
    processed: tally.processed,
    failed: tally.failed,
    // Counted, not read from the named faulty edges: a tally names only the worst of them.
    outages: tally.outages,
    noSerial: tally.noSerial,
    unlistedHosts: tally.unlistedHosts,
    unlistedEnterprises: tally.unlistedEnterprises,
  };
}

/** One edge's quarantine: wait, look again, and report it if it is still down and nobody has a ticket. */
export async function outageQuarantineWorkflow(input: QuarantineInput): Promise<QuarantineResult> {
  let detections = 1;
  setHandler(outageDetected, () => {
    detections += 1;
  });
  const { edge } = input;
  await sleep(input.quarantineMs);

  const status = await fetchEdgeStatus({
    host: edge.host,
    enterpriseId: edge.enterpriseId,
    edgeId: edge.edgeId,
    enterpriseName: edge.enterpriseName,
  });
  const result = (outcome: QuarantineOutcome, ticketIds: number[] = []): QuarantineResult => ({
    outcome,
    detectedAt: input.detectedAt,
    detections,
    state: status.state,
    ticketIds,
  });
  if (!isOutage(status)) return result('recovered');
  if (isTestEnterprise(edge.enterpriseName)) return result('test-enterprise');
  const { workflowId, runId } = workflowInfo();
  const report = () =>
    addToOutageReport({
      id: `${workflowId}/${runId}`,
      host: edge.host,
      enterpriseId: edge.enterpriseId,
      edgeId: edge.edgeId,
      enterpriseName: edge.enterpriseName,
      edgeName: status.name || edge.name,
      serial: status.serial || edge.serial,
      detectedAt: input.detectedAt,
      reasons: input.reasons,
    });
  if (patched('outage-incident')) {
    // Production: the edge's incident workflow owns the outage (a running one is told of it again).
    const routed = await routeOutage({ edge, detectedAt: input.detectedAt, reasons: input.reasons, status });
    if (routed.route === 'ticketed') return result('ticketed', routed.ticketIds);
    if (routed.route !== 'dry-run') {
      // A new incident's outage is still P2's news: the report lists it, as it lists dry-run outages.
      if (routed.route === 'started' && patched('incident-in-report')) await report();
      return { ...result('incident'), incidentId: routed.workflowId };
    }
  }
  const ticketIds = await findOpenOutageTickets({ enterpriseName: edge.enterpriseName, serial: status.serial || edge.serial });
  if (ticketIds.length) return result('ticketed', ticketIds);
  await report();
  return result('reported');
}

/** The scheduled reporter: asks the report workflow to send what it holds. */
export async function outageReporterWorkflow(): Promise<void> {
  await requestOutageReport();
}

export interface OutageReportState {
  entries?: OutageEntry[];
  /** Quarantine runs already in a line (pending or e-mailed), so a late duplicate add is not a second line. */
  sent?: string[];
}

const SEEN_IDS_KEPT = 5_000;
const HISTORY_LIMIT = 2_000;

/**
 * Holds the outage report list in Temporal, not in a process: entries arrive by signal (deduplicated
 * by id), a send request e-mails them as one batch and removes exactly those, then the list goes on.
 */
export async function outageReportWorkflow(state: OutageReportState = {}): Promise<void> {
  // One line per edge per report: an edge still down after the next detector run is quarantined
  // again and added again; its line keeps the earliest detection. `seen` holds every quarantine
  // run already in a line, pending or sent, so a repeated add is never a second line.
  const entries = new Map<string, OutageEntry>();
  const seen = new Set(state.sent ?? []);
  let sendRequests = 0;
  const add = (entry: OutageEntry) => {
    if (seen.has(entry.id)) return;
    seen.add(entry.id);
    const held = entries.get(edgeKey(entry));
    if (!held || entry.detectedAt < held.detectedAt) entries.set(edgeKey(entry), entry);
  };
  for (const entry of state.entries ?? []) add(entry);
  setHandler(addOutage, add);
  setHandler(sendOutageReport, () => {
    sendRequests += 1;
  });
  setHandler(pendingOutages, () => [...entries.values()]);

  const historyTooLong = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_LIMIT;
  for (;;) {
    await condition(() => sendRequests > 0 || historyTooLong());
    if (sendRequests > 0) {
      sendRequests = 0;
      const batch = [...entries.values()];
      if (batch.length) {
        try {
          await emailOutageReport({ batchId: uuid4(), entries: batch });
          for (const entry of batch) entries.delete(edgeKey(entry));
        } catch (error) {
          // The entries stay for the next report; nothing is lost when SMTP is down for long.
          if (!(error instanceof ActivityFailure)) throw error;
          log.warn('outage report not sent; keeping the entries for the next one', { entries: batch.length, error: error.message });
        }
      }
    }
    if (historyTooLong()) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof outageReportWorkflow>({
        entries: [...entries.values()],
        sent: [...seen].slice(-SEEN_IDS_KEPT),
      });
    }
  }
}
