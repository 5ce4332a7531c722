/**
 * The Grafana dashboards against a real Prometheus. The worker process as operators run it
 * (`dist/workers/main.js`) works a sandboxed fleet through P1 and P2; a Prometheus started from
 * `prometheus/prometheus.yml` scrapes it; then every PromQL expression of every dashboard (panels
 * and template variables) must be valid and return at least one series. A metric renamed in the
 * code, a label dropped, or a typo in a dashboard fails here instead of showing "No data" in Grafana.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { request } from 'undici';
import { parse, stringify } from 'yaml';
import { engineDataConverter } from '../../clients/temporal/codec/data-converter';
import { ensureSearchAttributes } from '../../clients/temporal/connection';
import { freePort } from '../../clients/temporal/free-port';
import { startSandboxes, type SandboxSet } from '../../sandbox';
import { codecKeys, TEST_CODEC_KEYS } from '../support/codec';
import { ROOT, workflowBundlePath } from '../support/paths';
import { recordHistory, testAddress } from '../support/temporal';

const WORKER = join(ROOT, 'dist', 'workers', 'main.js');
const DASHBOARDS = join(ROOT, 'grafana', 'dashboards');
const DATASOURCES = join(ROOT, 'grafana', 'provisioning', 'datasources', 'prometheus.yml');
const PROMETHEUS_CONFIG = join(ROOT, 'prometheus', 'prometheus.yml');
const PROMETHEUS_DIR = join(ROOT, 'prometheus');
const WORKER_JOB = 'automation-engine';

// ---------------------------------------------------------------------------------------------
// Reading the dashboards

interface Panel {
  id?: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: Array<{ expr?: string; datasource?: { uid?: string } }>;
  panels?: Panel[];
}

interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating?: { list: Array<{ name: string; type: string; query?: string | { query: string }; datasource?: { uid?: string } }> };
}

export interface DashboardQuery {
  where: string;
  expr: string;
}

function dashboardFiles(): string[] {
  return readdirSync(DASHBOARDS)
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(DASHBOARDS, f));
}

function loadDashboard(file: string): Dashboard {
  return JSON.parse(readFileSync(file, 'utf8')) as Dashboard;
}

function allPanels(panels: Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

function panelQueries(dashboard: Dashboard): DashboardQuery[] {
  return allPanels(dashboard.panels).flatMap((panel) =>
    (panel.targets ?? []).map((t) => ({ where: `${dashboard.title} › ${panel.title}`, expr: t.expr ?? '' })),
  );
}

function variableQueries(dashboard: Dashboard): DashboardQuery[] {
  return (dashboard.templating?.list ?? [])
    .filter((v) => v.type === 'query')
    .map((v) => ({
      where: `${dashboard.title} › $${v.name}`,
      expr: typeof v.query === 'string' ? v.query : (v.query?.query ?? ''),
    }));
}

/**
 * Grafana's built-in intervals become fixed ranges that suit a 1 s scrape; every template
 * variable becomes "All" (`.*`), which only matches when the dashboard uses it with `=~`.
 */
export function substituteGrafanaVariables(expr: string): string {
  const builtIn: Record<string, string> = { __rate_interval: '30s', __interval: '30s', __range: '5m' };
  return expr.replace(/\$\{?(\w+)(?::\w+)?\}?/g, (_m, name: string) => builtIn[name] ?? '.*');
}

// ---------------------------------------------------------------------------------------------
// A real Prometheus

/** Debian's package installs it at /usr/bin; `.ci/run` installs it when missing. */
function prometheusBinary(): string {
  const candidates = [process.env.PROMETHEUS_BIN, '/usr/bin/prometheus', '/usr/local/bin/prometheus'].filter(
    (p): p is string => Boolean(p),
  );
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`prometheus not found (tried ${candidates.join(', ')}): apt-get install -y prometheus`);
  return found;
}

interface ScrapeConfig {
  job_name: string;
  metrics_path?: string;
  static_configs?: Array<{ targets: string[] }>;
  dns_sd_configs?: unknown;
  [key: string]: unknown;
}

/**
 * The compose stack's Prometheus configuration with only the worker job kept, its discovery
 * replaced by the worker this test runs, and a 1 s scrape and rule evaluation so rates have samples
 * within seconds. Its rule files are kept (startPrometheus copies them beside it).
 */
function testPrometheusConfig(workerTarget: string): string {
  const config = parse(readFileSync(PROMETHEUS_CONFIG, 'utf8')) as { global?: object; rule_files?: string[]; scrape_configs: ScrapeConfig[] };
  const job = config.scrape_configs.find((j) => j.job_name === WORKER_JOB);
  if (!job) throw new Error(`${PROMETHEUS_CONFIG} has no ${WORKER_JOB} job`);
  const { dns_sd_configs: _dns, static_configs: _static, ...rest } = job;
  return stringify({
    global: { ...config.global, scrape_interval: '1s', evaluation_interval: '1s' },
    ...(config.rule_files ? { rule_files: config.rule_files } : {}),
    scrape_configs: [{ ...rest, static_configs: [{ targets: [workerTarget] }] }],
  });
}

/** The alert rule files prometheus.yml names, relative to it. */
function ruleFiles(): string[] {
  return (parse(readFileSync(PROMETHEUS_CONFIG, 'utf8')) as { rule_files?: string[] }).rule_files ?? [];
}

interface PrometheusProcess {
  url: string;
  stop(): Promise<void>;
  output(): string;
}

async function startPrometheus(config: string): Promise<PrometheusProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'dashboards-prometheus-'));
  writeFileSync(join(dir, 'prometheus.yml'), config);
  for (const file of ruleFiles()) writeFileSync(join(dir, file), readFileSync(join(PROMETHEUS_DIR, file)));
  const port = await freePort();
  const child = spawn(
    prometheusBinary(),
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('Prometheus to be ready', async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited: ${output}`);
      return (await getText(`${url}/-/ready`)).status === 200 ? true : undefined;
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop, output: () => output };
}

interface PromResponse<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
  errorType?: string;
}

interface VectorSample {
  metric: Record<string, string>;
}

async function promGet<T>(url: string): Promise<PromResponse<T>> {
  return JSON.parse((await getText(url)).body) as PromResponse<T>;
}

/** Why a query is unusable on a dashboard (invalid, or no series), or undefined when it is fine. */
async function queryProblem(prometheusUrl: string, query: DashboardQuery): Promise<string | undefined> {
  const labelValues = /^label_values\((?:(.+),\s*)?(\w+)\)$/.exec(query.expr.trim());
  if (labelValues) {
    const [, selector, label] = labelValues;
    if (!selector) return `${query.where}: label_values without a metric scans every series; name one`;
    const url = `${prometheusUrl}/api/v1/series?match[]=${encodeURIComponent(substituteGrafanaVariables(selector))}`;
    const response = await promGet<Array<Record<string, string>>>(url);
    if (response.status !== 'success') return `${query.where}: ${response.error ?? 'query failed'} in ${selector}`;
    return response.data.some((series) => series[label as string] !== undefined)
      ? undefined
      : `${query.where}: no series of ${selector} has the label ${label}`;
  }
  const expr = substituteGrafanaVariables(query.expr);
  const response = await promGet<{ resultType: string; result: VectorSample[] }>(
    `${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`,
  );
  if (response.status !== 'success') return `${query.where}: invalid PromQL (${response.errorType}: ${response.error}) in ${expr}`;
  return response.data.result.length ? undefined : `${query.where}: no series for ${expr}`;
}

// ---------------------------------------------------------------------------------------------

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`);
}

async function getText(url: string): Promise<{ status: number; body: string }> {
  const response = await request(url);
  return { status: response.statusCode, body: await response.body.text() };
}

describe('dashboard files', () => {
  const dashboards = dashboardFiles().map(loadDashboard);
  const datasourceUids = (
    parse(readFileSync(DATASOURCES, 'utf8')) as { datasources: Array<{ uid: string; type: string }> }
  ).datasources.map((d) => d.uid);

  it('has the fleet, automation and worker dashboards, each with a unique uid', () => {
    expect(dashboards.map((d) => d.uid).sort()).toEqual(['automation-fleet', 'automation-processes', 'automation-worker']);
  });

  it('points every panel, query and variable at the provisioned Prometheus data source', () => {
    const wrong: string[] = [];
    for (const dashboard of dashboards) {
      for (const panel of allPanels(dashboard.panels).filter((p) => p.type !== 'row')) {
        const uids = [panel.datasource?.uid, ...(panel.targets ?? []).map((t) => t.datasource?.uid)];
        if (!panel.targets?.length) wrong.push(`${dashboard.title} › ${panel.title}: no query`);
        for (const uid of uids) if (!uid || !datasourceUids.includes(uid)) wrong.push(`${dashboard.title} › ${panel.title}: ${uid}`);
      }
      for (const variable of dashboard.templating?.list ?? []) {
        if (!variable.datasource?.uid || !datasourceUids.includes(variable.datasource.uid)) wrong.push(`${dashboard.title} › $${variable.name}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('gives every panel a unique id within its dashboard', () => {
    for (const dashboard of dashboards) {
      const ids = allPanels(dashboard.panels).map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('aggregates the fleet gauges, which every worker publishes alike, with max without (instance, job)', () => {
    const fleetGauges = /\b(automation_edges|automation_links|automation_edges_processed|automation_edges_failed|automation_faulty_edges|automation_edge_cycle_completed_timestamp_seconds)\b(?!_)/;
    const offenders = dashboards
      .flatMap(panelQueries)
      .filter((q) => fleetGauges.test(q.expr) && !/max without \(instance, job\)/.test(q.expr));
    expect(offenders).toEqual([]);
  });

  it('turns Grafana variables into something Prometheus can run', () => {
    expect(substituteGrafanaVariables('rate(x{host=~"$host", q=~"${task_queue}"}[$__rate_interval])')).toBe(
      'rate(x{host=~".*", q=~".*"}[30s])',
    );
  });
});

describe('dashboards against a real Prometheus', () => {
  let sandboxes: SandboxSet;
  let worker: ChildProcess | undefined;
  let workerOutput = '';
  let prometheus: PrometheusProcess | undefined;
  let client: Client;
  const namespace = `dashboards-${randomUUID().slice(0, 8)}`;
  const taskQueue = `dashboards-${randomUUID()}`;

  beforeAll(async () => {
    sandboxes = await startSandboxes({
      fleet: { hosts: ['vco-dash.sandbox'], enterprisesPerHost: 3, totalEdges: 12, faultyShare: 0.2 },
      slackRatePerSecond: Infinity,
    });
    // An outage in a customer enterprise (not a test one), so P2 quarantines it and asks Bruin.
    const vco = sandboxes.velocloud.sandboxes[0];
    const truth = vco?.fleetTruth();
    const customer = truth?.enterprises.find((e) => e.clientId !== null);
    const edge = truth?.edges.find((e) => e.enterpriseId === customer?.id);
    if (!vco || !edge) throw new Error('the sandbox fleet has no customer edge');
    vco.setEdgeState(edge.id, 'OFFLINE');
    // One 429 from each outside API, so the error panels have series.
    vco.setFaults({ rateLimitNext: 1, retryAfterSeconds: 1, pathContains: 'getEdgeLinkMetrics' });
    sandboxes.bruin.setFaults({ rateLimitNext: 1, retryAfterSeconds: 1 });

    // A namespace of its own: P2's report workflow has a fixed id, which other tests' workers must not pick up.
    const connection = await Connection.connect({ address: testAddress() });
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    client = new Client({ connection, namespace, dataConverter: engineDataConverter(codecKeys(TEST_CODEC_KEYS)) });
    await waitFor('the new namespace', async () => {
      await ensureSearchAttributes(client);
      return true;
    });

    const metricsPort = await freePort();
    worker = spawn(process.execPath, [WORKER], {
      env: {
        PATH: process.env.PATH ?? '',
        ...sandboxes.env,
        TEMPORAL_ADDRESS: testAddress(),
        TEMPORAL_NAMESPACE: namespace,
        TEMPORAL_TASK_QUEUE: taskQueue,
        TEMPORAL_CODEC_KEYS: TEST_CODEC_KEYS,
        OUTAGE_QUARANTINE: '1s',
        METRICS_PORT: String(metricsPort),
        HEALTH_PORT: String(metricsPort),
        WORKFLOW_BUNDLE_PATH: workflowBundlePath(),
      },
      cwd: '/',
    });
    worker.stdout?.on('data', (chunk: Buffer) => (workerOutput += chunk.toString()));
    worker.stderr?.on('data', (chunk: Buffer) => (workerOutput += chunk.toString()));
    await waitFor('the worker to be ready', async () =>
      (await getText(`http://127.0.0.1:${metricsPort}/readyz`)).status === 200 ? true : undefined,
    );
    prometheus = await startPrometheus(testPrometheusConfig(`127.0.0.1:${metricsPort}`));

    await runProcesses();
  }, 240_000);

  /** One P1 cycle, one P2 detection with its quarantines and one P2 report, as the schedules would run them. */
  async function runProcesses(): Promise<void> {
    const run = async (workflowType: string, name: string) => {
      const workflowId = `${name}-${randomUUID()}`;
      const result: unknown = await client.workflow.execute(workflowType, { taskQueue, workflowId, args: [] });
      await recordHistory(client, workflowId, `dashboards-${name}`);
      return result;
    };
    expect(await run('edgeMonitoringCycleWorkflow', 'edge-monitoring-cycle')).toMatchObject({ processed: 12 });
    const chunk = await waitFor('the cycle\'s chunk workflow', async () => {
      for await (const w of client.workflow.list({ query: `WorkflowType = 'edgeStatusChunkWorkflow'` })) return w.workflowId;
      return undefined;
    });
    await recordHistory(client, chunk, 'dashboards-edge-status-chunk');
    expect(await run('outageDetectorWorkflow', 'outage-detector')).toMatchObject({ outages: expect.any(Number) });
    const quarantines = await waitFor('the quarantines to finish', async () => {
      const runs: string[] = [];
      for await (const w of client.workflow.list({ query: `WorkflowType = 'outageQuarantineWorkflow'` })) {
        if (w.status.name === 'RUNNING') return undefined;
        runs.push(w.workflowId);
      }
      return runs.length ? runs : undefined;
    });
    await recordHistory(client, quarantines[0] as string, 'dashboards-outage-quarantine');
    await run('outageReporterWorkflow', 'outage-reporter');
    await waitFor('the outage report e-mail', async () => (sandboxes.smtp.messages().length ? true : undefined));
    // A workflow type no worker knows fails its workflow task: the worker dashboard's failure panel.
    const unknown = await client.workflow.start('noSuchWorkflow', { taskQueue, workflowId: `unknown-${randomUUID()}`, args: [] });
    await waitFor('a failed workflow task', async () => {
      const { raw } = await unknown.describe();
      return raw.pendingWorkflowTask?.attempt && raw.pendingWorkflowTask.attempt > 1 ? true : undefined;
    });
    await unknown.terminate('dashboards test');
  }

  afterAll(async () => {
    await prometheus?.stop();
    if (worker && worker.exitCode === null) {
      const exited = new Promise((resolve) => worker?.once('exit', resolve));
      worker.kill('SIGTERM');
      await exited;
    }
    await client?.connection.close();
    await sandboxes?.stop();
  });

  it('scrapes the worker with the compose stack’s job', async () => {
    const up = await waitFor('a successful scrape', async () => {
      const response = await promGet<{ result: VectorSample[] }>(`${prometheus?.url}/api/v1/query?query=${encodeURIComponent(`up{job="${WORKER_JOB}"} == 1`)}`);
      return response.data.result.length ? response.data.result : undefined;
    }, 30_000);
    expect(up).toHaveLength(1);
  });

  it('runs every dashboard query and variable with at least one series', async () => {
    const queries = dashboardFiles()
      .map(loadDashboard)
      .flatMap((d) => [...panelQueries(d), ...variableQueries(d)]);
    expect(queries.length).toBeGreaterThan(40);
    let problems: string[] = [];
    // Rates need two scrapes inside their window and the fleet gauges the cycle's result: retry for a while.
    const deadline = Date.now() + 45_000;
    do {
      problems = (await Promise.all(queries.map((q) => queryProblem(prometheus?.url ?? '', q)))).filter(
        (p): p is string => p !== undefined,
      );
      if (!problems.length || problems.some((p) => p.includes('invalid PromQL'))) break;
      await sleep(1_000);
    } while (Date.now() < deadline);
    if (problems.length) writeFileSync(join(tmpdir(), 'dashboards-worker.log'), workerOutput);
    expect(problems).toEqual([]);
  }, 90_000);

  it('loads every alert rule, each evaluating without error over series the worker publishes', async () => {
    expect(ruleFiles()).toEqual(['alerts.yml']);
    interface Rule {
      name: string;
      query: string;
      health: string;
      lastError?: string;
    }
    const rules = await waitFor('every rule evaluated', async () => {
      const response = await promGet<{ groups: Array<{ rules: Rule[] }> }>(`${prometheus?.url}/api/v1/rules`);
      const all = response.data.groups.flatMap((g) => g.rules);
      return all.length && all.every((r) => r.health !== 'unknown') ? all : undefined;
    });
    expect(rules.map((r) => r.name).sort()).toEqual(['EdgeMonitoringStale', 'ScheduledRunFailed']);
    const problems: string[] = [];
    for (const rule of rules) {
      if (rule.health !== 'ok') problems.push(`${rule.name}: ${rule.lastError ?? rule.health}`);
      for (const metric of new Set(rule.query.match(/\bautomation_\w+/g) ?? [])) {
        const problem = await queryProblem(prometheus?.url ?? '', { where: rule.name, expr: metric });
        if (problem) problems.push(problem);
      }
    }
    expect(problems).toEqual([]);
  });

  it('reports a misspelt metric, a wrong label and broken PromQL (the check itself works)', async () => {
    const url = prometheus?.url ?? '';
    expect(await queryProblem(url, { where: 'typo', expr: 'sum(automation_edge{host=~"$host"})' })).toContain('no series');
    expect(await queryProblem(url, { where: 'label', expr: 'automation_edges{site="x"}' })).toContain('no series');
    expect(await queryProblem(url, { where: 'syntax', expr: 'sum by (state (automation_edges)' })).toContain('invalid PromQL');
    expect(await queryProblem(url, { where: 'variable', expr: 'label_values(automation_edges, site)' })).toContain('no series');
  });
});
