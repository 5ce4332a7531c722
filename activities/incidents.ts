/**
 * Outage incidents' side effects (production mode). Every Bruin write looks before it writes, and
 * runs with bruinWriteOptions (workflows/activity-options.ts), so a retry finds what an earlier
 * attempt wrote:
 *   - the repair call: an open VOO ticket of the serial means Bruin already has the outage (the
 *     incident only starts when there was none), so it is joined, not asked for again;
 *   - a note: skipped when an engine note about this outage (serial + Outage Start) is there;
 *   - re-open / resolve / severity: skipped when the detail or ticket is already so.
 */
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowIdConflictPolicy, WorkflowNotFoundError } from '@temporalio/client';
import { serialKey } from '../clients/bruin';
import { OPEN_TICKET_STATUSES, type Ticket, type TicketDetails } from '../clients/bruin/types';
import { clientIdOf, type EdgeIdentity, type EdgeSummary } from '../domain/edges';
import { isEngineNote, sameNote } from '../domain/engine-notes';
import { ExternalCallError } from '../clients/errors';
import {
  autoResolveRefusal,
  haDocumentation,
  haPartner,
  incidentFields,
  interfacesDown,
  notesOutage,
  outageKind,
  outageNote,
  repairBranch,
  resolveNote,
  RESOLVE_NOTE_TITLE,
  type IncidentNoteKey,
  type HaPartner,
  type OutageKind as Kind,
  type AutoResolvePolicy,
  type RepairBranch,
  type ResolveRefusal,
} from '../domain/incidents';
import { EdgeSerial, Enterprise, OutageKind, Process, PROCESS, VcoHost } from '../domain/search-attributes';
import { isTriageEvent, TRIAGE_EVENT_WINDOW_DAYS, triageNote, triagePages } from '../domain/triage-notes';
import { OUTAGE_TOPIC } from './triage';
import type { ActivityDeps } from './deps';
import type { Config } from '../config';
import type { IncidentInput } from '../workflows/incident';

const DAY_MS = 86_400_000;

/** `incident-<host>-<enterpriseId>-<edgeId>`: one incident per edge at a time. */
export function incidentWorkflowId(edge: Pick<EdgeIdentity, 'host' | 'enterpriseId' | 'edgeId'>): string {
  return `incident-${edge.host}-${edge.enterpriseId}-${edge.edgeId}`;
}

export type OutageRoute =
  | { route: 'dry-run' }
  | { route: 'signalled'; workflowId: string }
  | { route: 'ticketed'; ticketIds: number[] }
  | { route: 'started'; workflowId: string; kind: Kind }
  /** Hard Down (HA) of the edge whose partner documents the pair: the partner's incident is this outage's. */
  | { route: 'ha-partner'; workflowId: string; partnerSerial: string };

export interface IncidentTicket {
  ticketId: number;
  branch: RepairBranch | 'joined';
  /** Joined tickets: whether the engine had written on it already. */
  engineNoted?: boolean;
}

export type ResolveDecision = { resolve: true; detailId: number } | { resolve: false; reason: ResolveRefusal };

function detailOf(details: TicketDetails, serial: string) {
  return details.details.find((d) => serialKey(d.detailValue) === serialKey(serial));
}

/** The auto-resolve rules of SPEC's incidents, from the configuration; VAS tickets use the same. */
export function autoResolvePolicy({ incidents, timezone }: Config): AutoResolvePolicy {
  return {
    creator: incidents.engineCreator,
    graceDayMs: incidents.graceDay,
    graceNightMs: incidents.graceNight,
    dayStartHour: incidents.dayStartHour,
    dayEndHour: incidents.dayEndHour,
    timezone,
    maxAutoResolves: 3,
  };
}

export function createIncidentActivities(deps: ActivityDeps) {
  const { config, temporal, velocloud, bruin, metrics, logger } = deps;
  const taskQueue = config.temporal.taskQueue;
  const portalUrl = (host: string) => config.velocloud.hosts.find((h) => h.host === host)?.portalUrl ?? `https://${host}`;

  /** The ticket's row (Bruin filters by one status a call): creator and severity live there. */
  const ticketRow = async (ticketId: number): Promise<Ticket | undefined> => {
    for (const status of [...OPEN_TICKET_STATUSES, 'Resolved'] as const) {
      const [row] = await bruin.getTickets({ ticketId, status });
      if (row) return row;
    }
    return undefined;
  };

  /**
   * The edge's HA pair (SPEC §3 VCO HA): its haState from network/getNetworkEnterprises, and the
   * partner's serial and edge id. A VCO that refuses the call (no HA support) means no pair.
   */
  const haPairOf = async (edge: EdgeIdentity): Promise<{ partner: HaPartner; partnerSerial?: string; partnerEdgeId?: number }> => {
    const client = velocloud.forHost(edge.host);
    try {
      const edges = await client.getNetworkEdges([edge.enterpriseId]);
      const partner = haPartner(edges.find((e) => e.id === edge.edgeId)?.haState);
      if (partner === 'none') return { partner };
      const { rows } = await client.getEnterpriseEdgeLinkStatus({ enterpriseId: edge.enterpriseId });
      const partnerSerial = rows.find((r) => r.edgeId === edge.edgeId && r.edgeHASerialNumber)?.edgeHASerialNumber;
      const partnerEdgeId = partnerSerial ? edges.find((e) => serialKey(e.serialNumber) === serialKey(partnerSerial))?.id : undefined;
      return { partner, partnerSerial, partnerEdgeId };
    } catch (error) {
      if (error instanceof ExternalCallError && error.kind === 'non-retryable') {
        logger.warn({ host: edge.host, enterpriseId: edge.enterpriseId, error: error.message }, 'HA state not available: edge taken as not in a pair');
        return { partner: 'none' };
      }
      throw error;
    }
  };

  return {
    /**
     * Production: signal the edge's running incident, or start one when Bruin has no open VOO
     * ticket for the serial. Dry run: nothing, the quarantine reports the outage as before.
     */
    async routeOutage(request: { edge: EdgeIdentity; detectedAt: string; reasons: string[]; status: EdgeSummary }): Promise<OutageRoute> {
      if (config.mode !== 'production') return { route: 'dry-run' };
      const { edge, status } = request;
      const workflowId = incidentWorkflowId(edge);
      try {
        // Signalling reaches only a running incident; a closed one answers "not found".
        await temporal.workflow.getHandle(workflowId).signal('outageAgain', { detectedAt: request.detectedAt });
        return { route: 'signalled', workflowId };
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
      const clientId = clientIdOf(edge.enterpriseName);
      const serial = status.serial || edge.serial;
      if (clientId === undefined) return { route: 'ticketed', ticketIds: [] };
      const ha = await haPairOf(edge);
      const kind = outageKind(status, ha.partner) ?? 'Hard Down';
      // An HA pair is documented on its primary only (domain/incidents.ts).
      const where = haDocumentation(serial, ha.partnerSerial, kind);
      if (where.on === 'partner-incident' && ha.partnerEdgeId !== undefined) {
        return { route: 'ha-partner', workflowId: incidentWorkflowId({ ...edge, edgeId: ha.partnerEdgeId }), partnerSerial: where.serial };
      }
      const ticketSerial = where.on === 'partner' ? where.serial : serial;
      const open = await bruin.findOpenTicketsForSerial({ clientId, topic: OUTAGE_TOPIC, serial: ticketSerial });
      if (open.length) return { route: 'ticketed', ticketIds: open.map((t) => t.ticketId) };
      const input: IncidentInput = {
        edge: { ...edge, serial, name: status.name || edge.name },
        clientId,
        outageStart: request.detectedAt,
        kind,
        ...(ticketSerial !== serial ? { ticketSerial } : {}),
        ...(ha.partnerSerial ? { haPartnerSerial: ha.partnerSerial } : {}),
        interfaces: interfacesDown(status),
        reasons: request.reasons,
        recheckMs: config.incidents.recheckInterval,
        bruinWriteSettleMs: config.bruin.writeSettle,
      };
      const started = await temporal.workflow.signalWithStart('outageIncidentWorkflow', {
        taskQueue,
        workflowId,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        args: [input],
        signal: 'outageAgain',
        signalArgs: [{ detectedAt: request.detectedAt }],
        typedSearchAttributes: [
          { key: EdgeSerial, value: serial },
          { key: VcoHost, value: edge.host },
          { key: Enterprise, value: edge.enterpriseName },
          { key: Process, value: PROCESS.incident },
          { key: OutageKind, value: kind },
        ],
        staticSummary: `${kind} of ${input.edge.name} (${serial})`,
      });
      logger.info({ workflowId, runId: started.signaledRunId, serial, ticketSerial, kind }, 'outage incident started');
      metrics.incidentsOpened.inc({ kind });
      return { route: 'started', workflowId, kind };
    },

    /** Opens or joins the serial's VOO ticket through Bruin's repair call; an open one already there is joined. */
    async openIncidentTicket(request: { clientId: number; serial: string; edgeName: string; kind: Kind; interfaces: string[] }): Promise<IncidentTicket> {
      const { clientId, serial } = request;
      const open = await bruin.findOpenTicketsForSerial({ clientId, topic: OUTAGE_TOPIC, serial });
      const joined = open.sort((a, b) => a.ticketId - b.ticketId)[0];
      if (joined) {
        metrics.incidentTickets.inc({ action: 'joined' });
        return { ticketId: joined.ticketId, branch: 'joined', engineNoted: joined.notes.some((n) => isEngineNote(n.noteValue)) };
      }
      const answer = await bruin.repairTicket({
        clientId,
        serial,
        description: `${request.kind} of ${request.edgeName} (${serial})${request.interfaces.length ? `: ${request.interfaces.join(', ')} down` : ''}`,
        interfaces: request.interfaces,
      });
      const branch = repairBranch(answer.errorCode, answer.ticketId);
      if (branch === 'retry' || branch === 'refused') {
        // Nothing was opened: Temporal retries (after BRUIN_WRITE_SETTLE, like any Bruin write).
        throw ApplicationFailure.retryable(`Bruin repair for ${serial} answered ${answer.errorCode} ticket ${answer.ticketId}: ${answer.errorMessage ?? ''}`, 'RepairNotDone');
      }
      if (branch === 'created') {
        metrics.ticketsCreated.inc({ topic: OUTAGE_TOPIC });
        metrics.incidentTickets.inc({ action: 'created' });
      } else metrics.incidentTickets.inc({ action: 'joined' });
      logger.info({ serial, ticketId: answer.ticketId, errorCode: answer.errorCode, branch }, 'outage ticket opened or joined');
      return { ticketId: answer.ticketId, branch };
    },

    /** Bruin answered 471: re-open the serial's detail, unless it is open already. */
    async reopenIncidentDetail(request: { ticketId: number; serial: string }): Promise<{ reopened: boolean }> {
      const detail = detailOf(await bruin.getTicketDetails(request.ticketId), request.serial);
      if (!detail) throw ApplicationFailure.nonRetryable(`ticket ${request.ticketId} has no detail for ${request.serial}`, 'DetailMissing');
      if (detail.detailStatus !== 'R') return { reopened: false };
      await bruin.setDetailStatus(request.ticketId, detail.detailId, 'O');
      metrics.incidentTickets.inc({ action: 'reopened' });
      return { reopened: true };
    },

    /** The note this outage gets: a triage note (VCO state, last up/down times) or a short outage / re-open note. */
    async incidentNoteText(request: {
      edge: EdgeIdentity;
      kind: Kind;
      interfaces: string[];
      key: IncidentNoteKey;
      note: 'triage' | 'outage' | 'reopen';
      /** The other edge of the HA pair: the partner, or the edge itself when the note goes on the partner's serial. */
      haPartner?: string;
    }): Promise<string> {
      const { edge, key, kind, interfaces, haPartner: partner } = request;
      if (request.note !== 'triage') return outageNote(key, kind, interfaces, request.note === 'reopen', partner);
      const client = velocloud.forHost(edge.host);
      const now = new Date();
      const [status, links, events] = await Promise.all([
        client.getEdge(edge.enterpriseId, edge.edgeId),
        client.getEdgeLinkMetrics(edge.enterpriseId, edge.edgeId, { start: new Date(now.getTime() - 10 * 60_000), end: now }),
        client.getEnterpriseEvents(edge.enterpriseId, {
          edgeIds: [edge.edgeId],
          interval: { start: new Date(now.getTime() - TRIAGE_EVENT_WINDOW_DAYS * DAY_MS), end: now },
          limit: 1_000,
        }),
      ]);
      return triageNote(
        {
          host: edge.host,
          enterpriseId: edge.enterpriseId,
          edgeId: edge.edgeId,
          serial: key.serial,
          edgeName: status.name || edge.name,
          edgeState: status.edgeState,
          links: links.map((l) => ({ interface: l.interface, displayName: l.displayName, state: l.state })),
        },
        events.filter(isTriageEvent).map(({ event, message, eventTime }) => ({ event, message, eventTime })),
        { unavailable: 'not asked for a new outage' },
        { portalUrl: portalUrl(edge.host), timezone: config.timezone, now: now.toISOString(), extra: incidentFields(key, kind, interfaces, partner) },
      );
    },

    /**
     * Appends the outage's note (a long triage note as pages) unless another engine note about this
     * outage is on the ticket; pages already there (an earlier attempt's) are not written again.
     */
    async appendIncidentNote(request: { ticketId: number; note: string; key: IncidentNoteKey }): Promise<{ appended: boolean }> {
      const pages = triagePages(request.note);
      const ours = (text: string) => pages.some((page) => sameNote(text, page));
      const details = await bruin.getTicketDetails(request.ticketId);
      const notedElsewhere = details.notes.some(
        (n) => !ours(n.noteValue) && notesOutage(n.noteValue, request.key) && !notesOutage(n.noteValue, request.key, [RESOLVE_NOTE_TITLE]),
      );
      if (notedElsewhere) return { appended: false };
      let appended = false;
      for (const page of pages) {
        if (details.notes.some((n) => sameNote(n.noteValue, page))) continue;
        await bruin.appendNote(request.ticketId, page);
        metrics.notesAppended.inc({ process: PROCESS.incident });
        appended = true;
      }
      return { appended };
    },

    /** Sets the ticket's severity unless it is already at that level. */
    async setIncidentSeverity(request: { ticketId: number; severity: number; reason: string }): Promise<{ changed: boolean }> {
      const row = await ticketRow(request.ticketId);
      if (row?.severity === request.severity) return { changed: false };
      await bruin.setSeverity(request.ticketId, request.severity, request.reason);
      return { changed: true };
    },

    /**
     * The edge is back: may its detail be resolved? When yes, the resolve note is written first
     * (look before write), so a retry after a crash finds the decision on the ticket and goes on.
     */
    async decideAutoResolve(request: { ticketId: number; key: IncidentNoteKey; kind: Kind }): Promise<ResolveDecision> {
      const { ticketId, key } = request;
      const details = await bruin.getTicketDetails(ticketId);
      const detail = detailOf(details, key.serial);
      if (!detail) throw ApplicationFailure.nonRetryable(`ticket ${ticketId} has no detail for ${key.serial}`, 'DetailMissing');
      if (details.notes.some((n) => notesOutage(n.noteValue, key, [RESOLVE_NOTE_TITLE]))) return { resolve: true, detailId: detail.detailId };
      const refuse = (reason: ResolveRefusal): ResolveDecision => {
        metrics.autoResolveRefusals.inc({ reason });
        metrics.incidentsClosed.inc({ kind: request.kind, outcome: 'left-open' });
        logger.info({ ticketId, serial: key.serial, reason }, 'recovered outage left open');
        return { resolve: false, reason };
      };
      if (detail.detailStatus === 'R') return refuse('detail-not-open');
      const now = new Date().toISOString();
      const row = await ticketRow(ticketId);
      const reason = autoResolveRefusal(
        { createdBy: row?.createdBy, notes: details.notes, serial: key.serial, now },
        autoResolvePolicy(config),
      );
      if (reason) return refuse(reason);
      await bruin.appendNote(ticketId, resolveNote(key, now, 'edge back in service within the grace period'));
      metrics.notesAppended.inc({ process: PROCESS.incident });
      return { resolve: true, detailId: detail.detailId };
    },

    /** Resolves the detail unless it is resolved already. */
    async resolveIncidentDetail(request: { ticketId: number; detailId: number; kind: Kind }): Promise<{ resolved: boolean }> {
      const details = await bruin.getTicketDetails(request.ticketId);
      const detail = details.details.find((d) => d.detailId === request.detailId);
      if (detail?.detailStatus === 'R') return { resolved: false };
      await bruin.setDetailStatus(request.ticketId, request.detailId, 'R');
      metrics.incidentTickets.inc({ action: 'auto-resolved' });
      metrics.incidentsClosed.inc({ kind: request.kind, outcome: 'auto-resolved' });
      return { resolved: true };
    },
  };
}
