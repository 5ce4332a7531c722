/**
 * P3's side effects. Every Bruin write looks before it writes, so a retry, or a new worker taking
 * over after a crash between the write and its acknowledgement, finds what the first try wrote:
 * creating adopts the ticket an earlier attempt created, appending skips a note already there.
 * The retry policy (workflows/activity-options.ts) makes sure that write has landed before the
 * retry looks.
 */
import { ApplicationFailure } from '@temporalio/common';
import { clientIdOf, type EdgeRef } from '../domain/edges';
import { bruinTicketUrl } from '../domain/engine-notes';
import { PROCESS } from '../domain/search-attributes';
import { createNotifier } from './notify';
import {
  deviceRecovered,
  deviceTroubles,
  linkDeadCounts,
  noteNamesAnyTrouble,
  noteNamesTrouble,
  troubleDryRunEmail,
  troubleNote,
  troubleAutoResolveRefusal,
  troubleResolveNote,
  isTroubleResolveNote,
  troubleSlackMessage,
  type LinkSample,
  type LinkTrouble,
  type TroubleReport,
  type TroubleThresholds,
} from '../domain/service-affecting';
import type { VelocloudLinkMetrics } from '../clients/velocloud';
import { serialKey } from '../clients/bruin';
import { formatDuration } from '../domain/duration';
import type { ResolveRefusal } from '../domain/incidents';
import { autoResolvePolicy } from './incidents';
import type { TicketContact } from '../clients/bruin/types';
import type { ActivityDeps } from './deps';

export const SERVICE_AFFECTING_TOPIC = 'VAS';

/** A monitored device as workflows carry it: ids only, the contact stays in the worker's configuration. */
export interface MonitoredEdge extends EdgeRef {
  serial: string;
}

export interface ServiceAffectingPlan {
  dryRun: boolean;
  /** The devices asked for (a slice of MONITORED_DEVICES_FILE). */
  devices: MonitoredEdge[];
  /** Every monitored device (absent in plans recorded before scans were cut into chunks). */
  total?: number;
  bruinWriteSettleMs: number;
}

export interface DeviceScan extends MonitoredEdge {
  edgeName: string;
  enterpriseName: string;
  /** Undefined for a test enterprise: its troubles are never ticketed. */
  clientId?: number;
  scanStart: string;
  scanEnd: string;
  troubles: LinkTrouble[];
  /**
   * No trouble now, and every metric within its limit over SERVICE_AFFECTING_RESOLVE_AFTER with
   * circuit instability under its recovery limit: an open VAS ticket of the device may be
   * auto-resolved. Absent in scans recorded before VAS auto-resolve.
   */
  recovered?: boolean;
}

export interface TroubleTicketLookup {
  /** An open VAS ticket whose notes already name the trouble. */
  notedIn?: number;
  /** Every open VAS ticket of the serial when we looked: none of them is one we created. */
  openTicketIds: number[];
}

/** What a recovered device's open VAS tickets came to. */
export interface TroubleResolveResult {
  /** Tickets whose detail for the serial was resolved (now or by an earlier attempt of this decision). */
  resolved: number[];
  /** Tickets left open, and why. */
  leftOpen: { ticketId: number; reason: ResolveRefusal }[];
}

export function createServiceAffectingActivities(deps: ActivityDeps) {
  const { config, velocloud, bruin, metrics, logger } = deps;
  const notify = createNotifier(deps);
  const portalUrl = (host: string) => config.velocloud.hosts.find((h) => h.host === host)?.portalUrl ?? `https://${host}`;

  const contactsOf = (serial: string): TicketContact[] => {
    const device = config.monitoredDevices.find((d) => d.serial === serial);
    if (!device) {
      throw ApplicationFailure.nonRetryable(`serial ${serial} is no longer a monitored device`, 'MonitoredDeviceMissing');
    }
    return (['site', 'ticket'] as const).map((type) => ({ ...device.contact, type }));
  };

  const sa = config.serviceAffecting;
  const thresholds: TroubleThresholds = {
    Latency: { ...sa.latencyMs, unit: 'ms' },
    'Packet Loss': { ...sa.packetLossPct, unit: '%' },
    Jitter: { ...sa.jitterMs, unit: 'ms' },
    'Bandwidth Over Utilization': { ...sa.bandwidthPct, unit: '%' },
    'Circuit Instability': { ...sa.instabilityEvents, unit: 'events' },
  };

  return {
    /** A slice of the monitored devices (MONITORED_DEVICES_FILE) and whether Bruin may be written to. */
    async listServiceAffectingDevices(slice: { offset?: number; limit?: number } = {}): Promise<ServiceAffectingPlan> {
      const offset = slice.offset ?? 0;
      const devices = config.monitoredDevices.slice(offset, slice.limit === undefined ? undefined : offset + slice.limit);
      return {
        dryRun: config.mode === 'dry-run',
        bruinWriteSettleMs: config.bruin.writeSettle,
        total: config.monitoredDevices.length,
        devices: devices.map(({ serial, host, enterpriseId, edgeId }) => ({ serial, host, enterpriseId, edgeId })),
      };
    },

    /**
     * One device's counted links, reduced to the troubles found: latency, packet loss and jitter over
     * the last scan interval, bandwidth over SERVICE_AFFECTING_BANDWIDTH_LOOKBACK, LINK_DEAD events
     * over SERVICE_AFFECTING_INSTABILITY_LOOKBACK. Without troubles it also tells whether the device
     * has been quiet long enough for its VAS ticket to be auto-resolved.
     */
    async scanDeviceLinks(device: MonitoredEdge): Promise<DeviceScan> {
      const client = velocloud.forHost(device.host);
      const end = new Date();
      const before = (ms: number) => ({ start: new Date(end.getTime() - ms), end });
      const scanMs = config.schedule.serviceAffectingInterval;
      const linkMetrics = (ms: number) => client.getEdgeLinkMetrics(device.enterpriseId, device.edgeId, before(ms));
      const [enterprise, edge, links, appLinks, events, bandwidthLinks] = await Promise.all([
        client.getEnterprise(device.enterpriseId),
        client.getEdge(device.enterpriseId, device.edgeId),
        linkMetrics(scanMs),
        client.getEdgeAppLinkMetrics(device.enterpriseId, device.edgeId),
        client.getEnterpriseEvents(device.enterpriseId, { edgeIds: [device.edgeId], interval: before(sa.instabilityLookback), limit: 1_000 }),
        sa.bandwidthLookback === scanMs ? undefined : linkMetrics(sa.bandwidthLookback),
      ]);
      const groups = new Map(appLinks.map((l) => [l.linkId, l.serviceGroups]));
      const dead = linkDeadCounts(events);
      const samples = (rows: VelocloudLinkMetrics[], bandwidthRows: VelocloudLinkMetrics[], bandwidthMs: number): LinkSample[] => {
        const byLink = new Map(bandwidthRows.map((l) => [l.linkId, l]));
        return rows.map((link) => {
          const b = byLink.get(link.linkId);
          return {
            ...link,
            serviceGroups: groups.get(link.linkId) ?? [],
            ...(b ? { bandwidth: { bytesRx: b.bytesRx, bytesTx: b.bytesTx, bpsOfBestPathRx: b.bpsOfBestPathRx, bpsOfBestPathTx: b.bpsOfBestPathTx, lookbackMs: bandwidthMs } } : {}),
            deadEvents: dead.get(link.interface) ?? 0,
            deadEventsLookbackMs: sa.instabilityLookback,
          };
        });
      };
      const troubles = deviceTroubles(samples(links, bandwidthLinks ?? links, sa.bandwidthLookback), thresholds);
      for (const trouble of troubles) metrics.troublesDetected.inc({ trouble: trouble.kind });
      let recovered: boolean | undefined;
      if (!troubles.length) {
        const quiet = sa.resolveAfter === scanMs ? links : await linkMetrics(sa.resolveAfter);
        recovered = deviceRecovered({ edgeState: edge.edgeState, links: samples(quiet, quiet, sa.resolveAfter) }, thresholds, {
          instabilityBelow: sa.resolveInstabilityBelow,
        });
      }
      return {
        ...device,
        edgeName: edge.name || device.serial,
        enterpriseName: enterprise.name,
        clientId: clientIdOf(enterprise.name),
        scanStart: before(scanMs).start.toISOString(),
        scanEnd: end.toISOString(),
        troubles,
        ...(recovered === undefined ? {} : { recovered }),
      };
    },

    /** Open VAS tickets of the serial, and the one among them whose notes name this trouble. */
    async findTroubleTicket(request: { clientId: number; serial: string; trouble: Pick<LinkTrouble, 'kind' | 'interface'> }): Promise<TroubleTicketLookup> {
      const tickets = await bruin.findOpenTicketsForSerial({ clientId: request.clientId, topic: SERVICE_AFFECTING_TOPIC, serial: request.serial });
      const noted = tickets.find((t) => t.notes.some((n) => noteNamesTrouble(n.noteValue, request.trouble)));
      return { notedIn: noted?.ticketId, openTicketIds: tickets.map((t) => t.ticketId).sort((a, b) => a - b) };
    },

    /**
     * Creates the VAS ticket, unless an earlier attempt already did: an open VAS ticket of the serial
     * that was not there when the workflow looked and names no trouble yet is that attempt's ticket.
     */
    async createTroubleTicket(request: { report: TroubleReport; knownTicketIds: number[] }): Promise<{ ticketId: number; created: boolean }> {
      const { report } = request;
      const contacts = contactsOf(report.serial);
      const known = new Set(request.knownTicketIds);
      const open = await bruin.findOpenTicketsForSerial({ clientId: report.clientId, topic: SERVICE_AFFECTING_TOPIC, serial: report.serial });
      const earlier = open
        .filter((t) => !known.has(t.ticketId) && !t.notes.some((n) => noteNamesAnyTrouble(n.noteValue)))
        .sort((a, b) => a.ticketId - b.ticketId)[0];
      if (earlier) {
        logger.info({ ticketId: earlier.ticketId, serial: report.serial }, 'VAS ticket from an earlier attempt found; not creating another');
        return { ticketId: earlier.ticketId, created: false };
      }
      const ticketId = await bruin.createTicket({
        clientId: report.clientId,
        topic: SERVICE_AFFECTING_TOPIC,
        services: [{ serviceNumber: report.serial }],
        contacts,
      });
      metrics.ticketsCreated.inc({ topic: SERVICE_AFFECTING_TOPIC });
      logger.info({ ticketId, serial: report.serial, trouble: report.trouble.kind, interface: report.trouble.interface }, 'VAS ticket created');
      return { ticketId, created: true };
    },

    /** Appends the trouble's note unless the ticket already has a note naming it. */
    async appendTroubleNote(request: { ticketId: number; report: TroubleReport }): Promise<{ appended: boolean }> {
      const { ticketId, report } = request;
      const details = await bruin.getTicketDetails(ticketId);
      if (details.notes.some((n) => noteNamesTrouble(n.noteValue, report.trouble))) return { appended: false };
      await bruin.appendNote(ticketId, troubleNote(report, { portalUrl: portalUrl(report.host), timezone: config.timezone }));
      metrics.notesAppended.inc({ process: PROCESS.serviceAffecting });
      return { appended: true };
    },

    /**
     * A recovered device (scan `recoveredAt`): each open VAS ticket of its serial that carries the
     * engine's trouble notes is resolved for the serial when the incidents' rules allow it (engine
     * creator, grace after the last trouble note, at most 3 times). Look before write: the resolve
     * note carries the scan's time, so a retry that finds it only completes the status.
     */
    async autoResolveTroubleTickets(request: { clientId: number; serial: string; recoveredAt: string }): Promise<TroubleResolveResult> {
      const { serial, recoveredAt } = request;
      const tickets = await bruin.findOpenTicketsForSerial({ clientId: request.clientId, topic: SERVICE_AFFECTING_TOPIC, serial });
      const result: TroubleResolveResult = { resolved: [], leftOpen: [] };
      for (const ticket of tickets.sort((a, b) => a.ticketId - b.ticketId)) {
        if (!ticket.notes.some((n) => noteNamesAnyTrouble(n.noteValue))) continue;
        const detail = ticket.details.find((d) => serialKey(d.detailValue) === serialKey(serial));
        if (!detail || detail.detailStatus === 'R') continue;
        const decided = ticket.notes.some((n) => isTroubleResolveNote(n.noteValue, serial, recoveredAt));
        if (!decided) {
          const reason = troubleAutoResolveRefusal(
            { createdBy: ticket.createdBy, notes: ticket.notes, serial, now: new Date().toISOString() },
            autoResolvePolicy(config),
          );
          if (reason) {
            result.leftOpen.push({ ticketId: ticket.ticketId, reason });
            continue;
          }
          await bruin.appendNote(ticket.ticketId, troubleResolveNote(serial, recoveredAt, formatDuration(config.serviceAffecting.resolveAfter)));
          metrics.notesAppended.inc({ process: PROCESS.serviceAffecting });
        }
        await bruin.setDetailStatus(ticket.ticketId, detail.detailId, 'R');
        logger.info({ ticketId: ticket.ticketId, serial }, 'VAS ticket auto-resolved: the device is back within its limits');
        result.resolved.push(ticket.ticketId);
      }
      return result;
    },

    async postTroubleToSlack(request: { ticketId: number; report: TroubleReport }): Promise<void> {
      const message = troubleSlackMessage(request.report, request.ticketId, bruinTicketUrl(request.ticketId));
      await notify.postToSlack(PROCESS.serviceAffecting, message);
    },

    /** Dry run: the would-be ticket and note go to the report recipients instead of Bruin. */
    async emailTroubleDryRun(request: { report: TroubleReport; runId: string }): Promise<void> {
      const { report } = request;
      const contacts = contactsOf(report.serial);
      const note = troubleNote(report, { portalUrl: portalUrl(report.host), timezone: config.timezone });
      const mail = troubleDryRunEmail(
        report,
        { clientId: report.clientId, topic: SERVICE_AFFECTING_TOPIC, serviceNumber: report.serial, contacts },
        note,
      );
      await notify.emailRecipients('service-affecting-dry-run', { ...mail, messageId: `<service-affecting-${request.runId}@automation-engine>` });
    },
  };
}
