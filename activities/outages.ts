/**
 * P2's side effects: starting (or joining) an edge's quarantine, the ticket check after it, adding
 * to the report list, and e-mailing the report. Everything that must survive a crash lives in
 * Temporal: one quarantine workflow per edge by id, and one report workflow holding the list.
 */
import { Context } from '@temporalio/activity';
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowIdConflictPolicy, WorkflowNotFoundError } from '@temporalio/client';
import { clientIdOf, edgeIdentity, edgeKey, faultReasons, hasSerial, type EdgeSummary } from '../domain/edges';
import { outageReportEmail, type OutageEntry } from '../domain/outage-report';
import { EdgeSerial, Enterprise, Process, PROCESS, VcoHost } from '../domain/search-attributes';
import { createNotifier, portalUrls, reportEmail } from './notify';
import type { ActivityDeps } from './deps';
import type { QuarantineInput } from '../workflows/outage-monitor';

/** One report list per task queue, so two engines sharing a namespace keep their own. */
export function outageReportWorkflowId(taskQueue: string): string {
  return `outage-report-${taskQueue}`;
}

/** `outage-<host>-<enterpriseId>-<edgeId>`: one quarantine per edge, whoever detects it. */
export function quarantineWorkflowId(edge: Pick<EdgeSummary, 'host' | 'enterpriseId' | 'edgeId'>): string {
  return `outage-${edge.host}-${edge.enterpriseId}-${edge.edgeId}`;
}

/**
 * Starts the edge's quarantine, or tells the running one the outage was seen again (it keeps its
 * first detection time). True when a new quarantine started.
 */
async function startOrSignalQuarantine(temporal: Client, taskQueue: string, input: QuarantineInput): Promise<boolean> {
  const { edge } = input;
  const workflowId = quarantineWorkflowId(edge);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await temporal.workflow.start('outageQuarantineWorkflow', {
        taskQueue,
        workflowId,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
        args: [input],
        typedSearchAttributes: [
          { key: EdgeSerial, value: edge.serial },
          { key: VcoHost, value: edge.host },
          { key: Enterprise, value: edge.enterpriseName },
          { key: Process, value: PROCESS.outageMonitor },
        ],
        staticSummary: `Outage quarantine of ${edge.name} (${edge.serial})`,
      });
      return true;
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    try {
      await temporal.workflow.getHandle(workflowId).signal('outageDetected', { detectedAt: input.detectedAt });
      return false;
    } catch (error) {
      // The running quarantine closed between our start and our signal: start a new one.
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }
  throw new Error(`could not start or signal quarantine ${workflowId}`);
}

export function createOutageActivities(deps: ActivityDeps) {
  const { config, temporal, bruin, metrics, logger } = deps;
  const notify = createNotifier(deps);
  const taskQueue = config.temporal.taskQueue;
  return {
    /**
     * Starts the quarantine of each edge, or signals the one already running so it keeps its
     * first detection time. Returns how many quarantines were new.
     */
    async quarantineOutages(edges: EdgeSummary[]): Promise<number> {
      let started = 0;
      const detectedAt = new Date().toISOString();
      for (const edge of edges) {
        // The serial is what a ticket is about: without one there is nothing to report or ticket.
        if (!hasSerial(edge)) {
          logger.warn({ edge: edgeKey(edge), name: edge.name }, 'outage of an edge without a serial number: not quarantined');
          continue;
        }
        const input: QuarantineInput = {
          edge: edgeIdentity(edge),
          detectedAt,
          reasons: faultReasons(edge),
          quarantineMs: config.schedule.outageQuarantine,
        };
        if (await startOrSignalQuarantine(temporal, taskQueue, input)) started += 1;
        Context.current().heartbeat(edgeKey(edge));
      }
      if (started) metrics.outagesQuarantined.inc(started);
      return started;
    },

    /** Open VOO tickets (New, InProgress, Draft) carrying this serial; test enterprises count as ticketed. */
    async findOpenOutageTickets(request: { enterpriseName: string; serial: string }): Promise<number[]> {
      const clientId = clientIdOf(request.enterpriseName);
      if (clientId === undefined) return [];
      const tickets = await bruin.findOpenTicketsForSerial({ clientId, topic: 'VOO', serial: request.serial });
      return tickets.map((t) => t.ticketId);
    },

    /** Adds an entry to the report list held by the report workflow (started on first use). */
    async addToOutageReport(entry: OutageEntry): Promise<void> {
      await temporal.workflow.signalWithStart('outageReportWorkflow', {
        taskQueue,
        workflowId: outageReportWorkflowId(taskQueue),
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        args: [{}],
        signal: 'addOutage',
        signalArgs: [entry],
        typedSearchAttributes: [{ key: Process, value: PROCESS.outageMonitor }],
      });
      metrics.outagesReported.inc();
    },

    /** Asks the report workflow to e-mail what it holds now. */
    async requestOutageReport(): Promise<void> {
      await temporal.workflow.signalWithStart('outageReportWorkflow', {
        taskQueue,
        workflowId: outageReportWorkflowId(taskQueue),
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        args: [{}],
        signal: 'sendOutageReport',
        signalArgs: [],
        typedSearchAttributes: [{ key: Process, value: PROCESS.outageMonitor }],
      });
    },

    /** E-mails one batch; the batch id is the Message-ID, so a retried send is recognisable as the same mail. */
    async emailOutageReport(batch: { batchId: string; entries: OutageEntry[] }): Promise<{ recipients: number }> {
      const report = outageReportEmail(batch.entries, {
        portalUrls: portalUrls(config),
        timezone: config.timezone,
        now: new Date().toISOString(),
        dryRun: config.mode === 'dry-run',
      });
      const sent = await notify.emailRecipients('service-outage', {
        ...reportEmail(report),
        messageId: `<outage-report-${batch.batchId}@automation-engine>`,
      });
      logger.info({ batchId: batch.batchId, outages: batch.entries.length, accepted: sent.accepted.length }, 'outage report sent');
      return { recipients: sent.accepted.length };
    },
  };
}
