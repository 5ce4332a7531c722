/**
 * docker-compose.yml, the Dockerfile and the files they mount, checked against the code: the worker
 * gets exactly the variables config/index.ts reads, with the same defaults; the ports Prometheus
 * scrapes and the healthcheck asks are the ones the worker serves; the Temporal set-up registers
 * every search attribute; Grafana loads the dashboards from where they are mounted.
 * (`.ci/run` also runs `docker-compose config -q`, which checks the file's syntax and schema.)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig, SECRET_VARIABLES } from '../../config';
import { CODEC_SERVER_SECRET_VARIABLES, CODEC_SERVER_VARIABLES, loadCodecServerConfig } from '../../config/codec-server';
import { ROOT } from '../support/paths';

type Environment = Record<string, string | number | boolean | null>;

interface Service {
  image?: string;
  build?: unknown;
  environment?: Environment;
  volumes?: string[];
  ports?: string[];
  expose?: Array<string | number>;
  depends_on?: string[] | Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  entrypoint?: string[];
  command?: string[];
  profiles?: string[];
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const service = (name: string): Service => {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};

const configVariables = [...CONFIG_VARIABLES].sort();

/** Compose's `${VAR}`, `${VAR:-default}`, `${VAR-default}` and `${VAR:?message}` against `env`. */
export function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\$|\$\{(\w+)(?:(:?)([-?])([^}]*))?\}/g, (match, name: string | undefined, colon: string, kind: string, arg: string) => {
    if (match === '$$') return '$';
    const current = env[name as string];
    const unset = current === undefined || (colon === ':' && current === '');
    if (kind === '-') return unset ? arg : (current ?? arg);
    if (kind === '?' && unset) throw new Error(`${name}: ${arg}`);
    return current ?? '';
  });
}

function resolvedEnvironment(svc: Service, env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(svc.environment ?? {}).map(([k, v]) => [k, interpolate(String(v ?? ''), env)]));
}

/** Only what an operator must put in .env for the worker (values from .env.example). */
const requiredEnv: Record<string, string> = {
  VELOCLOUD_CREDENTIALS: 'vco.example.net+ops@example.com+vco-pass',
  BRUIN_BASE_URL: 'https://api.bruin.example',
  BRUIN_LOGIN_URL: 'https://id.bruin.example',
  BRUIN_CLIENT_ID: 'automation-engine',
  BRUIN_CLIENT_SECRET: 'bruin-pass',
  SLACK_BOT_TOKEN: 'xoxb-token',
  SLACK_CHANNEL: '#noc',
  SMTP_URL: 'smtp://user:pass@smtp.example:587',
  EMAIL_FROM: 'engine@example.com',
  REPORT_RECIPIENTS: 'noc@example.com',
};

describe('docker-compose.yml', () => {
  it('defines every service the product needs', () => {
    for (const name of ['postgresql', 'temporal', 'temporal-setup', 'temporal-ui', 'worker', 'schedules', 'codec-server', 'prometheus', 'grafana']) {
      expect(services[name]).toBeDefined();
    }
    expect(service('worker').build).toBeDefined();
    expect(service('worker').depends_on).toMatchObject({ 'temporal-setup': { condition: 'service_completed_successfully' } });
    expect(service('schedules').depends_on).toMatchObject({ worker: { condition: 'service_healthy' } });
    expect(service('schedules').command).toEqual(['node', 'dist/clients/temporal/schedules-cli.js', 'apply']);
  });

  it('gives the worker exactly the variables config/index.ts reads', () => {
    expect(Object.keys(service('worker').environment ?? {}).sort()).toEqual(configVariables);
  });

  it('gives the schedules job only variables config/index.ts reads', () => {
    const unknown = Object.keys(service('schedules').environment ?? {}).filter((name) => !configVariables.includes(name));
    expect(unknown).toEqual([]);
  });

  it("uses the configuration's own defaults, so a minimal .env configures the worker as documented", () => {
    const resolved = resolvedEnvironment(service('worker'), requiredEnv);
    const expected = loadConfig({ ...requiredEnv, TEMPORAL_ADDRESS: 'temporal:7233', METRICS_PORT: '9464', HEALTH_PORT: '9465', METRICS_HOST: '0.0.0.0' });
    expect(loadConfig(resolved)).toEqual(expected);
    expect(loadConfig(resolvedEnvironment(service('schedules'), requiredEnv)).schedule).toEqual(expected.schedule);
  });

  it('refuses to start without each required value, naming it', () => {
    for (const name of Object.keys(requiredEnv).filter((n) => n !== 'VELOCLOUD_CREDENTIALS')) {
      const { [name]: _dropped, ...rest } = requiredEnv;
      expect(() => resolvedEnvironment(service('worker'), rest)).toThrow(name);
    }
  });

  it('keeps every secret out of the file: each is interpolated from .env', () => {
    const secrets = [...SECRET_VARIABLES, ...CODEC_SERVER_SECRET_VARIABLES, 'POSTGRES_PASSWORD', 'POSTGRES_PWD', 'GF_SECURITY_ADMIN_PASSWORD'];
    for (const [name, svc] of Object.entries(services)) {
      for (const [key, value] of Object.entries(svc.environment ?? {})) {
        if (secrets.includes(key)) expect(`${name}.${key}=${String(value)}`).toMatch(/=\$\{\w+(:[-?][^}]*)?\}$/);
      }
    }
  });

  it('serves /metrics where Prometheus scrapes and /readyz where the healthchecks ask', () => {
    const env = resolvedEnvironment(service('worker'), requiredEnv);
    const config = loadConfig(env);
    expect(service('worker').expose?.map(String).sort()).toEqual([String(config.metricsPort), String(config.healthPort)].sort());

    const prometheus = parse(readFileSync(join(ROOT, 'prometheus', 'prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<{ job_name: string; metrics_path?: string; dns_sd_configs?: Array<{ names: string[]; port: number }> }>;
    };
    const job = prometheus.scrape_configs.find((j) => j.job_name === 'automation-engine');
    expect(job?.metrics_path ?? '/metrics').toBe('/metrics');
    expect(job?.dns_sd_configs?.[0]).toMatchObject({ names: ['worker'], port: config.metricsPort });
    expect(service('prometheus').volumes).toContain('./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro');

    expect(service('worker').healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${config.healthPort}/readyz`);
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(new RegExp(`HEALTH_PORT \\|\\| ${config.healthPort}\\) \\+ '/readyz'`));
    expect(dockerfile).toMatch(new RegExp(`EXPOSE ${config.metricsPort} ${config.healthPort}`));
  });

  it('gives the worker and the schedules job the payload keys, and /metrics to Prometheus only', () => {
    for (const name of ['worker', 'schedules']) expect(service(name).environment?.TEMPORAL_CODEC_KEYS).toBe('${TEMPORAL_CODEC_KEYS:-}');
    const config = loadConfig(resolvedEnvironment(service('worker'), requiredEnv));
    expect(config.metricsHost).toBe('0.0.0.0');
    expect(config.healthHost).toBe('127.0.0.1');
  });

  it('runs the codec server with the same keys, on loopback of the host, and points the Web UI at it', () => {
    const codec = service('codec-server');
    expect(Object.keys(codec.environment ?? {}).sort()).toEqual([...CODEC_SERVER_VARIABLES].sort());
    expect(codec.environment?.TEMPORAL_CODEC_KEYS).toBe(service('worker').environment?.TEMPORAL_CODEC_KEYS);
    expect(codec.command).toEqual(['node', 'dist/clients/temporal/codec-server-cli.js']);
    const env = { ...requiredEnv, TEMPORAL_CODEC_KEYS: 'k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=' };
    const config = loadCodecServerConfig(resolvedEnvironment(codec, env));
    expect(config).toMatchObject({ host: '0.0.0.0', port: 8081, corsOrigins: ['http://localhost:8080', 'http://127.0.0.1:8080'] });
    expect(config.keys.map((k) => k.id)).toEqual(['k1']);
    const published = interpolate(codec.ports?.[0] ?? '', {});
    expect(published).toBe(`127.0.0.1:8081:${config.port}`);
    const ui = resolvedEnvironment(service('temporal-ui'), {});
    expect(ui.TEMPORAL_CODEC_ENDPOINT).toBe('http://localhost:8081');
    expect(config.corsOrigins).toContain(new URL(ui.TEMPORAL_CORS_ORIGINS as string).origin);
  });

  it('runs Temporal with temporal-config/ and registers every search attribute of it', () => {
    const temporal = service('temporal');
    const mount = temporal.volumes?.find((v) => v.startsWith('./temporal-config/dynamic-config.yaml:'));
    const target = mount?.split(':')[1];
    expect(target).toBe(`/etc/temporal/${String(temporal.environment?.DYNAMIC_CONFIG_FILE_PATH)}`);

    const setup = service('temporal-setup');
    expect(setup.volumes).toContain('./temporal-config:/etc/automation-engine/temporal-config:ro');
    const script = setup.entrypoint?.at(-1) ?? '';
    expect(script.startsWith('/etc/automation-engine/temporal-config/')).toBe(true);
    const local = join(ROOT, 'temporal-config', script.replace('/etc/automation-engine/temporal-config/', ''));
    expect(existsSync(local)).toBe(true);

    // The script reads the JSON with sed (the admin-tools image has no jq): it must see every attribute.
    const sedProgram = /sed -n '([^']+)'/.exec(readFileSync(local, 'utf8'))?.[1];
    expect(sedProgram).toBeDefined();
    const seen = execFileSync('sed', ['-n', sedProgram as string, join(ROOT, 'temporal-config', 'search-attributes.json')], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((line) => line.split(' '));
    const attributes = JSON.parse(readFileSync(join(ROOT, 'temporal-config', 'search-attributes.json'), 'utf8')) as Record<string, string>;
    expect(Object.fromEntries(seen)).toEqual(attributes);
  });

  it('provisions Grafana with the Prometheus service and the dashboards folder it mounts', () => {
    const grafana = service('grafana');
    expect(grafana.volumes).toEqual(
      expect.arrayContaining(['./grafana/provisioning:/etc/grafana/provisioning:ro', './grafana/dashboards:/var/lib/grafana/dashboards:ro']),
    );
    const datasources = parse(readFileSync(join(ROOT, 'grafana', 'provisioning', 'datasources', 'prometheus.yml'), 'utf8')) as {
      datasources: Array<{ url: string; type: string }>;
    };
    const prometheusPort = service('prometheus').ports?.[0]?.split(':').at(-1);
    expect(datasources.datasources[0]).toMatchObject({ type: 'prometheus', url: `http://prometheus:${prometheusPort}` });
    const providers = parse(readFileSync(join(ROOT, 'grafana', 'provisioning', 'dashboards', 'automation-engine.yml'), 'utf8')) as {
      providers: Array<{ options: { path: string } }>;
    };
    expect(providers.providers[0]?.options.path).toBe('/var/lib/grafana/dashboards');
    const home = String(grafana.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH);
    expect(existsSync(join(ROOT, 'grafana', 'dashboards', home.replace('/var/lib/grafana/dashboards/', '')))).toBe(true);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages.at(-1) ?? '';

  it('builds in one stage and runs production dependencies only, as a non-root user, in another', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0]).toMatch(/npm ci/);
    expect(stages[0]).toMatch(/tsc -p tsconfig\.json/);
    expect(runtime).toMatch(/npm ci --omit=dev/);
    expect(runtime).toMatch(/^USER (?!root)\w+/m);
    expect(runtime).toMatch(/CMD \["node", "dist\/workers\/main\.js"\]/);
    expect(runtime).toMatch(/HEALTHCHECK/);
  });

  it('prebuilds the workflow bundle where workers/worker.ts looks for it', () => {
    expect(stages[0]).toMatch(/bundleWorkflowCode\(\{ workflowsPath: require\.resolve\('\.\/dist\/workflows'\), failureConverterPath: require\.resolve\('\.\/dist\/clients\/temporal\/codec\/failure-converter'\) \}\)/);
    expect(stages[0]).toContain("writeFileSync('dist/workflow-bundle.js'");
    expect(readFileSync(join(ROOT, 'workers', 'worker.ts'), 'utf8')).toContain("join(__dirname, '..', 'workflow-bundle.js')");
  });

  it('keeps secrets, local state and tests out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['.env', '.data', 'node_modules', 'dist', 'test']) expect(ignored).toContain(entry);
  });
});
