/**
 * SMTP_URL (`smtp://user:pass@host:port`, `smtps://…` for TLS from the first byte) as nodemailer
 * options. Parsed here rather than handed to nodemailer as a URL so its errors can never echo it.
 */
import type { SMTPTransportOptions } from 'nodemailer/lib/smtp-transport';

export interface SmtpEndpoint {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: string;
  /** Skip STARTTLS even when offered; loopback servers (the sandbox) need none. */
  ignoreTLS: boolean;
  requireTLS: boolean;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function parseSmtpUrl(smtpUrl: string): SmtpEndpoint {
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw new Error('SMTP_URL is not a URL');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new Error('SMTP_URL must start with smtp:// or smtps://');
  const secure = url.protocol === 'smtps:';
  const flag = (name: string) => /^(1|true|yes)$/i.test(url.searchParams.get(name) ?? '');
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    ignoreTLS: !secure && !flag('requireTLS') && (flag('ignoreTLS') || LOOPBACK.has(url.hostname)),
    requireTLS: !secure && flag('requireTLS'),
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
