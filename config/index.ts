/**
 * The one place where the engine's configuration is read (SPEC §5). Every variable is validated
 * here, once; a bad start-up lists every problem in a single message instead of failing one by one.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseDuration } from '../domain/duration';
import { parseSmtpUrl } from '../clients/email/smtp-url';
import { httpEndpoints, insecureUrlProblems } from './security';
import {
  loadTemporalSettings,
  redactTemporalSettings,
  TEMPORAL_SECRET_VARIABLES,
  TEMPORAL_VARIABLES,
  temporalSecrets,
  type TemporalSettings,
} from './temporal';

export type { TemporalSettings } from './temporal';

export type AutomationMode = 'dry-run' | 'production';

/** How P1 and P2 run the one activity per edge: local activities (default) or remote ones (README, Performance). */
export type EdgeFetchActivity = 'local' | 'remote';

export interface VelocloudHost {
  /** The orchestrator's name as operators know it (`mettel.velocloud.net`, or `host:port`). */
  host: string;
  /** Base of the REST API, ending in `/portal/rest`. */
  baseUrl: string;
  /** Origin of the VCO portal, used to build links to edge pages. */
  portalUrl: string;
  username: string;
  password: string;
}

export interface MonitoredDevice {
  serial: string;
  host: string;
  enterpriseId: number;
  edgeId: number;
  contact: { name: string; email: string; phone: string };
}

export interface Config {
  /** Connection (config/temporal.ts: the standard client profile), task queue and payload codec keys. */
  temporal: TemporalSettings;
  velocloud: { hosts: VelocloudHost[]; verifySsl: boolean; filter: VelocloudFilter; edgeFetch: EdgeFetchActivity };
  bruin: {
    baseUrl: string;
    loginUrl: string;
    clientId: string;
    clientSecret: string;
    /**
     * How long after a Bruin write attempt fails the next one may look (milliseconds): long enough
     * for any write the failed attempt still had in flight to have landed (README, exactly once).
     */
    writeSettle: number;
  };
  t7?: { baseUrl: string; token: string };
  slack: { botToken: string; channel: string; apiUrl?: string };
  email: { smtpUrl: string; from: string; reportRecipients: string[] };
  mode: AutomationMode;
  timezone: string;
  monitoredDevices: MonitoredDevice[];
  metricsPort: number;
  healthPort: number;
  /** Interfaces /metrics and /healthz, /readyz listen on (loopback unless the operator says otherwise). */
  metricsHost: string;
  healthHost: string;
  /** ALLOW_INSECURE_HTTP: http:// base URLs to hosts that are not loopback are accepted (and logged). */
  allowInsecureHttp: boolean;
  /** Durations in milliseconds, cron expressions as written. */
  schedule: {
    edgeMonitoringInterval: number;
    edgeReportInterval: number;
    outageDetectorInterval: number;
    outageQuarantine: number;
    outageReportInterval: number;
    serviceAffectingInterval: number;
    triageInterval: number;
    lastContactCron: string;
  };
  /** Outage incidents: re-check interval and the auto-resolve rules (README, operator guide). */
  incidents: {
    recheckInterval: number;
    /** Bruin's `createdBy` on tickets the engine opened (BRUIN_ENGINE_CREATOR, else BRUIN_CLIENT_ID). */
    engineCreator: string;
    graceDay: number;
    graceNight: number;
    /** Day = [dayStartHour, dayEndHour) in TIMEZONE. */
    dayStartHour: number;
    dayEndHour: number;
  };
  /** P3's limits (wired / wireless), look-backs and when a ticketed device counts as recovered (README, Configuration). */
  serviceAffecting: {
    latencyMs: WiredWireless;
    packetLossPct: WiredWireless;
    jitterMs: WiredWireless;
    bandwidthPct: WiredWireless;
    instabilityEvents: WiredWireless;
    bandwidthLookback: number;
    instabilityLookback: number;
    resolveAfter: number;
    resolveInstabilityBelow: number;
  };
}

/** One limit for wired links and one for wireless ones. */
export interface WiredWireless {
  wired: number;
  wireless: number;
}

/** Which hosts to watch, and on each host which enterprises (empty list: all of them). */
export type VelocloudFilter = Record<string, number[]>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Names of the variables whose values are secrets; they are redacted wherever config is printed. */
export const SECRET_VARIABLES = [
  'VELOCLOUD_CREDENTIALS',
  'BRUIN_CLIENT_SECRET',
  'T7_TOKEN',
  'SLACK_BOT_TOKEN',
  'SMTP_URL',
  ...TEMPORAL_SECRET_VARIABLES,
] as const;

type Env = Record<string, string | undefined>;

const text = (name: string) => z.string({ error: `${name} is required` }).trim().min(1, `${name} is required`);
const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));
const url = (name: string) =>
  text(name).refine((v) => URL.canParse(v), { message: `${name} must be a URL (e.g. https://host:port)` });
const optionalUrl = (name: string) =>
  optionalText.refine((v) => v === undefined || URL.canParse(v), { message: `${name} must be a URL` });
const port = (name: string, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a port number` })
    .int(`${name} must be a whole number`)
    .min(0, `${name} must be between 0 and 65535`)
    .max(65535, `${name} must be between 0 and 65535`)
    .default(fallback);
const duration = (name: string, fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      const ms = parseDuration(v);
      if (ms === undefined || ms <= 0) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a duration like 30s, 10m or 1h (got "${v}")` });
        return z.NEVER;
      }
      return ms;
    });
/** `50/120`: the wired limit, then the wireless one; one number sets both. */
const wiredWireless = (name: string, fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx): WiredWireless => {
      const parts = v.split('/').map((p) => p.trim());
      const numbers = parts.map(Number);
      if (parts.length > 2 || parts.some((p) => p === '') || numbers.some((n) => !Number.isFinite(n) || n <= 0)) {
        ctx.addIssue({ code: 'custom', message: `${name} must be <wired>/<wireless> positive numbers such as ${fallback} (got "${v}")` });
        return z.NEVER;
      }
      return { wired: numbers[0]!, wireless: numbers[1] ?? numbers[0]! };
    });
const yesNo = (name: string, fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const lower = v.toLowerCase();
      if (['yes', 'true', '1'].includes(lower)) return true;
      if (['no', 'false', '0'].includes(lower)) return false;
      ctx.addIssue({ code: 'custom', message: `${name} must be yes or no (got "${v}")` });
      return z.NEVER;
    });

const listenHost = (name: string) =>
  z
    .string()
    .trim()
    .default('127.0.0.1')
    .transform((v) => v || '127.0.0.1')
    .refine((v) => /^[A-Za-z0-9.:_-]+$/.test(v), { message: `${name} must be an interface address or host name such as 127.0.0.1 or 0.0.0.0` });

// The Temporal connection variables (config/temporal.ts) are read by @temporalio/envconfig.
const envSchema = z.object({
  TEMPORAL_TASK_QUEUE: text('TEMPORAL_TASK_QUEUE').default('automation-engine'),
  VELOCLOUD_CREDENTIALS: optionalText,
  VELOCLOUD_HOSTS_FILE: optionalText,
  VELOCLOUD_VERIFY_SSL: yesNo('VELOCLOUD_VERIFY_SSL', true),
  VELOCLOUD_FILTER: optionalText,
  EDGE_FETCH_ACTIVITY: z
    .enum(['local', 'remote'], { error: 'EDGE_FETCH_ACTIVITY must be local or remote' })
    .default('local'),
  BRUIN_BASE_URL: url('BRUIN_BASE_URL'),
  BRUIN_LOGIN_URL: url('BRUIN_LOGIN_URL'),
  BRUIN_CLIENT_ID: text('BRUIN_CLIENT_ID'),
  BRUIN_CLIENT_SECRET: text('BRUIN_CLIENT_SECRET'),
  T7_BASE_URL: optionalUrl('T7_BASE_URL'),
  T7_TOKEN: optionalText,
  SLACK_BOT_TOKEN: text('SLACK_BOT_TOKEN'),
  SLACK_CHANNEL: text('SLACK_CHANNEL'),
  SLACK_API_URL: optionalUrl('SLACK_API_URL'),
  SMTP_URL: url('SMTP_URL').refine((v) => /^smtps?:\/\//.test(v), {
    message: 'SMTP_URL must start with smtp:// or smtps://',
  }),
  EMAIL_FROM: text('EMAIL_FROM').pipe(z.email({ error: 'EMAIL_FROM must be an e-mail address' })),
  REPORT_RECIPIENTS: text('REPORT_RECIPIENTS').transform((v, ctx) => {
    const list = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const address of list) {
      if (!z.email().safeParse(address).success) {
        ctx.addIssue({ code: 'custom', message: `REPORT_RECIPIENTS has an invalid address "${address}"` });
      }
    }
    return list;
  }),
  AUTOMATION_MODE: z
    .enum(['dry-run', 'production'], { error: 'AUTOMATION_MODE must be dry-run or production' })
    .default('dry-run'),
  TIMEZONE: text('TIMEZONE')
    .default('US/Eastern')
    .refine(isTimeZone, { message: 'TIMEZONE must be an IANA time zone such as US/Eastern' }),
  MONITORED_DEVICES_FILE: optionalText,
  METRICS_PORT: port('METRICS_PORT', 9464),
  HEALTH_PORT: port('HEALTH_PORT', 9465),
  METRICS_HOST: listenHost('METRICS_HOST'),
  HEALTH_HOST: listenHost('HEALTH_HOST'),
  ALLOW_INSECURE_HTTP: yesNo('ALLOW_INSECURE_HTTP', false),
  EDGE_MONITORING_INTERVAL: duration('EDGE_MONITORING_INTERVAL', '2m'),
  EDGE_REPORT_INTERVAL: duration('EDGE_REPORT_INTERVAL', '10m'),
  OUTAGE_DETECTOR_INTERVAL: duration('OUTAGE_DETECTOR_INTERVAL', '40m'),
  OUTAGE_QUARANTINE: duration('OUTAGE_QUARANTINE', '10m'),
  OUTAGE_REPORT_INTERVAL: duration('OUTAGE_REPORT_INTERVAL', '60m'),
  SERVICE_AFFECTING_INTERVAL: duration('SERVICE_AFFECTING_INTERVAL', '10m'),
  TRIAGE_INTERVAL: duration('TRIAGE_INTERVAL', '10m'),
  BRUIN_WRITE_SETTLE: duration('BRUIN_WRITE_SETTLE', '70s'),
  INCIDENT_RECHECK_INTERVAL: duration('INCIDENT_RECHECK_INTERVAL', '5m'),
  BRUIN_ENGINE_CREATOR: optionalText,
  AUTO_RESOLVE_GRACE_DAY: duration('AUTO_RESOLVE_GRACE_DAY', '90m'),
  AUTO_RESOLVE_GRACE_NIGHT: duration('AUTO_RESOLVE_GRACE_NIGHT', '180m'),
  AUTO_RESOLVE_DAY_HOURS: text('AUTO_RESOLVE_DAY_HOURS')
    .default('8-24')
    .refine((v) => /^\d{1,2}-\d{1,2}$/.test(v) && Number(v.split('-')[0]) < Number(v.split('-')[1]) && Number(v.split('-')[1]) <= 24, {
      message: 'AUTO_RESOLVE_DAY_HOURS must be <start>-<end> hours, such as 8-24',
    }),
  SERVICE_AFFECTING_LATENCY_MS: wiredWireless('SERVICE_AFFECTING_LATENCY_MS', '50/120'),
  SERVICE_AFFECTING_PACKET_LOSS_PCT: wiredWireless('SERVICE_AFFECTING_PACKET_LOSS_PCT', '5/8'),
  SERVICE_AFFECTING_JITTER_MS: wiredWireless('SERVICE_AFFECTING_JITTER_MS', '50/50'),
  SERVICE_AFFECTING_BANDWIDTH_PCT: wiredWireless('SERVICE_AFFECTING_BANDWIDTH_PCT', '80/80'),
  SERVICE_AFFECTING_INSTABILITY_EVENTS: wiredWireless('SERVICE_AFFECTING_INSTABILITY_EVENTS', '10/10'),
  SERVICE_AFFECTING_BANDWIDTH_LOOKBACK: duration('SERVICE_AFFECTING_BANDWIDTH_LOOKBACK', '30m'),
  SERVICE_AFFECTING_INSTABILITY_LOOKBACK: duration('SERVICE_AFFECTING_INSTABILITY_LOOKBACK', '60m'),
  SERVICE_AFFECTING_RESOLVE_AFTER: duration('SERVICE_AFFECTING_RESOLVE_AFTER', '20m'),
  SERVICE_AFFECTING_RESOLVE_INSTABILITY_BELOW: z.coerce
    .number({ error: 'SERVICE_AFFECTING_RESOLVE_INSTABILITY_BELOW must be a whole number of events' })
    .int('SERVICE_AFFECTING_RESOLVE_INSTABILITY_BELOW must be a whole number of events')
    .min(1, 'SERVICE_AFFECTING_RESOLVE_INSTABILITY_BELOW must be at least 1')
    .default(4),
  LAST_CONTACT_CRON: text('LAST_CONTACT_CRON')
    .default('0 8 1 * *')
    .refine((v) => v.split(/\s+/).length === 5, {
      message: 'LAST_CONTACT_CRON must be a 5-field cron expression (minute hour day month weekday)',
    }),
});

/** Every environment variable the engine reads (besides TEMPORAL_GRPC_META_<header>, read by prefix). */
export const CONFIG_VARIABLES: readonly string[] = [...TEMPORAL_VARIABLES, ...Object.keys(envSchema.shape).filter((name) => !name.startsWith('TEMPORAL_'))];

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Parses `host+user+password;host2+user+password`. The password is everything after the second `+`,
 * so it may itself contain `+`. A host is a bare name (→ https://host/portal/rest) or a base URL.
 */
export function parseVelocloudCredentials(value: string, problems: string[]): VelocloudHost[] {
  const hosts: VelocloudHost[] = [];
  value
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)
    .forEach((entry, index) => {
      const first = entry.indexOf('+');
      const second = first < 0 ? -1 : entry.indexOf('+', first + 1);
      if (first <= 0 || second <= first + 1 || second === entry.length - 1) {
        problems.push(`VELOCLOUD_CREDENTIALS entry ${index + 1} must look like host+user+password`);
        return;
      }
      const host = velocloudHost(entry.slice(0, first), `VELOCLOUD_CREDENTIALS entry ${index + 1}`, problems);
      if (host) hosts.push({ ...host, username: entry.slice(first + 1, second), password: entry.slice(second + 1) });
    });
  return hosts;
}

function velocloudHost(
  raw: string,
  where: string,
  problems: string[],
  name?: string,
): Pick<VelocloudHost, 'host' | 'baseUrl' | 'portalUrl'> | undefined {
  const withScheme = /^https?:\/\//.test(raw) ? raw : `https://${raw}`;
  if (!URL.canParse(withScheme)) {
    problems.push(`${where}: "${raw}" is neither a host name nor an http(s):// URL`);
    return undefined;
  }
  const parsed = new URL(withScheme);
  const base = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
  return { host: name ?? parsed.host, baseUrl: `${base}/portal/rest`, portalUrl: base };
}

const hostsFileSchema = z.array(
  z.object({
    host: z.string().min(1),
    url: z.string().optional(),
    username: z.string().min(1),
    password: z.string().min(1),
  }),
);

function readJsonFile(path: string, variable: string, problems: string[]): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    problems.push(`${variable}: cannot read JSON from ${path}: ${(error as Error).message}`);
    return undefined;
  }
}

function loadHostsFile(path: string, problems: string[]): VelocloudHost[] {
  const raw = readJsonFile(path, 'VELOCLOUD_HOSTS_FILE', problems);
  if (raw === undefined) return [];
  const parsed = hostsFileSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`VELOCLOUD_HOSTS_FILE ${path} at [${issue.path.join('.')}]: ${issue.message}`);
    }
    return [];
  }
  return parsed.data.flatMap((entry, i) => {
    const host = velocloudHost(entry.url ?? entry.host, `VELOCLOUD_HOSTS_FILE entry ${i + 1}`, problems, entry.host);
    return host ? [{ ...host, username: entry.username, password: entry.password }] : [];
  });
}

const monitoredDeviceSchema = z.object({
  serial: z.string().min(1),
  host: z.string().min(1),
  enterpriseId: z.number().int().positive(),
  edgeId: z.number().int().positive(),
  contact: z.object({ name: z.string().min(1), email: z.email(), phone: z.string().min(1) }),
});

/** `knownHosts`, when given, are the configured orchestrators a device's host must be one of. */
export function loadMonitoredDevices(path: string, problems: string[], knownHosts?: readonly string[]): MonitoredDevice[] {
  const raw = readJsonFile(path, 'MONITORED_DEVICES_FILE', problems);
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.push(`MONITORED_DEVICES_FILE ${path}: must be a JSON array of devices`);
    return [];
  }
  const devices: MonitoredDevice[] = [];
  raw.forEach((entry, index) => {
    const parsed = monitoredDeviceSchema.safeParse(entry);
    const serial = (entry as { serial?: unknown } | null)?.serial;
    const label = typeof serial === 'string' ? ` (serial ${serial})` : '';
    if (parsed.success) {
      const device = parsed.data;
      // Workflow ids and ticket look-ups are keyed by serial; a device on an unknown VCO could never be read.
      if (devices.some((d) => d.serial === device.serial)) {
        problems.push(`MONITORED_DEVICES_FILE entry ${index + 1}${label}: serial is listed twice`);
      } else if (knownHosts?.length && !knownHosts.includes(device.host)) {
        problems.push(`MONITORED_DEVICES_FILE entry ${index + 1}${label}: host "${device.host}" is not among the configured orchestrators`);
      } else {
        devices.push(device);
      }
      return;
    }
    for (const issue of parsed.error.issues) {
      problems.push(`MONITORED_DEVICES_FILE entry ${index + 1}${label}: ${issue.path.join('.') || 'entry'} ${issue.message}`);
    }
  });
  return devices;
}

/** `host=1,2;host2` → { host: [1,2], host2: [] }. An absent filter means every configured host. */
export function parseVelocloudFilter(value: string | undefined, problems: string[]): VelocloudFilter {
  const filter: VelocloudFilter = {};
  if (!value) return filter;
  for (const part of value.split(';').map((s) => s.trim()).filter(Boolean)) {
    const [host, ids = ''] = part.split('=', 2);
    const enterpriseIds = ids
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map(Number);
    if (!host || enterpriseIds.some((id) => !Number.isInteger(id) || id <= 0)) {
      problems.push(`VELOCLOUD_FILTER "${part}" must look like host or host=1,2,3`);
      continue;
    }
    filter[host.trim()] = enterpriseIds;
  }
  return filter;
}

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(issue.message);
  }

  const hosts: VelocloudHost[] = [];
  if (env.VELOCLOUD_CREDENTIALS?.trim()) hosts.push(...parseVelocloudCredentials(env.VELOCLOUD_CREDENTIALS, problems));
  if (env.VELOCLOUD_HOSTS_FILE?.trim()) hosts.push(...loadHostsFile(env.VELOCLOUD_HOSTS_FILE.trim(), problems));
  if (!env.VELOCLOUD_CREDENTIALS?.trim() && !env.VELOCLOUD_HOSTS_FILE?.trim()) {
    problems.push('VELOCLOUD_CREDENTIALS or VELOCLOUD_HOSTS_FILE is required');
  }
  const filter = parseVelocloudFilter(env.VELOCLOUD_FILTER, problems);
  for (const host of Object.keys(filter)) {
    if (hosts.length && !hosts.some((h) => h.host === host)) {
      problems.push(`VELOCLOUD_FILTER names host "${host}", which is not among the configured orchestrators`);
    }
  }

  const temporal = loadTemporalSettings(env, parsed.data?.TEMPORAL_TASK_QUEUE ?? 'automation-engine', problems);
  if (Boolean(env.T7_BASE_URL?.trim()) !== Boolean(env.T7_TOKEN?.trim())) {
    problems.push('T7_BASE_URL and T7_TOKEN must be set together (or neither, to triage without predictions)');
  }
  const monitoredDevices = env.MONITORED_DEVICES_FILE?.trim()
    ? loadMonitoredDevices(env.MONITORED_DEVICES_FILE.trim(), problems, hosts.map((h) => h.host))
    : [];

  if (parsed.success) {
    const v = parsed.data;
    const endpoints = httpEndpoints({
      bruin: { baseUrl: v.BRUIN_BASE_URL, loginUrl: v.BRUIN_LOGIN_URL },
      t7: v.T7_BASE_URL ? { baseUrl: v.T7_BASE_URL } : undefined,
      slack: { apiUrl: v.SLACK_API_URL },
      velocloud: { hosts },
    });
    problems.push(...insecureUrlProblems(endpoints, v.ALLOW_INSECURE_HTTP));
    try {
      parseSmtpUrl(v.SMTP_URL);
    } catch (error) {
      problems.push((error as Error).message);
    }
    if (v.METRICS_PORT === v.HEALTH_PORT && v.METRICS_PORT !== 0 && v.METRICS_HOST !== v.HEALTH_HOST) {
      problems.push('METRICS_HOST and HEALTH_HOST differ but METRICS_PORT and HEALTH_PORT are the same port: one server cannot listen on both');
    }
  }

  if (problems.length || !parsed.success) throw new ConfigError(problems);
  const v = parsed.data;
  return {
    temporal,
    velocloud: { hosts, verifySsl: v.VELOCLOUD_VERIFY_SSL, filter, edgeFetch: v.EDGE_FETCH_ACTIVITY },
    bruin: {
      baseUrl: v.BRUIN_BASE_URL,
      loginUrl: v.BRUIN_LOGIN_URL,
      clientId: v.BRUIN_CLIENT_ID,
      clientSecret: v.BRUIN_CLIENT_SECRET,
      writeSettle: v.BRUIN_WRITE_SETTLE,
    },
    t7: v.T7_BASE_URL && v.T7_TOKEN ? { baseUrl: v.T7_BASE_URL, token: v.T7_TOKEN } : undefined,
    slack: { botToken: v.SLACK_BOT_TOKEN, channel: v.SLACK_CHANNEL, apiUrl: v.SLACK_API_URL },
    email: { smtpUrl: v.SMTP_URL, from: v.EMAIL_FROM, reportRecipients: v.REPORT_RECIPIENTS },
    mode: v.AUTOMATION_MODE,
    timezone: v.TIMEZONE,
    monitoredDevices,
    metricsPort: v.METRICS_PORT,
    healthPort: v.HEALTH_PORT,
    metricsHost: v.METRICS_HOST,
    healthHost: v.HEALTH_HOST,
    allowInsecureHttp: v.ALLOW_INSECURE_HTTP,
    schedule: {
      edgeMonitoringInterval: v.EDGE_MONITORING_INTERVAL,
      edgeReportInterval: v.EDGE_REPORT_INTERVAL,
      outageDetectorInterval: v.OUTAGE_DETECTOR_INTERVAL,
      outageQuarantine: v.OUTAGE_QUARANTINE,
      outageReportInterval: v.OUTAGE_REPORT_INTERVAL,
      serviceAffectingInterval: v.SERVICE_AFFECTING_INTERVAL,
      triageInterval: v.TRIAGE_INTERVAL,
      lastContactCron: v.LAST_CONTACT_CRON,
    },
    incidents: {
      recheckInterval: v.INCIDENT_RECHECK_INTERVAL,
      engineCreator: v.BRUIN_ENGINE_CREATOR || v.BRUIN_CLIENT_ID,
      graceDay: v.AUTO_RESOLVE_GRACE_DAY,
      graceNight: v.AUTO_RESOLVE_GRACE_NIGHT,
      dayStartHour: Number(v.AUTO_RESOLVE_DAY_HOURS.split('-')[0]),
      dayEndHour: Number(v.AUTO_RESOLVE_DAY_HOURS.split('-')[1]),
    },
    serviceAffecting: {
      latencyMs: v.SERVICE_AFFECTING_LATENCY_MS,
      packetLossPct: v.SERVICE_AFFECTING_PACKET_LOSS_PCT,
      jitterMs: v.SERVICE_AFFECTING_JITTER_MS,
      bandwidthPct: v.SERVICE_AFFECTING_BANDWIDTH_PCT,
      instabilityEvents: v.SERVICE_AFFECTING_INSTABILITY_EVENTS,
      bandwidthLookback: v.SERVICE_AFFECTING_BANDWIDTH_LOOKBACK,
      instabilityLookback: v.SERVICE_AFFECTING_INSTABILITY_LOOKBACK,
      resolveAfter: v.SERVICE_AFFECTING_RESOLVE_AFTER,
      resolveInstabilityBelow: v.SERVICE_AFFECTING_RESOLVE_INSTABILITY_BELOW,
    },
  };
}

const REDACTED = '***';

/** A copy of the configuration that is safe to print: every secret replaced. */
export function redactConfig(config: Config): unknown {
  const smtp = new URL(config.email.smtpUrl);
  if (smtp.password) smtp.password = REDACTED;
  return {
    ...config,
    temporal: redactTemporalSettings(config.temporal, REDACTED),
    velocloud: {
      ...config.velocloud,
      hosts: config.velocloud.hosts.map((h) => ({ ...h, password: REDACTED })),
    },
    bruin: { ...config.bruin, clientSecret: REDACTED },
    t7: config.t7 && { ...config.t7, token: REDACTED },
    slack: { ...config.slack, botToken: REDACTED },
    email: { ...config.email, smtpUrl: smtp.toString() },
  };
}

/** Every secret value in the configuration, for log redaction and leak tests. */
export function secretValues(config: Config): string[] {
  const smtpPassword = decodeURIComponent(new URL(config.email.smtpUrl).password);
  return [
    ...config.velocloud.hosts.map((h) => h.password),
    config.bruin.clientSecret,
    config.t7?.token,
    config.slack.botToken,
    smtpPassword,
    ...temporalSecrets(config.temporal),
  ].filter((s): s is string => Boolean(s));
}

/** Loads `.env` (if present) and the environment; on a problem prints every one and exits 1. */
export function loadConfigOrExit(env: Env = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
