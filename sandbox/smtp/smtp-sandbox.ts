/**
 * A loopback SMTP server that keeps every message it accepts, parsed, so tests and people can read
 * what the engine sent; and can turn messages away with the replies a real relay gives.
 *
 * SMTP on 127.0.0.1 (AUTH PLAIN/LOGIN without TLS; the configured user/password when given).
 * HTTP beside it:
 *   GET    /__admin/messages      parsed messages, oldest first
 *   DELETE /__admin/messages      forget them
 *   GET    /__admin/smtp-faults   the rejections in force
 *   PUT    /__admin/smtp-faults   {rejectNext, code, message, rejectRecipients, holdAnswerAfterCommitMs}
 *                                 (see SmtpFaults)
 *   GET    /ui                    the messages for people, newest first
 * plus the admin routes every sandbox has (`POST /__admin/reset` clears messages and faults).
 */
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { SandboxServer } from '../server';
import { renderMailboxPage } from './ui';

export interface SmtpSandboxOptions {
  smtpPort?: number;
  httpPort?: number;
  /** When given, senders must log in with these; otherwise any login (or none) is taken. */
  user?: string;
  password?: string;
}

export interface ReceivedAttachment {
  filename: string;
  contentType: string;
  content: string;
}

export interface ReceivedEmail {
  /** The From header as written, e.g. `Engine <engine@example.com>`. */
  from: string;
  /** Envelope recipients: who the message was actually delivered to. */
  to: string[];
  subject: string;
  text: string;
  html: string;
  attachments: ReceivedAttachment[];
  messageId?: string;
  /** The user that logged in, if any. */
  user?: string;
  receivedAt: string;
}

export interface SmtpFaults {
  /** Turn away this many of the next messages at the end of DATA. */
  rejectNext: number;
  /** 4xx: try again later; 5xx: permanent. */
  code: number;
  message: string;
  /** Recipients refused at RCPT TO with 550 (mailbox unavailable). */
  rejectRecipients: string[];
  /**
   * Keep each message (it is in the mailbox) and send the 250 reply to DATA this much later: the
   * window in which a sender that dies or gives up cannot know the mail went out.
   */
  holdAnswerAfterCommitMs: number;
}

const NO_SMTP_FAULTS: SmtpFaults = { rejectNext: 0, code: 451, message: 'Sandbox: try again later', rejectRecipients: [], holdAnswerAfterCommitMs: 0 };

interface Waiter {
  count: number;
  resolve: () => void;
}

export class SmtpSandbox extends SandboxServer {
  smtpFaults: SmtpFaults = { ...NO_SMTP_FAULTS };
  /** SMTP connections opened since start or the last reset, to prove a client did not call. */
  connections = 0;
  private readonly inbox: ReceivedEmail[] = [];
  private readonly smtp: SMTPServer;
  private waiters: Waiter[] = [];
  private smtpPort?: number;
  /** Aborted to send every held reply at once (reset, stop). */
  private holds = new AbortController();

  constructor(private readonly smtpOptions: SmtpSandboxOptions = {}) {
    super('smtp', { port: smtpOptions.httpPort, recordBodies: false });
    this.smtp = new SMTPServer({
      name: 'smtp.sandbox.local',
      banner: 'Automation Engine SMTP sandbox',
      logger: false,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      authOptional: smtpOptions.user === undefined,
      size: 20 * 1024 * 1024,
      // Sockets left open by a client would otherwise hold stop() for the default 30 s.
      closeTimeout: 1000,
      onConnect: (_session, callback) => {
        this.connections += 1;
        callback();
      },
      onAuth: (auth, _session, callback) => {
        const { user, password } = this.smtpOptions;
        if (user !== undefined && (auth.username !== user || auth.password !== password)) {
          callback(new Error('Invalid username or password'));
          return;
        }
        callback(null, { user: auth.username });
      },
      onRcptTo: (address, _session, callback) => {
        if (this.smtpFaults.rejectRecipients.includes(address.address.toLowerCase())) {
          callback(smtpReply(550, `Mailbox ${address.address} unavailable`));
          return;
        }
        callback();
      },
      onData: (stream, session, callback) => {
        this.receive(stream, session).then(
          () => callback(),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      },
    });
    // A client dropping the connection is normal traffic here, not a reason to crash the test.
    this.smtp.on('error', () => undefined);
  }

  get smtpUrl(): string {
    if (this.smtpPort === undefined) throw new Error('smtp sandbox is not started');
    const { user, password } = this.smtpOptions;
    const login = user === undefined ? '' : `${encodeURIComponent(user)}:${encodeURIComponent(password ?? '')}@`;
    return `smtp://${login}127.0.0.1:${this.smtpPort}`;
  }

  get httpUrl(): string {
    return this.url;
  }

  override async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.smtp.server.once('error', reject);
      this.smtp.listen(this.smtpOptions.smtpPort ?? 0, '127.0.0.1', () => {
        this.smtp.server.off('error', reject);
        resolve();
      });
    });
    this.smtpPort = (this.smtp.server.address() as AddressInfo).port;
    return super.start();
  }

  override async stop(): Promise<void> {
    this.releaseHeldAnswers();
    await new Promise<void>((resolve) => this.smtp.close(() => resolve()));
    await super.stop();
  }

  messages(): ReceivedEmail[] {
    return this.inbox.map((m) => ({ ...m, to: [...m.to], attachments: m.attachments.map((a) => ({ ...a })) }));
  }

  clear(): void {
    this.inbox.length = 0;
  }

  /** Resolves with the messages once at least `count` have arrived; rejects after `timeoutMs`. */
  async waitForMessages(count: number, timeoutMs = 5000): Promise<ReceivedEmail[]> {
    if (this.inbox.length < count) {
      let timer: NodeJS.Timeout | undefined;
      let waiter: Waiter | undefined;
      try {
        await new Promise<void>((resolve, reject) => {
          waiter = { count, resolve };
          this.waiters.push(waiter);
          timer = setTimeout(() => reject(new Error(`smtp sandbox: ${this.inbox.length} of ${count} message(s) after ${timeoutMs} ms`)), timeoutMs);
        });
      } finally {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
      }
    }
    return this.messages();
  }

  setSmtpFaults(faults: Partial<SmtpFaults>): void {
    this.smtpFaults = {
      ...NO_SMTP_FAULTS,
      ...faults,
      rejectRecipients: (faults.rejectRecipients ?? []).map((r) => r.toLowerCase()),
    };
    if (!this.smtpFaults.holdAnswerAfterCommitMs) this.releaseHeldAnswers();
  }

  private releaseHeldAnswers(): void {
    this.holds.abort();
    this.holds = new AbortController();
  }

  /** Turns away the next `count` messages: 4xx for a temporary failure, 5xx for a permanent one. */
  rejectNext(count: number, code = 451, message?: string): void {
    this.setSmtpFaults({ ...this.smtpFaults, rejectNext: count, code, message: message ?? (code >= 500 ? 'Sandbox: message refused' : NO_SMTP_FAULTS.message) });
  }

  protected override resetState(): void {
    this.clear();
    this.connections = 0;
    this.smtpFaults = { ...NO_SMTP_FAULTS };
    this.releaseHeldAnswers();
  }

  protected override routes(app: FastifyInstance): void {
    app.get('/__admin/messages', async () => this.messages());
    app.delete('/__admin/messages', async () => {
      this.clear();
      return { ok: true };
    });
    app.get('/__admin/smtp-faults', async () => this.smtpFaults);
    app.put('/__admin/smtp-faults', async (request, reply) => {
      const body = (request.body ?? {}) as Partial<SmtpFaults>;
      if (body.code !== undefined && !(Number.isInteger(body.code) && body.code >= 400 && body.code <= 599)) {
        return reply.code(400).send({ error: 'code must be a 4xx or 5xx SMTP reply code' });
      }
      const hold = body.holdAnswerAfterCommitMs;
      if (hold !== undefined && !(Number.isInteger(hold) && hold >= 0)) {
        return reply.code(400).send({ error: 'holdAnswerAfterCommitMs must be a whole number of milliseconds' });
      }
      this.setSmtpFaults(body);
      return this.smtpFaults;
    });
    app.get('/ui', async (_request, reply) => reply.type('text/html; charset=utf-8').send(renderMailboxPage([...this.inbox].reverse())));
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const parsed = await simpleParser(stream);
    // Read the whole message before answering: a client must not see a reply mid-DATA.
    if (this.smtpFaults.rejectNext > 0) {
      this.smtpFaults.rejectNext -= 1;
      throw smtpReply(this.smtpFaults.code, this.smtpFaults.message);
    }
    this.inbox.push({
      from: parsed.from?.text ?? '',
      to: session.envelope.rcptTo.map((r) => r.address),
      subject: parsed.subject ?? '',
      text: parsed.text ?? '',
      html: typeof parsed.html === 'string' ? parsed.html : '',
      attachments: parsed.attachments.map((a) => ({
        filename: a.filename ?? '',
        contentType: a.contentType,
        content: a.content.toString('utf8'),
      })),
      ...(parsed.messageId ? { messageId: parsed.messageId } : {}),
      ...(typeof session.user === 'string' ? { user: session.user } : {}),
      receivedAt: new Date().toISOString(),
    });
    const ready = this.waiters.filter((w) => this.inbox.length >= w.count);
    for (const waiter of ready) waiter.resolve();
    const hold = this.smtpFaults.holdAnswerAfterCommitMs;
    if (hold > 0) await sleep(hold, undefined, { signal: this.holds.signal }).catch(() => undefined);
  }
}

function smtpReply(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startSmtpSandbox(options: SmtpSandboxOptions = {}): Promise<SmtpSandbox> {
  const sandbox = new SmtpSandbox(options);
  await sandbox.start();
  return sandbox;
}
