/**
 * The engine's own Prometheus metrics. Counters and histograms count what this worker did (sum
 * them across workers); the fleet gauges are a view of the latest completed monitoring cycle as
 * Temporal recorded it, so every worker publishes the same values (aggregate with max).
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CycleSummary } from '../domain/cycle-summary';
import { AUTO_RESOLVE_REFUSALS, OUTAGE_KINDS } from '../domain/incidents';
import { PROCESS } from '../domain/search-attributes';
import { TROUBLE_THRESHOLDS } from '../domain/service-affecting';

export type CallOutcome = 'ok' | 'retryable' | 'rate-limited' | 'non-retryable';

export interface EngineMetrics {
  velocloudCalls: Counter<'host' | 'call' | 'outcome'>;
  bruinCalls: Counter<'call' | 'outcome'>;
  cycleDuration: Histogram<never>;
  slackMessages: Counter<'process' | 'outcome'>;
  emails: Counter<'report' | 'outcome'>;
  outagesQuarantined: Counter<never>;
  outagesReported: Counter<never>;
  ticketsCreated: Counter<'topic'>;
  notesAppended: Counter<'process'>;
  troublesDetected: Counter<'trouble'>;
  incidentsOpened: Counter<'kind'>;
  incidentsClosed: Counter<'kind' | 'outcome'>;
  incidentTickets: Counter<'action'>;
  autoResolveRefusals: Counter<'reason'>;
  scheduledRunsFailed: Counter<'schedule' | 'process'>;
}

/** Where the failed scheduled runs are read from (clients/temporal/scheduled-runs.ts), and which schedules there are. */
export interface ScheduledRunsSource {
  schedules: ReadonlyArray<{ scheduleId: string; process: string }>;
  /** Failed and timed-out runs per schedule id since the worker started, as Temporal recorded them. */
  failures: () => Promise<Record<string, number>>;
}

export interface EngineMetricsSources {
  scheduledRuns?: ScheduledRunsSource;
}

export function createEngineMetrics(registry: Registry, sources: EngineMetricsSources = {}): EngineMetrics {
  const registers = [registry];
  const { scheduledRuns } = sources;
  /** What this worker has counted per schedule so far: the counter moves by what visibility adds. */
  const counted = new Map<string, number>();
  const metrics: EngineMetrics = {
    velocloudCalls: new Counter({
      name: 'automation_velocloud_calls_total',
      help: 'VeloCloud API calls by host, call and outcome (ok, retryable, rate-limited, non-retryable)',
      labelNames: ['host', 'call', 'outcome'],
      registers,
    }),
    bruinCalls: new Counter({
      name: 'automation_bruin_calls_total',
      help: 'Bruin API calls by call and outcome',
      labelNames: ['call', 'outcome'],
      registers,
    }),
    cycleDuration: new Histogram({
      name: 'automation_edge_cycle_duration_seconds',
      help: 'Duration of an edge monitoring cycle, from listing the edges to the last status',
      buckets: [5, 10, 20, 30, 45, 60, 90, 120, 180, 300, 600],
      registers,
    }),
    slackMessages: new Counter({
      name: 'automation_slack_messages_total',
      help: 'Slack messages posted by process and outcome',
      labelNames: ['process', 'outcome'],
      registers,
    }),
    emails: new Counter({
      name: 'automation_emails_total',
      help: 'E-mails sent by report and outcome',
      labelNames: ['report', 'outcome'],
      registers,
    }),
    outagesQuarantined: new Counter({
      name: 'automation_outages_quarantined_total',
      help: 'Edges that entered outage quarantine',
      registers,
    }),
    outagesReported: new Counter({
      name: 'automation_outages_reported_total',
      help: 'Edges added to the outage report after their quarantine',
      registers,
    }),
    ticketsCreated: new Counter({
      name: 'automation_tickets_created_total',
      help: 'Bruin tickets created by topic',
      labelNames: ['topic'],
      registers,
    }),
    notesAppended: new Counter({
      name: 'automation_notes_appended_total',
      help: 'Notes appended to Bruin tickets by process',
      labelNames: ['process'],
      registers,
    }),
    troublesDetected: new Counter({
      name: 'automation_service_affecting_troubles_total',
      help: 'Service-affecting troubles (latency, packet loss) found on monitored links, by trouble',
      labelNames: ['trouble'],
      registers,
    }),
    incidentsOpened: new Counter({
      name: 'automation_incidents_opened_total',
      help: 'Outage incidents started, by outage kind (open now = opened - closed)',
      labelNames: ['kind'],
      registers,
    }),
    incidentsClosed: new Counter({
      name: 'automation_incidents_closed_total',
      help: 'Outage incidents closed, by outage kind and outcome (auto-resolved, left open)',
      labelNames: ['kind', 'outcome'],
      registers,
    }),
    incidentTickets: new Counter({
      name: 'automation_incident_tickets_total',
      help: 'What incidents did to VOO tickets: created, re-opened, joined, auto-resolved',
      labelNames: ['action'],
      registers,
    }),
    autoResolveRefusals: new Counter({
      name: 'automation_auto_resolve_refusals_total',
      help: 'Recovered outages whose ticket was left open, by reason',
      labelNames: ['reason'],
      registers,
    }),
    scheduledRunsFailed: new Counter({
      name: 'automation_scheduled_runs_failed_total',
      help: 'Scheduled runs that failed or timed out (by their run timeout) since this worker started, by schedule and process, as Temporal recorded them',
      labelNames: ['schedule', 'process'],
      registers,
      async collect() {
        if (!scheduledRuns) return;
        const failures = await scheduledRuns.failures().catch(() => undefined);
        for (const { scheduleId, process } of scheduledRuns.schedules) {
          const now = failures?.[scheduleId] ?? 0;
          const before = counted.get(scheduleId) ?? 0;
          // Visibility forgets runs past the namespace's retention: a lower count is not a decrease.
          if (now > before) {
            this.inc({ schedule: scheduleId, process }, now - before);
            counted.set(scheduleId, now);
          }
        }
      },
    }),
  };
  for (const { scheduleId, process } of scheduledRuns?.schedules ?? []) metrics.scheduledRunsFailed.inc({ schedule: scheduleId, process }, 0);
  startKnownLabelSetsAtZero(metrics);
  return metrics;
}

/**
 * Registers the fleet gauges, filled at scrape time from the latest completed cycle
 * (`latest` is cached by the caller so a scrape does not hit Temporal every time).
 *
 * prom-client collects a registry's metrics concurrently, every gauge's `collect` starting in the
 * same tick; each awaits the one snapshot in flight, so every fleet gauge of a scrape shows the
 * same cycle, the first scrape included.
 */
export function registerFleetGauges(registry: Registry, latest: () => Promise<CycleSummary | undefined>): void {
  let known: CycleSummary | undefined;
  let inFlight: Promise<CycleSummary | undefined> | undefined;
  const snapshot = (): Promise<CycleSummary | undefined> =>
    (inFlight ??= latest()
      // Temporal out of reach: keep showing the last cycle we read rather than nothing.
      .then((summary) => (known = summary ?? known), () => known)
      .finally(() => (inFlight = undefined)));
  new Gauge({
    name: 'automation_edges',
    help: 'Edges by host, enterprise and state in the latest completed monitoring cycle',
    labelNames: ['host', 'enterprise', 'state'],
    registers: [registry],
    async collect() {
      const summary = await snapshot();
      this.reset();
      for (const row of summary?.edges ?? []) this.set({ host: row.host, enterprise: row.enterprise, state: row.state }, row.count);
    },
  });
  new Gauge({
    name: 'automation_links',
    help: 'Counted links (backup state UNCONFIGURED or ACTIVE) by host, enterprise and state in the latest cycle',
    labelNames: ['host', 'enterprise', 'state'],
    registers: [registry],
    async collect() {
      const summary = await snapshot();
      this.reset();
      for (const row of summary?.links ?? []) this.set({ host: row.host, enterprise: row.enterprise, state: row.state }, row.count);
    },
  });
  const scalar = (name: string, help: string, value: (s: CycleSummary) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const summary = await snapshot();
        if (summary) this.set(value(summary));
      },
    });
  scalar('automation_edges_processed', 'Edges whose status was fetched in the latest cycle', (s) => s.processed);
  scalar('automation_edges_failed', 'Edges whose status could not be fetched in the latest cycle', (s) => s.failed);
  scalar('automation_faulty_edges', 'Faulty edges (not CONNECTED, or a counted link DISCONNECTED) in the latest cycle', (s) => s.faultyTotal);
  scalar('automation_edge_cycle_completed_timestamp_seconds', 'When the latest cycle finished (Unix time)', (s) => Date.parse(s.finishedAt) / 1000);
}

/**
 * Label sets known before anything happens start at 0: a dashboard then shows 0 instead of "No
 * data" on a quiet day, and the first increment is a visible step for rate() rather than a new
 * series Prometheus has no earlier sample of.
 */
function startKnownLabelSetsAtZero(metrics: EngineMetrics): void {
  const outcomes = ['ok', 'error'];
  for (const topic of ['VOO', 'VAS']) metrics.ticketsCreated.inc({ topic }, 0);
  for (const process of [PROCESS.serviceAffecting, PROCESS.triage]) metrics.notesAppended.inc({ process }, 0);
  for (const process of [PROCESS.edgeMonitoring, PROCESS.serviceAffecting, PROCESS.triage]) {
    for (const outcome of outcomes) metrics.slackMessages.inc({ process, outcome }, 0);
  }
  for (const report of ['service-outage', 'last-contact']) {
    for (const outcome of outcomes) metrics.emails.inc({ report, outcome }, 0);
  }
  for (const trouble of Object.keys(TROUBLE_THRESHOLDS)) metrics.troublesDetected.inc({ trouble }, 0);
  for (const kind of OUTAGE_KINDS) {
    metrics.incidentsOpened.inc({ kind }, 0);
    for (const outcome of ['auto-resolved', 'left-open']) metrics.incidentsClosed.inc({ kind, outcome }, 0);
  }
  for (const action of ['created', 'reopened', 'joined', 'auto-resolved']) metrics.incidentTickets.inc({ action }, 0);
  for (const reason of AUTO_RESOLVE_REFUSALS) metrics.autoResolveRefusals.inc({ reason }, 0);
}
