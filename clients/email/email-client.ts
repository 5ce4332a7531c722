/**
 * Sends report e-mails over SMTP with one attempt per call; a failure goes back to Temporal as an
 * ExternalCallError (4xx and connection trouble retryable, 5xx and bad addresses not).
 */
import { createTransport, type Transporter } from 'nodemailer';
import { ExternalCallError } from '../errors';
import { emailCallError } from './errors';
import { parseSmtpUrl, transportOptions } from './smtp-url';

export interface EmailClientOptions {
  /** `smtp://user:pass@host:port`, or `smtps://` for TLS from the start. */
  smtpUrl: string;
  from: string;
  timeoutMs?: number;
}

export interface EmailAttachment {
  filename: string;
  content: string;
  /** Defaults from the file name, e.g. `text/csv` for `.csv`. */
  contentType?: string;
}

export interface Email {
  to: string[];
  subject: string;
  html: string;
  /** The plain-text part for clients that do not show HTML. */
  text: string;
  attachments?: EmailAttachment[];
  /**
   * A Message-ID derived from the business key (`<outage-report-…@automation-engine>`), so a
   * send that Temporal retries after it actually went through is recognisable as the same mail.
   */
  messageId?: string;
}

export interface SentEmail {
  messageId: string;
  accepted: string[];
  /** Recipients the server refused while taking the rest. */
  rejected: string[];
}

const CALL = 'send';
/** Deliberately plain: one `@`, no spaces, commas or angle brackets that could smuggle in another address. */
const MAILBOX = /^[^\s@<>,;"()[\]\\]+@[^\s@<>,;"()[\]\\]+\.[^\s@<>,;"()[\]\\]+$/;

export class EmailClient {
  private readonly transport: Transporter;
  private readonly target: string;
  private readonly secrets: string[];

  constructor(private readonly options: EmailClientOptions) {
    const endpoint = parseSmtpUrl(options.smtpUrl);
    this.target = `${endpoint.host}:${endpoint.port}`;
    this.secrets = endpoint.password ? [endpoint.password] : [];
    this.transport = createTransport(transportOptions(endpoint, options.timeoutMs ?? 30_000));
  }

  async send(email: Email): Promise<SentEmail> {
    const invalid = [senderAddress(this.options.from), ...email.to].filter((address) => !MAILBOX.test(address));
    if (email.to.length === 0 || invalid.length > 0) {
      throw new ExternalCallError({
        system: 'email',
        call: CALL,
        target: this.target,
        kind: 'non-retryable',
        message: email.to.length === 0 ? 'no recipients' : `invalid address ${invalid.map((a) => JSON.stringify(a)).join(', ')}`,
      });
    }
    try {
      const info = (await this.transport.sendMail({
        from: this.options.from,
        to: email.to,
        subject: email.subject,
        ...(email.messageId ? { messageId: email.messageId } : {}),
        html: email.html,
        text: email.text,
        attachments: (email.attachments ?? []).map((a) => ({
          filename: a.filename,
          content: a.content,
          ...(a.contentType ? { contentType: a.contentType } : {}),
        })),
      })) as { messageId: string; accepted: (string | { address: string })[]; rejected: (string | { address: string })[] };
      return { messageId: info.messageId, accepted: info.accepted.map(addressOf), rejected: info.rejected.map(addressOf) };
    } catch (error) {
      throw emailCallError(error, { call: CALL, target: this.target, secrets: this.secrets });
    }
  }

  close(): void {
    this.transport.close();
  }
}

/** `Automation Engine <engine@example.com>` or a bare address. */
function senderAddress(from: string): string {
  return /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from;
}

function addressOf(entry: string | { address: string }): string {
  return typeof entry === 'string' ? entry : entry.address;
}
