import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, redactConfig, secretValues } from '../../config';
import { configProblems, testConfig } from '../support/config';

const CODEC_KEY = 'k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';

const valid = {
  VELOCLOUD_CREDENTIALS: 'mettel.velocloud.net+ops@x.com+pa+ss;http://127.0.0.1:8101+u2+p2',
  BRUIN_BASE_URL: 'https://api.bruin.example',
  BRUIN_LOGIN_URL: 'https://id.bruin.example',
  BRUIN_CLIENT_ID: 'id',
  BRUIN_CLIENT_SECRET: 'bruin-s3cret',
  SLACK_BOT_TOKEN: 'xoxb-1',
  SLACK_CHANNEL: '#noc',
  SMTP_URL: 'smtp://u:mail-pass@mail.example:25',
  EMAIL_FROM: 'engine@example.com',
  REPORT_RECIPIENTS: 'a@example.com, b@example.com',
};

const problemsOf = configProblems;

describe('configuration', () => {
  it('applies the defaults of SPEC §5', () => {
    const config = loadConfig(valid);
    expect(config.temporal).toEqual({
      address: 'localhost:7233',
      namespace: 'default',
      taskQueue: 'automation-engine',
      profile: { address: 'localhost:7233', namespace: 'default' },
      transport: 'plaintext',
      codecKeys: [],
    });
    expect([config.metricsHost, config.healthHost]).toEqual(['127.0.0.1', '127.0.0.1']);
    expect(config.allowInsecureHttp).toBe(false);
    expect(config.mode).toBe('dry-run');
    expect(config.timezone).toBe('US/Eastern');
    expect(config.metricsPort).toBe(9464);
    expect(config.schedule.edgeMonitoringInterval).toBe(120_000);
    expect(config.schedule.outageDetectorInterval).toBe(40 * 60_000);
    expect(config.schedule.lastContactCron).toBe('0 8 1 * *');
    expect(config.email.reportRecipients).toEqual(['a@example.com', 'b@example.com']);
  });

  it('parses VeloCloud credentials with bare hosts and base URLs, passwords containing +', () => {
    const { hosts } = loadConfig(valid).velocloud;
    expect(hosts).toEqual([
      {
        host: 'mettel.velocloud.net',
        baseUrl: 'https://mettel.velocloud.net/portal/rest',
        portalUrl: 'https://mettel.velocloud.net',
        username: 'ops@x.com',
        password: 'pa+ss',
      },
      { host: '127.0.0.1:8101', baseUrl: 'http://127.0.0.1:8101/portal/rest', portalUrl: 'http://127.0.0.1:8101', username: 'u2', password: 'p2' },
    ]);
  });

  it('reads VELOCLOUD_HOSTS_FILE and monitored devices from JSON files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'hosts.json'), JSON.stringify([{ host: 'vco1', url: 'http://127.0.0.1:9000', username: 'u', password: 'p' }]));
    const device = { serial: 'VC05200028729', host: 'vco1', enterpriseId: 1, edgeId: 2, contact: { name: 'Ann', email: 'ann@example.com', phone: '555' } };
    writeFileSync(join(dir, 'devices.json'), JSON.stringify([device]));
    const config = loadConfig({
      ...valid,
      VELOCLOUD_CREDENTIALS: undefined,
      VELOCLOUD_HOSTS_FILE: join(dir, 'hosts.json'),
      MONITORED_DEVICES_FILE: join(dir, 'devices.json'),
    });
    expect(config.velocloud.hosts[0]).toMatchObject({ host: 'vco1', baseUrl: 'http://127.0.0.1:9000/portal/rest' });
    expect(config.monitoredDevices).toEqual([device]);
  });

  it.each([
    ['a missing required variable', { BRUIN_CLIENT_SECRET: undefined }, 'BRUIN_CLIENT_SECRET is required'],
    ['no orchestrators', { VELOCLOUD_CREDENTIALS: undefined }, 'VELOCLOUD_CREDENTIALS or VELOCLOUD_HOSTS_FILE is required'],
    ['a credentials entry without password', { VELOCLOUD_CREDENTIALS: 'host+user' }, 'VELOCLOUD_CREDENTIALS entry 1 must look like host+user+password'],
    ['a bad mode', { AUTOMATION_MODE: 'live' }, 'AUTOMATION_MODE must be dry-run or production'],
    ['a bad time zone', { TIMEZONE: 'Mars/Olympus' }, 'TIMEZONE must be an IANA time zone such as US/Eastern'],
    ['a bad duration', { OUTAGE_QUARANTINE: 'ten minutes' }, 'OUTAGE_QUARANTINE must be a duration like 30s, 10m or 1h (got "ten minutes")'],
    ['a bad port', { METRICS_PORT: '70000' }, 'METRICS_PORT must be between 0 and 65535'],
    ['a bad recipient', { REPORT_RECIPIENTS: 'noc@example.com,not-an-address' }, 'REPORT_RECIPIENTS has an invalid address "not-an-address"'],
    ['a bad SMTP scheme', { SMTP_URL: 'http://mail' }, 'SMTP_URL must start with smtp:// or smtps://'],
    [
      'half a TLS pair',
      { TEMPORAL_TLS_CERT: '/x.pem' },
      'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together: a client certificate needs its key (also TEMPORAL_TLS_CLIENT_CERT_* with TEMPORAL_TLS_CLIENT_KEY_*, or client_cert_* with client_key_* in a profile)',
    ],
    ['T7 without token', { T7_BASE_URL: 'https://t7' }, 'T7_BASE_URL and T7_TOKEN must be set together (or neither, to triage without predictions)'],
    ['a bad cron', { LAST_CONTACT_CRON: '0 8 1' }, 'LAST_CONTACT_CRON must be a 5-field cron expression (minute hour day month weekday)'],
    ['a filter on an unknown host', { VELOCLOUD_FILTER: 'other.net=1' }, 'VELOCLOUD_FILTER names host "other.net", which is not among the configured orchestrators'],
  ])('rejects %s with a message naming it', (_case, change, message) => {
    expect(problemsOf({ ...valid, ...change })).toContain(message);
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({ ...valid, SLACK_CHANNEL: '', EMAIL_FROM: 'nope', TIMEZONE: 'x/y', BRUIN_LOGIN_URL: 'not a url' });
    expect(problems).toHaveLength(4);
  });

  it('names the bad monitored-device entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'devices.json'), JSON.stringify([{ serial: 'VC1', host: 'h', enterpriseId: 'one', edgeId: 2, contact: { name: 'A', email: 'a@example.com', phone: '1' } }]));
    expect(problemsOf({ ...valid, MONITORED_DEVICES_FILE: join(dir, 'devices.json') }).join('\n')).toMatch(
      /MONITORED_DEVICES_FILE entry 1 \(serial VC1\): enterpriseId/,
    );
  });

  it('redacts every secret when printed', () => {
    const config = loadConfig({
      ...valid,
      T7_BASE_URL: 'https://t7',
      T7_TOKEN: 't7-token-9',
      TEMPORAL_API_KEY: 'temporal-api-key-1',
      TEMPORAL_GRPC_META_X_TENANT: 'tenant-secret',
      TEMPORAL_CODEC_KEYS: CODEC_KEY,
    });
    const printed = JSON.stringify(redactConfig(config));
    expect(secretValues(config).sort()).toEqual(
      ['bruin-s3cret', 'mail-pass', 'p2', 'pa+ss', 't7-token-9', 'xoxb-1', 'temporal-api-key-1', 'tenant-secret', CODEC_KEY.slice(3)].sort(),
    );
    for (const secret of secretValues(config)) expect(printed).not.toContain(secret);
    expect(printed).toContain('mettel.velocloud.net');
  });

  it('test configuration is valid', () => {
    expect(() => testConfig()).not.toThrow();
  });
});
