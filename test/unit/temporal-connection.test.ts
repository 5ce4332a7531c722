/**
 * The Temporal connection as every Temporal tool reads it (@temporalio/envconfig): standard
 * variables over a temporal.toml profile, and what each combination means for the connection.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config';
import { configProblems } from '../support/config';
import { connectionOptions } from '../../clients/temporal/connection';

const dir = mkdtempSync(join(tmpdir(), 'temporal-conn-'));
const file = (name: string, content = `-----BEGIN ${name}-----\n`) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const CA = file('ca.pem');
const CERT = file('client.pem');
const KEY = file('client.key');

const base = {
  VELOCLOUD_CREDENTIALS: 'vco.example.net+ops+pw',
  BRUIN_BASE_URL: 'https://api.bruin.example',
  BRUIN_LOGIN_URL: 'https://id.bruin.example',
  BRUIN_CLIENT_ID: 'id',
  BRUIN_CLIENT_SECRET: 'secret',
  SLACK_BOT_TOKEN: 'xoxb-1',
  SLACK_CHANNEL: '#noc',
  SMTP_URL: 'smtps://u:p@mail.example',
  EMAIL_FROM: 'engine@example.com',
  REPORT_RECIPIENTS: 'noc@example.com',
};

const problemsOf = (env: Record<string, string | undefined>) => configProblems({ ...base, ...env });

const temporalOf = (env: Record<string, string | undefined>) => loadConfig({ ...base, ...env }).temporal;

describe('Temporal connection', () => {
  it('nothing configured: plaintext to localhost:7233 (a local dev server)', () => {
    const settings = temporalOf({});
    expect(settings).toMatchObject({ address: 'localhost:7233', namespace: 'default', transport: 'plaintext' });
    expect(connectionOptions(settings)).toEqual({ address: 'localhost:7233', apiKey: undefined, tls: undefined, metadata: undefined });
  });

  it('an API key turns TLS on (system roots) and is sent as the bearer token', () => {
    const settings = temporalOf({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'ns.acct', TEMPORAL_API_KEY: 'key-123' });
    expect(settings).toMatchObject({ address: 'ns.acct.tmprl.cloud:7233', namespace: 'ns.acct', transport: 'tls' });
    expect(connectionOptions(settings)).toMatchObject({ address: 'ns.acct.tmprl.cloud:7233', apiKey: 'key-123', tls: true });
  });

  it('a CA alone: TLS that verifies the server against it, no client certificate', () => {
    const settings = temporalOf({ TEMPORAL_TLS_CA: CA });
    expect(settings.transport).toBe('tls');
    const tls = connectionOptions(settings).tls as { serverRootCACertificate?: Uint8Array; clientCertPair?: unknown };
    expect(Buffer.from(tls.serverRootCACertificate!).toString()).toContain('BEGIN ca.pem');
    expect(tls.clientCertPair).toBeUndefined();
  });

  it('certificate and key: mutual TLS, by SPEC §5 names or the standard ones', () => {
    for (const env of [
      { TEMPORAL_TLS_CERT: CERT, TEMPORAL_TLS_KEY: KEY, TEMPORAL_TLS_CA: CA },
      { TEMPORAL_TLS_CLIENT_CERT_PATH: CERT, TEMPORAL_TLS_CLIENT_KEY_PATH: KEY, TEMPORAL_TLS_SERVER_CA_CERT_PATH: CA },
    ]) {
      const settings = temporalOf(env);
      expect(settings.transport).toBe('mtls');
      const tls = connectionOptions(settings).tls as { clientCertPair: { crt: Uint8Array; key: Uint8Array } };
      expect(Buffer.from(tls.clientCertPair.crt).toString()).toContain('client.pem');
      expect(Buffer.from(tls.clientCertPair.key).toString()).toContain('client.key');
    }
  });

  it.each([
    ['a certificate without its key', { TEMPORAL_TLS_CERT: CERT }],
    ['a key without its certificate', { TEMPORAL_TLS_CLIENT_KEY_PATH: KEY }],
    ['inline key data without a certificate', { TEMPORAL_TLS_CLIENT_KEY_DATA: '-----BEGIN KEY-----' }],
  ])('refuses %s at start-up, with the other problems', (_case, env) => {
    const problems = problemsOf({ ...env, SLACK_CHANNEL: '' });
    expect(problems).toContain(
      'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together: a client certificate needs its key (also TEMPORAL_TLS_CLIENT_CERT_* with TEMPORAL_TLS_CLIENT_KEY_*, or client_cert_* with client_key_* in a profile)',
    );
    expect(problems).toContain('SLACK_CHANNEL is required');
  });

  it.each([
    ['an API key with TLS turned off', { TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' }, 'TEMPORAL_API_KEY is set but TEMPORAL_TLS=false: the key would travel in clear; remove TEMPORAL_TLS=false'],
    ['TLS files with TLS turned off', { TEMPORAL_TLS_CA: CA, TEMPORAL_TLS: 'no' }, 'TEMPORAL_TLS=false contradicts the TLS certificate files that are set'],
    ['an unreadable CA file', { TEMPORAL_TLS_CA: join(dir, 'missing.pem') }, `Temporal TLS server CA certificate: cannot read ${join(dir, 'missing.pem')}: ENOENT`],
    ['a TEMPORAL_TLS that is neither true nor false', { TEMPORAL_TLS: 'maybe' }, 'TEMPORAL_TLS must be true or false (got "maybe")'],
    ['two names for the client certificate that disagree', { TEMPORAL_TLS_CERT: CERT, TEMPORAL_TLS_CLIENT_CERT_PATH: CA, TEMPORAL_TLS_KEY: KEY }, 'TEMPORAL_TLS_CERT and TEMPORAL_TLS_CLIENT_CERT_PATH name different files: set one of them'],
    ['a missing profile file', { TEMPORAL_CONFIG_FILE: join(dir, 'none.toml') }, `TEMPORAL_CONFIG_FILE: no file ${join(dir, 'none.toml')}`],
  ])('refuses %s', (_case, env, message) => {
    expect(problemsOf(env)).toContain(message);
  });

  it('TEMPORAL_TLS=true (or yes) with nothing else: TLS with the system roots', () => {
    for (const value of ['true', 'yes', '1']) {
      const settings = temporalOf({ TEMPORAL_TLS: value });
      expect(settings.transport).toBe('tls');
      expect(connectionOptions(settings).tls).toEqual({ serverNameOverride: undefined, serverRootCACertificate: undefined, clientCertPair: undefined });
    }
  });

  it('reads a temporal.toml profile, with the variables laid over it', () => {
    const toml = file(
      'temporal.toml',
      [
        '[profile.default]',
        'address = "localhost:7233"',
        '[profile.cloud]',
        'address = "prod.a1b2c.tmprl.cloud:7233"',
        'namespace = "prod.a1b2c"',
        'api_key = "from-profile"',
        '[profile.cloud.grpc_meta]',
        'x-tenant = "noc"',
        '[profile.mtls]',
        'address = "temporal.internal:7233"',
        '[profile.mtls.tls]',
        `client_cert_path = "${CERT}"`,
        `client_key_path = "${KEY}"`,
        `server_ca_cert_path = "${CA}"`,
        'server_name = "temporal.internal"',
      ].join('\n'),
    );
    const cloud = temporalOf({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'cloud' });
    expect(cloud).toMatchObject({ address: 'prod.a1b2c.tmprl.cloud:7233', namespace: 'prod.a1b2c', transport: 'tls' });
    expect(connectionOptions(cloud)).toMatchObject({ apiKey: 'from-profile', tls: true, metadata: { 'x-tenant': 'noc' } });
    // A variable beats the profile, as for the temporal CLI.
    expect(connectionOptions(temporalOf({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'cloud', TEMPORAL_API_KEY: 'from-env' })).apiKey).toBe('from-env');
    const mtls = temporalOf({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'mtls' });
    expect(mtls.transport).toBe('mtls');
    expect(connectionOptions(mtls).tls).toMatchObject({ serverNameOverride: 'temporal.internal' });
    // The default profile when none is named; an unknown one is a problem.
    expect(temporalOf({ TEMPORAL_CONFIG_FILE: toml }).transport).toBe('plaintext');
    expect(problemsOf({ TEMPORAL_CONFIG_FILE: toml, TEMPORAL_PROFILE: 'nope' })).toContain("Temporal client profile: Profile 'nope' not found in config data");
  });

  it('reads the default profile file from the user configuration directory, as the CLI does', () => {
    const home = mkdtempSync(join(tmpdir(), 'home-'));
    const config = join(home, '.config', 'temporalio');
    mkdirSync(config, { recursive: true });
    writeFileSync(join(config, 'temporal.toml'), '[profile.default]\naddress = "temporal.corp:7233"\nnamespace = "noc"\n');
    expect(temporalOf({ HOME: home })).toMatchObject({ address: 'temporal.corp:7233', namespace: 'noc' });
  });

  it('treats empty variables (compose passes unset ones so) as unset', () => {
    const settings = temporalOf({ TEMPORAL_ADDRESS: '', TEMPORAL_API_KEY: '', TEMPORAL_TLS: '', TEMPORAL_TLS_CERT: '', TEMPORAL_CODEC_KEYS: '' });
    expect(settings).toMatchObject({ address: 'localhost:7233', transport: 'plaintext', codecKeys: [] });
  });
});
