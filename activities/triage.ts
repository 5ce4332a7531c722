/**
 * P4's side effects: finding the open VOO tickets of monitored edges, planning what a triage run
 * appends (from the notes already on the ticket, so a retry plans the same or less), appending
 * notes look-before-write, and T7's prediction, which never blocks a triage.
 */
import { heartbeat } from '@temporalio/activity';
import { clientIdOf, type EdgeRef } from '../domain/edges';
import { bruinTicketUrl, sameNote } from '../domain/engine-notes';
import { PROCESS } from '../domain/search-attributes';
import { createNotifier } from './notify';
import {
  eventNotes,
  nextTriageStep,
  isTriageEvent,
  TRIAGE_EVENT_WINDOW_DAYS,
  triageDryRunEmail,
  triageNote,
  triageSlackMessage,
  triagePages,
  type TriageEvent,
  type TriagePrediction,
} from '../domain/triage-notes';
import { serialKey } from '../clients/bruin';
import { topPrediction } from '../clients/t7';
import { mapWithConcurrency } from '../domain/concurrency';
import type { ActivityDeps } from './deps';

export const OUTAGE_TOPIC = 'VOO';
/** Bounds one run's notes (and Slack posts); the rest follow on the next run, from the newest timestamp. */
const MAX_NOTES_PER_RUN = 10;
const EVENT_LIMIT = 1_000;
/** Enterprise and ticket look-ups in flight at once (the clients bound their connections too). */
const LOOKUPS_AT_ONCE = 8;
const DAY_MS = 86_400_000;

export interface TriageTicket extends EdgeRef {
  ticketId: number;
  serial: string;
  enterpriseName: string;
}

export interface TriagePlan {
  step: 'first-note' | 'events' | 'wait';
  edgeName: string;
  notes: string[];
}

export function createTriageActivities(deps: ActivityDeps) {
  const { config, velocloud, bruin, t7, metrics, logger } = deps;
  const notify = createNotifier(deps);
  const portalUrl = (host: string) => config.velocloud.hosts.find((h) => h.host === host)?.portalUrl ?? `https://${host}`;

  const triageEvents = async (ref: TriageTicket, start: Date, end: Date): Promise<TriageEvent[]> => {
    const events = await velocloud
      .forHost(ref.host)
      .getEnterpriseEvents(ref.enterpriseId, { edgeIds: [ref.edgeId], interval: { start, end }, limit: EVENT_LIMIT });
    return events
      .filter(isTriageEvent)
      .map(({ event, message, eventTime }) => ({ event, message, eventTime }));
  };

  /** T7 answers or says why not; its failures are logged, never thrown. */
  const prediction = async (ticketId: number, serial: string): Promise<TriagePrediction> => {
    if (!t7) return { unavailable: 'T7 not configured' };
    try {
      const top = topPrediction(await t7.getPredictions(ticketId), serial);
      return top ? { name: top.name, probability: top.probability } : { unavailable: 'no prediction for this edge' };
    } catch (error) {
      logger.warn({ ticketId, err: error }, 'T7 prediction unavailable; triaging without it');
      return { unavailable: 'T7 did not answer' };
    }
  };

  return {
    /** Open VOO tickets carrying a monitored serial, one per ticket, and whether Bruin may be written to. */
    async findTriageTickets(): Promise<{ dryRun: boolean; bruinWriteSettleMs: number; tickets: TriageTicket[] }> {
      // One enterprise look-up per enterprise and one ticket search per Bruin client, not per
      // device: thousands of monitored devices share a few dozen clients.
      const enterprises = [...new Map(config.monitoredDevices.map((d) => [`${d.host}/${d.enterpriseId}`, d])).values()];
      const names = new Map(
        await mapWithConcurrency(enterprises, LOOKUPS_AT_ONCE, async (d) => {
          const { name } = await velocloud.forHost(d.host).getEnterprise(d.enterpriseId);
          return [`${d.host}/${d.enterpriseId}`, name] as const;
        }),
      );
      /** Per Bruin client, its monitored devices by serial. */
      type Device = { device: (typeof config.monitoredDevices)[number]; enterpriseName: string };
      const devicesByClient = new Map<number, Map<string, Device>>();
      for (const device of config.monitoredDevices) {
        const enterpriseName = names.get(`${device.host}/${device.enterpriseId}`) ?? '';
        const clientId = clientIdOf(enterpriseName);
        if (clientId === undefined) continue;
        const devices = devicesByClient.get(clientId) ?? new Map<string, Device>();
        devices.set(serialKey(device.serial), { device, enterpriseName });
        devicesByClient.set(clientId, devices);
      }
      const tickets = new Map<number, TriageTicket>();
      await mapWithConcurrency([...devicesByClient], LOOKUPS_AT_ONCE, async ([clientId, devices]) => {
        for (const ticket of await bruin.findOpenTicketsWithDetails({ clientId, topic: OUTAGE_TOPIC })) {
          const match = ticket.details.map((d) => devices.get(serialKey(d.detailValue))).find((m) => m !== undefined);
          if (!match || tickets.has(ticket.ticketId)) continue;
          const { device, enterpriseName } = match;
          tickets.set(ticket.ticketId, {
            ticketId: ticket.ticketId,
            serial: device.serial,
            host: device.host,
            enterpriseId: device.enterpriseId,
            edgeId: device.edgeId,
            enterpriseName,
          });
        }
      });
      return {
        dryRun: config.mode === 'dry-run',
        bruinWriteSettleMs: config.bruin.writeSettle,
        tickets: [...tickets.values()].sort((a, b) => a.ticketId - b.ticketId),
      };
    },

    /** What this run appends to the ticket: the first triage note, the events since the newest timestamp, or nothing. */
    async planTriage(ref: TriageTicket): Promise<TriagePlan> {
      const client = velocloud.forHost(ref.host);
      const now = new Date();
      const [details, edge] = await Promise.all([bruin.getTicketDetails(ref.ticketId), client.getEdge(ref.enterpriseId, ref.edgeId)]);
      const step = nextTriageStep(details.notes, now.toISOString());
      const edgeName = edge.name || ref.serial;
      if (step.step === 'wait') return { step: 'wait', edgeName, notes: [] };
      heartbeat();
      if (step.step === 'events') {
        const events = await triageEvents(ref, new Date(step.since), now);
        const notes = eventNotes(events, step.since, config.timezone).slice(0, MAX_NOTES_PER_RUN);
        return { step: 'events', edgeName, notes: notes.map((n) => n.text) };
      }
      const [links, events, predicted] = await Promise.all([
        client.getEdgeLinkMetrics(ref.enterpriseId, ref.edgeId, { start: new Date(now.getTime() - 10 * 60_000), end: now }),
        triageEvents(ref, new Date(now.getTime() - TRIAGE_EVENT_WINDOW_DAYS * DAY_MS), now),
        prediction(ref.ticketId, ref.serial),
      ]);
      const note = triageNote(
        {
          host: ref.host,
          enterpriseId: ref.enterpriseId,
          edgeId: ref.edgeId,
          serial: ref.serial,
          edgeName,
          edgeState: edge.edgeState,
          links: links.map((l) => ({ interface: l.interface, displayName: l.displayName, state: l.state })),
        },
        events,
        predicted,
        { portalUrl: portalUrl(ref.host), timezone: config.timezone, now: now.toISOString() },
      );
      return { step: 'first-note', edgeName, notes: triagePages(note) };
    },

    /** Appends a note unless the same text is already on the ticket (an earlier attempt's). */
    async appendTriageNote(request: { ticketId: number; note: string }): Promise<{ appended: boolean }> {
      const details = await bruin.getTicketDetails(request.ticketId);
      if (details.notes.some((n) => sameNote(n.noteValue, request.note))) return { appended: false };
      await bruin.appendNote(request.ticketId, request.note);
      metrics.notesAppended.inc({ process: PROCESS.triage });
      return { appended: true };
    },

    async postTriageToSlack(request: { ticketId: number; serial: string; edgeName: string; kind: 'triage' | 'events' }): Promise<void> {
      const message = triageSlackMessage(request, request.kind, bruinTicketUrl(request.ticketId));
      await notify.postToSlack(PROCESS.triage, message);
    },

    /** Dry run: the notes this run would have appended, e-mailed to the report recipients. */
    async emailTriageDryRun(request: { ticketId: number; serial: string; edgeName: string; notes: string[]; runId: string }): Promise<void> {
      const mail = triageDryRunEmail(request, request.notes);
      await notify.emailRecipients('outage-triage-dry-run', { ...mail, messageId: `<outage-triage-${request.runId}@automation-engine>` });
    },
  };
}
