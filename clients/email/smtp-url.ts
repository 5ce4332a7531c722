/**
 * SMTP_URL (`smtp://user:pass@host:port`, `smtps://…` for TLS from the first byte) as nodemailer
 * options. Parsed here rather than handed to nodemailer as a URL so its errors can never echo it.
 *
 * TLS unless asked otherwise: `smtp://` to any host that is not loopback requires STARTTLS
 * (nodemailer's requireTLS), so a server, or a machine in the middle, that drops STARTTLS gets an
 * error instead of the password in clear. Asking otherwise is explicit and the worker logs it:
 * `?requireTLS=no` (STARTTLS when offered, plaintext when not) or `?ignoreTLS=yes` (never).
 * Loopback hosts (the SMTP sandbox) default to plaintext; `?requireTLS=yes` requires it there too.
 */
import type { SMTPTransportOptions } from 'nodemailer/lib/smtp-transport';
import { isLoopbackHost } from '../loopback';

/** `implicit`: smtps://; `starttls`: STARTTLS required; `opportunistic`: STARTTLS when offered; `none`: never. */
export type SmtpTls = 'implicit' | 'starttls' | 'opportunistic' | 'none';

export interface SmtpEndpoint {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: string;
  ignoreTLS: boolean;
  requireTLS: boolean;
  tls: SmtpTls;
  loopback: boolean;
}

function flag(url: URL, name: string): boolean | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null) return undefined;
  if (/^(1|true|yes)$/i.test(raw)) return true;
  if (/^(0|false|no)$/i.test(raw)) return false;
  throw new Error(`SMTP_URL parameter ${name} must be yes or no`);
}

export function parseSmtpUrl(smtpUrl: string): SmtpEndpoint {
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw new Error('SMTP_URL is not a URL');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new Error('SMTP_URL must start with smtp:// or smtps://');
  const secure = url.protocol === 'smtps:';
  const loopback = isLoopbackHost(url.hostname);
  const askedRequire = flag(url, 'requireTLS');
  const askedIgnore = flag(url, 'ignoreTLS');
  if (askedRequire && askedIgnore) throw new Error('SMTP_URL cannot both require and ignore TLS');
  const requireTLS = !secure && (askedRequire ?? (!loopback && askedIgnore !== true));
  const ignoreTLS = !secure && !requireTLS && (askedIgnore ?? (askedRequire === false ? false : loopback));
  const tls: SmtpTls = secure ? 'implicit' : requireTLS ? 'starttls' : ignoreTLS ? 'none' : 'opportunistic';
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ignoreTLS,
    requireTLS,
    tls,
    loopback,
  };
}

export function transportOptions(endpoint: SmtpEndpoint, timeoutMs: number): SMTPTransportOptions {
  return {
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.secure,
    ignoreTLS: endpoint.ignoreTLS,
    requireTLS: endpoint.requireTLS,
    ...(endpoint.user !== undefined ? { auth: { user: endpoint.user, pass: endpoint.password ?? '' } } : {}),
    connectionTimeout: Math.min(timeoutMs, 10_000),
    greetingTimeout: Math.min(timeoutMs, 10_000),
    socketTimeout: timeoutMs,
    // Attachments are strings we build; never let a value be read as a file path or URL.
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
  };
}
