/**
 * TLS unless asked otherwise. Credentials travel to Bruin, T7, Slack and the orchestrators with
 * every call, so an `http://` base URL is accepted only for a loopback host (the sandbox) or with
 * ALLOW_INSECURE_HTTP=yes; every plaintext connection the configuration leads to is listed at
 * start-up (`plaintextConnections`), so none is silent.
 */
import { hostOf, isLoopbackHost } from '../clients/loopback';
import { parseSmtpUrl } from '../clients/email/smtp-url';
import type { Config } from './index';

/** A problem for each `http://` URL to a host that is not loopback, unless insecure HTTP is allowed. */
export function insecureUrlProblems(urls: ReadonlyArray<readonly [string, string | undefined]>, allowInsecureHttp: boolean): string[] {
  if (allowInsecureHttp) return [];
  return urls.flatMap(([name, url]) => {
    if (!url || !URL.canParse(url)) return [];
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' || isLoopbackHost(parsed.hostname)) return [];
    return [`${name}: http:// to ${parsed.host} would send credentials in clear; use https://, or set ALLOW_INSECURE_HTTP=yes`];
  });
}

interface HttpSettings {
  bruin: { baseUrl: string; loginUrl: string };
  t7?: { baseUrl: string };
  slack: { apiUrl?: string };
  velocloud: { hosts: ReadonlyArray<{ host: string; baseUrl: string }> };
}

/** The HTTP base URLs the configuration sends credentials to, by the variable they come from. */
export function httpEndpoints(config: HttpSettings): Array<[string, string | undefined]> {
  return [
    ['BRUIN_BASE_URL', config.bruin.baseUrl],
    ['BRUIN_LOGIN_URL', config.bruin.loginUrl],
    ['T7_BASE_URL', config.t7?.baseUrl],
    ['SLACK_API_URL', config.slack.apiUrl],
    ...config.velocloud.hosts.map((h): [string, string] => [`VeloCloud ${h.host}`, h.baseUrl]),
  ];
}

/** Every connection that is not protected by verified TLS, in words, for the start-up log. */
export function plaintextConnections(config: Config): string[] {
  const found: string[] = [];
  const where = (host: string) => (isLoopbackHost(host) ? 'loopback' : 'NOT loopback');
  if (config.temporal.transport === 'plaintext') {
    found.push(`Temporal ${config.temporal.address} without TLS (${where(hostOf(config.temporal.address))})`);
  }
  for (const [name, url] of httpEndpoints(config)) {
    if (!url) continue;
    const parsed = new URL(url);
    if (parsed.protocol === 'http:') {
      found.push(`${name} ${parsed.origin} over http:// (${isLoopbackHost(parsed.hostname) ? 'loopback' : 'ALLOW_INSECURE_HTTP=yes'})`);
    }
  }
  if (!config.velocloud.verifySsl) found.push('VeloCloud certificates are not verified (VELOCLOUD_VERIFY_SSL=no)');
  const smtp = parseSmtpUrl(config.email.smtpUrl);
  if (smtp.tls === 'none' || smtp.tls === 'opportunistic') {
    const how = smtp.tls === 'none' ? 'without TLS' : 'with STARTTLS only if the server offers it';
    found.push(`SMTP ${smtp.host}:${smtp.port} ${how} (${smtp.loopback ? 'loopback' : 'asked for in SMTP_URL'})`);
  }
  return found;
}
