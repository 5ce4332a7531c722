/**
 * The Temporal connection, read the way every Temporal tool reads it: the SDK's
 * `@temporalio/envconfig` loads the profile file (TEMPORAL_CONFIG_FILE, else
 * ~/.config/temporalio/temporal.toml; profile TEMPORAL_PROFILE, else `default`) and lays the
 * standard variables over it (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS,
 * TEMPORAL_TLS_CLIENT_CERT_PATH/_DATA, TEMPORAL_TLS_CLIENT_KEY_PATH/_DATA,
 * TEMPORAL_TLS_SERVER_CA_CERT_PATH/_DATA, TEMPORAL_TLS_SERVER_NAME, TEMPORAL_GRPC_META_*).
 * SPEC §5's TEMPORAL_TLS_CERT/_KEY/_CA stay as other names for the three *_PATH variables.
 *
 * What it means (envconfig's own rules, checked here so start-up says what is wrong):
 *   API key              → TLS on (system roots unless a CA is given); the key is a bearer token
 *   CA alone             → TLS that verifies the server against that CA
 *   cert + key (+ CA)    → mutual TLS
 *   cert without key, key without cert, TEMPORAL_TLS=false with an API key or TLS files → a problem
 *   nothing              → plaintext (a local dev server); the worker says so at start-up
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadClientConfigProfile, type ClientConfigProfile, type ConfigDataSource } from '@temporalio/envconfig';
import { parseCodecKeys, type CodecKey } from './codec-keys';

export type TemporalTransport = 'plaintext' | 'tls' | 'mtls';

export interface TemporalSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  /** The client profile envconfig loaded, address and namespace filled in: what connections are made from. */
  profile: ClientConfigProfile;
  transport: TemporalTransport;
  /** Payload codec keys (TEMPORAL_CODEC_KEYS); none: payloads are stored in clear. */
  codecKeys: CodecKey[];
}

/** SPEC §5 names → the standard names envconfig reads. */
const SPEC_NAMES = {
  TEMPORAL_TLS_CERT: 'TEMPORAL_TLS_CLIENT_CERT_PATH',
  TEMPORAL_TLS_KEY: 'TEMPORAL_TLS_CLIENT_KEY_PATH',
  TEMPORAL_TLS_CA: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
} as const;

/** Every fixed-name variable read here (TEMPORAL_GRPC_META_<header> are read by prefix). */
export const TEMPORAL_VARIABLES = [
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_TASK_QUEUE',
  'TEMPORAL_PROFILE',
  'TEMPORAL_CONFIG_FILE',
  'TEMPORAL_API_KEY',
  'TEMPORAL_TLS',
  'TEMPORAL_TLS_CERT',
  'TEMPORAL_TLS_KEY',
  'TEMPORAL_TLS_CA',
  'TEMPORAL_TLS_CLIENT_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_CERT_DATA',
  'TEMPORAL_TLS_CLIENT_KEY_PATH',
  'TEMPORAL_TLS_CLIENT_KEY_DATA',
  'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  'TEMPORAL_TLS_SERVER_CA_CERT_DATA',
  'TEMPORAL_TLS_SERVER_NAME',
  'TEMPORAL_CODEC_KEYS',
] as const;

/** The Temporal variables whose values are secrets. */
export const TEMPORAL_SECRET_VARIABLES = ['TEMPORAL_API_KEY', 'TEMPORAL_TLS_CLIENT_KEY_DATA', 'TEMPORAL_CODEC_KEYS'] as const;

type Env = Record<string, string | undefined>;

/** What envconfig reads besides TEMPORAL_*: where the default profile file is. */
const LOCATION_VARIABLES = ['HOME', 'XDG_CONFIG_HOME', 'APPDATA'];

function standardEnv(env: Env, problems: string[]): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const trimmed = value?.trim();
    // Compose passes unset variables as empty strings: empty means unset, as in SPEC §5.
    if (trimmed && (name.startsWith('TEMPORAL_') || LOCATION_VARIABLES.includes(name))) vars[name] = trimmed;
  }
  for (const [specName, standard] of Object.entries(SPEC_NAMES)) {
    const value = vars[specName];
    if (!value) continue;
    if (vars[standard] && vars[standard] !== value) problems.push(`${specName} and ${standard} name different files: set one of them`);
    else vars[standard] = value;
    delete vars[specName];
  }
  const tls = vars.TEMPORAL_TLS?.toLowerCase();
  if (tls !== undefined) {
    // envconfig reads anything but 1/true as false: TEMPORAL_TLS=yes must not mean plaintext.
    if (['1', 'true', 'yes'].includes(tls)) vars.TEMPORAL_TLS = 'true';
    else if (['0', 'false', 'no'].includes(tls)) vars.TEMPORAL_TLS = 'false';
    else {
      problems.push(`TEMPORAL_TLS must be true or false (got "${vars.TEMPORAL_TLS}")`);
      delete vars.TEMPORAL_TLS;
    }
  }
  if (vars.TEMPORAL_CONFIG_FILE && !existsSync(vars.TEMPORAL_CONFIG_FILE)) {
    problems.push(`TEMPORAL_CONFIG_FILE: no file ${vars.TEMPORAL_CONFIG_FILE}`);
  }
  return vars;
}

function unreadable(source: ConfigDataSource | undefined): string | undefined {
  if (!source || !('path' in source)) return undefined;
  try {
    readFileSync(source.path);
    return undefined;
  } catch (error) {
    return `cannot read ${source.path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
}

export function loadTemporalSettings(env: Env, taskQueue: string, problems: string[]): TemporalSettings {
  const vars = standardEnv(env, problems);
  let profile: ClientConfigProfile = {};
  try {
    profile = loadClientConfigProfile({ overrideEnvVars: vars });
  } catch (error) {
    problems.push(`Temporal client profile: ${(error as Error).message}`);
  }
  const address = profile.address?.trim() || 'localhost:7233';
  const namespace = profile.namespace?.trim() || 'default';
  const tls = profile.tls;
  if (Boolean(tls?.clientCert) !== Boolean(tls?.clientKey)) {
    problems.push(
      'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together: a client certificate needs its key ' +
        '(also TEMPORAL_TLS_CLIENT_CERT_* with TEMPORAL_TLS_CLIENT_KEY_*, or client_cert_* with client_key_* in a profile)',
    );
  }
  for (const [what, source] of [
    ['client certificate', tls?.clientCert],
    ['client key', tls?.clientKey],
    ['server CA certificate', tls?.serverCACert],
  ] as const) {
    const problem = unreadable(source);
    if (problem) problems.push(`Temporal TLS ${what}: ${problem}`);
  }
  if (tls?.disabled) {
    if (profile.apiKey) problems.push('TEMPORAL_API_KEY is set but TEMPORAL_TLS=false: the key would travel in clear; remove TEMPORAL_TLS=false');
    if (tls.clientCert || tls.clientKey || tls.serverCACert) problems.push('TEMPORAL_TLS=false contradicts the TLS certificate files that are set');
  }
  const transport: TemporalTransport =
    tls?.disabled === true ? 'plaintext' : tls?.clientCert && tls.clientKey ? 'mtls' : tls || profile.apiKey ? 'tls' : 'plaintext';
  return {
    address,
    namespace,
    taskQueue,
    profile: { ...profile, address, namespace },
    transport,
    codecKeys: parseCodecKeys(vars.TEMPORAL_CODEC_KEYS, problems),
  };
}

/** The secret values of the Temporal settings: the API key, key material given inline, gRPC metadata, codec keys. */
export function temporalSecrets(settings: TemporalSettings): string[] {
  const inlineKey = settings.profile.tls?.clientKey;
  return [
    settings.profile.apiKey,
    inlineKey && 'data' in inlineKey ? Buffer.from(inlineKey.data).toString('utf8') : undefined,
    ...Object.values(settings.profile.grpcMeta ?? {}),
    ...settings.codecKeys.map((k) => k.key.toString('base64')),
  ].filter((s): s is string => Boolean(s));
}

/** The settings safe to print: the API key, inline key material, metadata values and codec keys replaced. */
export function redactTemporalSettings(settings: TemporalSettings, redacted: string): unknown {
  const { profile } = settings;
  const tls = profile.tls && {
    ...profile.tls,
    ...(profile.tls.clientKey && 'data' in profile.tls.clientKey ? { clientKey: { data: redacted } } : {}),
  };
  return {
    ...settings,
    profile: {
      ...profile,
      ...(profile.apiKey ? { apiKey: redacted } : {}),
      ...(tls ? { tls } : {}),
      ...(profile.grpcMeta ? { grpcMeta: Object.fromEntries(Object.keys(profile.grpcMeta).map((k) => [k, redacted])) } : {}),
    },
    codecKeys: settings.codecKeys.map((k) => ({ id: k.id, key: redacted })),
  };
}
