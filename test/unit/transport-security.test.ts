/**
 * TLS unless asked otherwise: http:// base URLs only to loopback hosts or with
 * ALLOW_INSECURE_HTTP=yes, the worker's endpoints on loopback unless opened, and every plaintext
 * connection listed for the start-up log.
 */
import { loadConfig } from '../../config';
import { configProblems } from '../support/config';
import { plaintextConnections } from '../../config/security';
import { hostOf, isLoopbackHost } from '../../clients/loopback';

const base = {
  VELOCLOUD_CREDENTIALS: 'vco.example.net+ops+pw',
  BRUIN_BASE_URL: 'https://api.bruin.example',
  BRUIN_LOGIN_URL: 'https://id.bruin.example',
  BRUIN_CLIENT_ID: 'id',
  BRUIN_CLIENT_SECRET: 'secret',
  SLACK_BOT_TOKEN: 'xoxb-1',
  SLACK_CHANNEL: '#noc',
  SMTP_URL: 'smtp://u:p@mail.example:587',
  EMAIL_FROM: 'engine@example.com',
  REPORT_RECIPIENTS: 'noc@example.com',
  TEMPORAL_API_KEY: 'k',
};

const problemsOf = (env: Record<string, string | undefined>) => configProblems({ ...base, ...env });

describe('loopback hosts', () => {
  it.each([
    ['localhost', true],
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['app.localhost', true],
    ['10.0.0.1', false],
    ['localhost.example.com', false],
    ['128.0.0.1', false],
  ])('%s → %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });

  it('finds the host of an address', () => {
    expect([hostOf('temporal:7233'), hostOf('[::1]:7233'), hostOf('localhost')]).toEqual(['temporal', '::1', 'localhost']);
  });
});

describe('http:// base URLs', () => {
  it.each([
    ['BRUIN_BASE_URL', { BRUIN_BASE_URL: 'http://api.bruin.example' }, 'api.bruin.example'],
    ['BRUIN_LOGIN_URL', { BRUIN_LOGIN_URL: 'http://id.bruin.example:8080' }, 'id.bruin.example:8080'],
    ['T7_BASE_URL', { T7_BASE_URL: 'http://t7.example', T7_TOKEN: 't' }, 't7.example'],
    ['SLACK_API_URL', { SLACK_API_URL: 'http://slack.example/api/' }, 'slack.example'],
    ['VeloCloud vco.example.net:8443', { VELOCLOUD_CREDENTIALS: 'http://vco.example.net:8443+ops+pw' }, 'vco.example.net:8443'],
  ])('refuses %s to a host that is not loopback', (name, env, host) => {
    expect(problemsOf(env)).toContain(`${name}: http:// to ${host} would send credentials in clear; use https://, or set ALLOW_INSECURE_HTTP=yes`);
  });

  it('accepts them for loopback hosts (the sandbox), and for any host with ALLOW_INSECURE_HTTP=yes', () => {
    expect(problemsOf({ BRUIN_BASE_URL: 'http://127.0.0.1:8080/bruin', SLACK_API_URL: 'http://localhost:9000/api/', VELOCLOUD_CREDENTIALS: 'http://[::1]:81+u+p' })).toEqual([]);
    const insecure = { BRUIN_BASE_URL: 'http://api.bruin.example', T7_BASE_URL: 'http://t7.example', T7_TOKEN: 't' };
    expect(problemsOf({ ...insecure, ALLOW_INSECURE_HTTP: 'yes' })).toEqual([]);
    expect(problemsOf({ ...insecure, ALLOW_INSECURE_HTTP: 'perhaps' })).toContain('ALLOW_INSECURE_HTTP must be yes or no (got "perhaps")');
  });
});

describe('the start-up list of plaintext connections', () => {
  it('is empty when everything is TLS', () => {
    expect(plaintextConnections(loadConfig(base))).toEqual([]);
  });

  it('names each connection without TLS and why it is allowed', () => {
    const config = loadConfig({
      ...base,
      TEMPORAL_API_KEY: undefined,
      TEMPORAL_ADDRESS: 'temporal:7233',
      BRUIN_BASE_URL: 'http://api.bruin.example',
      SLACK_API_URL: 'http://127.0.0.1:9000/api/',
      ALLOW_INSECURE_HTTP: 'yes',
      VELOCLOUD_VERIFY_SSL: 'no',
      SMTP_URL: 'smtp://u:p@mail.example:587?requireTLS=no',
    });
    expect(plaintextConnections(config)).toEqual([
      'Temporal temporal:7233 without TLS (NOT loopback)',
      'BRUIN_BASE_URL http://api.bruin.example over http:// (ALLOW_INSECURE_HTTP=yes)',
      'SLACK_API_URL http://127.0.0.1:9000 over http:// (loopback)',
      'VeloCloud certificates are not verified (VELOCLOUD_VERIFY_SSL=no)',
      'SMTP mail.example:587 with STARTTLS only if the server offers it (asked for in SMTP_URL)',
    ]);
  });

  it('counts the SMTP sandbox on loopback, which offers no STARTTLS', () => {
    const config = loadConfig({ ...base, SMTP_URL: 'smtp://u:p@127.0.0.1:2525' });
    expect(plaintextConnections(config)).toEqual(['SMTP 127.0.0.1:2525 without TLS (loopback)']);
  });
});

describe('worker endpoints', () => {
  it('listen on loopback by default, where the operator says otherwise', () => {
    expect(loadConfig(base)).toMatchObject({ metricsHost: '127.0.0.1', healthHost: '127.0.0.1' });
    expect(loadConfig({ ...base, METRICS_HOST: '0.0.0.0', HEALTH_HOST: '::' })).toMatchObject({ metricsHost: '0.0.0.0', healthHost: '::' });
  });

  it('refuses two hosts for one port, and a host that is not one', () => {
    expect(problemsOf({ METRICS_PORT: '9000', HEALTH_PORT: '9000', METRICS_HOST: '0.0.0.0' })).toContain(
      'METRICS_HOST and HEALTH_HOST differ but METRICS_PORT and HEALTH_PORT are the same port: one server cannot listen on both',
    );
    expect(problemsOf({ METRICS_HOST: 'http://x' })).toContain('METRICS_HOST must be an interface address or host name such as 127.0.0.1 or 0.0.0.0');
  });
});
