/**
 * A loopback stand-in for the part of Slack's Web API the engine uses, answering as Slack does:
 * HTTP 200 with `{ok:false, error}` for auth and channel problems, HTTP 429 with `Retry-After`
 * when a channel gets more than about a message a second.
 *
 *   POST   /api/chat.postMessage   JSON or form-encoded, bearer token (or `token` field)
 *   POST   /api/auth.test          who the token is
 *   GET    /__admin/messages       messages posted, oldest first (`?channel=` id or name)
 *   DELETE /__admin/messages       forget them
 *   POST   /__admin/channels       {name} adds a known channel, answers {id, name}
 *   GET    /ui                     the messages for people, newest first
 * plus the admin routes every sandbox has (faults, received requests, reset).
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SandboxServer } from '../server';
import { ChannelRateLimiter } from './rate-limiter';
import { renderMessagesPage } from './ui';

export interface SlackSandboxOptions {
  port?: number;
  /** The bot token calls must carry. */
  token?: string;
  /** Channel names (without `#`) or ids that exist; anything else is `channel_not_found`. */
  channels?: string[];
  /** Sustained messages a second per channel; `Infinity` turns the limit off. */
  ratePerSecond?: number;
  /** Messages a channel may take at once before the rate applies. */
  burst?: number;
}

export interface SlackChannel {
  id: string;
  name: string;
}

export interface ReceivedSlackMessage {
  channel: string;
  channelName: string;
  text: string;
  blocks?: unknown[];
  ts: string;
  receivedAt: string;
}

type SlackAnswer = Record<string, unknown> & { ok: boolean };

const TEXT_LIMIT = 40_000;
const BLOCKS_LIMIT = 50;
const SECTION_TEXT_LIMIT = 3000;
const CHANNEL_ID = /^[CGD][A-Z0-9]{6,}$/;

export class SlackSandbox extends SandboxServer {
  readonly token: string;
  private readonly channelsById = new Map<string, SlackChannel>();
  private readonly limiter: ChannelRateLimiter;
  private readonly posted: ReceivedSlackMessage[] = [];
  private lastTsMicros = 0;

  constructor(options: SlackSandboxOptions = {}) {
    super('slack', { port: options.port });
    this.token = options.token ?? 'xoxb-sandbox-token';
    for (const channel of options.channels ?? ['noc', 'alerts']) this.addChannel(channel);
    this.limiter = new ChannelRateLimiter(options.ratePerSecond ?? 1, options.burst ?? 3);
  }

  /** The base URL to give the client (`SLACK_API_URL`). */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  get channels(): SlackChannel[] {
    return [...this.channelsById.values()];
  }

  /** Messages posted so far, oldest first, optionally only one channel's (id or name). */
  messages(channel?: string): ReceivedSlackMessage[] {
    const id = channel === undefined ? undefined : this.findChannel(channel)?.id;
    return this.posted.filter((m) => channel === undefined || m.channel === id).map((m) => ({ ...m }));
  }

  clearMessages(): void {
    this.posted.length = 0;
  }

  addChannel(nameOrId: string): SlackChannel {
    const existing = this.findChannel(nameOrId);
    if (existing) return existing;
    const bare = nameOrId.replace(/^#/, '');
    const channel = CHANNEL_ID.test(bare)
      ? { id: bare, name: bare }
      : { id: `C${String(this.channelsById.size + 1).padStart(8, '0')}`, name: bare };
    this.channelsById.set(channel.id, channel);
    return channel;
  }

  protected override resetState(): void {
    this.clearMessages();
    this.limiter.clear();
  }

  protected override routes(app: FastifyInstance): void {
    void app.register(formbody);
    app.post('/api/chat.postMessage', async (request, reply) => this.postMessage(request, reply));
    app.post('/api/auth.test', async (request) =>
      this.authError(request) ?? { ok: true, url: 'https://sandbox.slack.local/', team: 'Sandbox', user: 'automation-engine', team_id: 'T00000001', user_id: 'U00000001', bot_id: 'B00000001' },
    );
    app.post('/api/:method', async () => ({ ok: false, error: 'unknown_method' }));
    app.get('/__admin/messages', async (request) => this.messages((request.query as { channel?: string }).channel));
    app.delete('/__admin/messages', async () => {
      this.clearMessages();
      return { ok: true };
    });
    app.post('/__admin/channels', async (request, reply) => {
      const { name } = (request.body ?? {}) as { name?: unknown };
      if (typeof name !== 'string' || !name.trim()) return reply.code(400).send({ error: 'name is required' });
      return this.addChannel(name.trim());
    });
    app.get('/ui', async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(renderMessagesPage([...this.posted].reverse(), this.channels)),
    );
  }

  private async postMessage(request: FastifyRequest, reply: FastifyReply): Promise<SlackAnswer | FastifyReply> {
    const fields = (request.body ?? {}) as Record<string, unknown>;
    const authError = this.authError(request);
    if (authError) return authError;

    const channel = typeof fields.channel === 'string' ? this.findChannel(fields.channel) : undefined;
    if (!channel) return { ok: false, error: 'channel_not_found' };

    const blocks = readBlocks(fields.blocks);
    if (blocks === 'invalid') return { ok: false, error: 'invalid_blocks' };
    const text = typeof fields.text === 'string' ? fields.text : '';
    if (!text && !blocks) return { ok: false, error: 'no_text' };
    if (text.length > TEXT_LIMIT) return { ok: false, error: 'msg_too_long' };

    const slot = this.limiter.take(channel.id);
    if (!slot.allowed) {
      return reply
        .code(429)
        .header('retry-after', String(Math.max(1, Math.ceil(slot.retryAfterMs / 1000))))
        .send({ ok: false, error: 'ratelimited' });
    }

    const message: ReceivedSlackMessage = {
      channel: channel.id,
      channelName: channel.name,
      text,
      ...(blocks ? { blocks } : {}),
      ts: this.nextTs(),
      receivedAt: new Date().toISOString(),
    };
    this.posted.push(message);
    return {
      ok: true,
      channel: channel.id,
      ts: message.ts,
      message: { type: 'message', subtype: 'bot_message', bot_id: 'B00000001', text, ts: message.ts, ...(blocks ? { blocks } : {}) },
    };
  }

  private authError(request: FastifyRequest): SlackAnswer | undefined {
    const header = request.headers.authorization;
    const bodyToken = ((request.body ?? {}) as { token?: unknown }).token;
    const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : typeof bodyToken === 'string' ? bodyToken : '';
    if (!token) return { ok: false, error: 'not_authed' };
    if (token !== this.token) return { ok: false, error: 'invalid_auth' };
    return undefined;
  }

  private findChannel(nameOrId: string): SlackChannel | undefined {
    const bare = nameOrId.replace(/^#/, '');
    return this.channelsById.get(bare) ?? this.channels.find((c) => c.name === bare);
  }

  /** Slack's `seconds.micros`, unique and increasing so it can serve as the message id. */
  private nextTs(): string {
    this.lastTsMicros = Math.max(this.lastTsMicros + 1, Date.now() * 1000);
    return `${Math.floor(this.lastTsMicros / 1_000_000)}.${String(this.lastTsMicros % 1_000_000).padStart(6, '0')}`;
  }
}

/** Blocks arrive as an array (JSON body) or a JSON string (form body); Slack checks their shape. */
function readBlocks(raw: unknown): unknown[] | undefined | 'invalid' {
  if (raw === undefined || raw === null || raw === '') return undefined;
  let blocks: unknown = raw;
  if (typeof raw === 'string') {
    try {
      blocks = JSON.parse(raw);
    } catch {
      return 'invalid';
    }
  }
  if (!Array.isArray(blocks) || blocks.length > BLOCKS_LIMIT) return 'invalid';
  const valid = blocks.every((block: unknown) => {
    if (typeof block !== 'object' || block === null || typeof (block as { type?: unknown }).type !== 'string') return false;
    const text = (block as { text?: { text?: unknown } }).text?.text;
    return typeof text !== 'string' || text.length <= SECTION_TEXT_LIMIT;
  });
  return valid ? blocks : 'invalid';
}

export async function startSlackSandbox(options: SlackSandboxOptions = {}): Promise<SlackSandbox> {
  const sandbox = new SlackSandbox(options);
  await sandbox.start();
  return sandbox;
}
