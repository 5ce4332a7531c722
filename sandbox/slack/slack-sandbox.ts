/**
 * A loopback stand-in for the part of Slack's Web API the engine uses, answering as Slack does:
 * HTTP 200 with `{ok:false, error}` for auth, channel and argument problems, HTTP 429 with
 * `Retry-After` when a channel gets more than about a message a second.
 *
 *   POST     /api/chat.postMessage       JSON or form-encoded, bearer token (or `token` field);
 *                                        keeps the message's `metadata` {event_type, event_payload}
 *   GET|POST /api/conversations.history  channel *id*; oldest/latest (exclusive unless inclusive),
 *                                        limit, cursor; newest first; metadata only with
 *                                        include_all_metadata
 *   GET|POST /api/conversations.list     types (default public_channel), exclude_archived, limit, cursor
 *   POST     /api/auth.test              who the token is
 *   GET    /__admin/messages       messages posted, oldest first (`?channel=` id or name)
 *   DELETE /__admin/messages       forget them
 *   POST   /__admin/channels       {name, private?} adds a known channel, answers {id, name, private}
 *   GET    /__admin/slack-faults   the Slack-specific faults in force
 *   PUT    /__admin/slack-faults   {holdAnswerAfterCommitMs}: a post is stored (visible in
 *                                  /__admin/messages and conversations.history) and its answer is
 *                                  sent that much later — the crash window between Slack's commit
 *                                  and the caller hearing of it
 *   GET    /ui                     the messages for people, newest first
 * plus the admin routes every sandbox has (faults, received requests, reset).
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
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
  private: boolean;
}

/** Slack's message metadata: an app-defined event type and a free-form payload. */
export interface SlackMessageMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

export interface ReceivedSlackMessage {
  channel: string;
  channelName: string;
  text: string;
  blocks?: unknown[];
  metadata?: SlackMessageMetadata;
  ts: string;
  receivedAt: string;
}

export interface SlackFaults {
  /** Store each post, then hold its answer this long (0: answer at once). */
  holdAnswerAfterCommitMs: number;
}

const NO_SLACK_FAULTS: SlackFaults = { holdAnswerAfterCommitMs: 0 };

type SlackAnswer = Record<string, unknown> & { ok: boolean };

const TEXT_LIMIT = 40_000;
const BLOCKS_LIMIT = 50;
const SECTION_TEXT_LIMIT = 3000;
const CHANNEL_ID = /^[CGD][A-Z0-9]{6,}$/;
const TS = /^\d+(\.\d{1,6})?$/;
const HISTORY_LIMIT = { default: 100, max: 999 };
const LIST_LIMIT = { default: 100, max: 1000 };
const CONVERSATION_TYPES = new Set(['public_channel', 'private_channel', 'mpim', 'im']);
const BOT = { bot_id: 'B00000001', app_id: 'A00000001', user: 'U00000001', team: 'T00000001' };

export class SlackSandbox extends SandboxServer {
  readonly token: string;
  private readonly channelsById = new Map<string, SlackChannel>();
  private readonly limiter: ChannelRateLimiter;
  private readonly posted: ReceivedSlackMessage[] = [];
  private lastTsMicros = 0;
  slackFaults: SlackFaults = { ...NO_SLACK_FAULTS };
  /** Aborted to let every held answer go at once (reset, stop). */
  private holds = new AbortController();

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

  addChannel(nameOrId: string, options: { private?: boolean } = {}): SlackChannel {
    const existing = this.findChannel(nameOrId);
    if (existing) return existing;
    const bare = nameOrId.replace(/^#/, '');
    const isPrivate = options.private ?? (CHANNEL_ID.test(bare) && bare.startsWith('G'));
    const prefix = isPrivate ? 'G' : 'C';
    const channel = CHANNEL_ID.test(bare)
      ? { id: bare, name: bare, private: isPrivate }
      : { id: `${prefix}${String(this.channelsById.size + 1).padStart(8, '0')}`, name: bare, private: isPrivate };
    this.channelsById.set(channel.id, channel);
    return channel;
  }

  setSlackFaults(faults: Partial<SlackFaults>): void {
    this.slackFaults = { ...NO_SLACK_FAULTS, ...faults };
    if (!this.slackFaults.holdAnswerAfterCommitMs) this.releaseHeldAnswers();
  }

  override async stop(): Promise<void> {
    this.releaseHeldAnswers();
    await super.stop();
  }

  protected override resetState(): void {
    this.clearMessages();
    this.limiter.clear();
    this.slackFaults = { ...NO_SLACK_FAULTS };
    this.releaseHeldAnswers();
  }

  private releaseHeldAnswers(): void {
    this.holds.abort();
    this.holds = new AbortController();
  }

  protected override routes(app: FastifyInstance): void {
    void app.register(formbody);
    app.post('/api/chat.postMessage', async (request, reply) => this.postMessage(request, reply));
    for (const method of ['GET', 'POST'] as const) {
      app.route({ method, url: '/api/conversations.history', handler: async (request) => this.history(request) });
      app.route({ method, url: '/api/conversations.list', handler: async (request) => this.listConversations(request) });
    }
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
      const { name, private: isPrivate } = (request.body ?? {}) as { name?: unknown; private?: unknown };
      if (typeof name !== 'string' || !name.trim()) return reply.code(400).send({ error: 'name is required' });
      return this.addChannel(name.trim(), { private: isPrivate === true });
    });
    app.get('/__admin/slack-faults', async () => this.slackFaults);
    app.put('/__admin/slack-faults', async (request, reply) => {
      const { holdAnswerAfterCommitMs } = (request.body ?? {}) as Partial<SlackFaults>;
      if (holdAnswerAfterCommitMs !== undefined && !(Number.isInteger(holdAnswerAfterCommitMs) && holdAnswerAfterCommitMs >= 0)) {
        return reply.code(400).send({ error: 'holdAnswerAfterCommitMs must be a whole number of milliseconds' });
      }
      this.setSlackFaults({ holdAnswerAfterCommitMs: holdAnswerAfterCommitMs ?? 0 });
      return this.slackFaults;
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
    const metadata = readMetadata(fields.metadata);
    if (metadata === 'invalid') return { ok: false, error: 'invalid_metadata_format' };

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
      ...(metadata ? { metadata } : {}),
      ts: this.nextTs(),
      receivedAt: new Date().toISOString(),
    };
    this.posted.push(message);
    const hold = this.slackFaults.holdAnswerAfterCommitMs;
    if (hold > 0) await sleep(hold, undefined, { signal: this.holds.signal }).catch(() => undefined);
    return { ok: true, channel: channel.id, ts: message.ts, message: wireMessage(message, true) };
  }

  /** The channel's messages newest first, a page at a time, as Slack's cursor pagination gives them. */
  private history(request: FastifyRequest): SlackAnswer {
    const args = requestArguments(request);
    const authError = this.authError(request);
    if (authError) return authError;
    if (typeof args.channel !== 'string' || !args.channel) return invalidArguments('missing required field: channel');
    // Slack wants the id here; a name (`noc`, `#noc`) is a channel it cannot find.
    const channel = this.channelsById.get(args.channel);
    if (!channel) return { ok: false, error: 'channel_not_found' };
    const oldest = args.oldest === undefined ? 0 : tsMicros(args.oldest);
    if (oldest === undefined) return { ok: false, error: 'invalid_ts_oldest' };
    const latest = args.latest === undefined ? Infinity : tsMicros(args.latest);
    if (latest === undefined) return { ok: false, error: 'invalid_ts_latest' };
    const inclusive = isTrue(args.inclusive);
    let from = latest;
    if (args.cursor !== undefined && args.cursor !== '') {
      const cursorTs = decodeCursor(args.cursor, 'next_ts');
      const micros = cursorTs === undefined ? undefined : tsMicros(cursorTs);
      if (micros === undefined) return { ok: false, error: 'invalid_cursor' };
      from = micros;
    }
    const fromCursor = from !== latest;
    const inRange = this.posted
      .filter((m) => m.channel === channel.id)
      .filter((m) => {
        const at = tsMicros(m.ts)!;
        const afterOldest = inclusive ? at >= oldest : at > oldest;
        const beforeFrom = fromCursor || inclusive ? at <= from : at < from;
        return afterOldest && beforeFrom;
      })
      .reverse();
    const limit = pageLimit(args.limit, HISTORY_LIMIT);
    const page = inRange.slice(0, limit);
    const next = inRange[limit];
    const withMetadata = isTrue(args.include_all_metadata);
    return {
      ok: true,
      messages: page.map((m) => wireMessage(m, withMetadata)),
      has_more: next !== undefined,
      pin_count: 0,
      ...(next ? { response_metadata: { next_cursor: encodeCursor('next_ts', next.ts) } } : {}),
    };
  }

  private listConversations(request: FastifyRequest): SlackAnswer {
    const args = requestArguments(request);
    const authError = this.authError(request);
    if (authError) return authError;
    const types = (typeof args.types === 'string' && args.types ? args.types : 'public_channel').split(',').map((t) => t.trim());
    if (types.some((t) => !CONVERSATION_TYPES.has(t))) return { ok: false, error: 'invalid_types' };
    let offset = 0;
    if (args.cursor !== undefined && args.cursor !== '') {
      const decoded = Number(decodeCursor(args.cursor, 'offset'));
      if (!Number.isInteger(decoded) || decoded < 0) return { ok: false, error: 'invalid_cursor' };
      offset = decoded;
    }
    const matching = this.channels.filter((c) => types.includes(c.private ? 'private_channel' : 'public_channel'));
    const limit = pageLimit(args.limit, LIST_LIMIT);
    const page = matching.slice(offset, offset + limit);
    const more = offset + limit < matching.length;
    return {
      ok: true,
      channels: page.map((c) => ({
        id: c.id,
        name: c.name,
        name_normalized: c.name,
        is_channel: !c.private,
        is_group: c.private,
        is_private: c.private,
        is_archived: false,
        is_member: true,
        created: 1_600_000_000,
      })),
      response_metadata: { next_cursor: more ? encodeCursor('offset', String(offset + limit)) : '' },
    };
  }

  private authError(request: FastifyRequest): SlackAnswer | undefined {
    const header = request.headers.authorization;
    const bodyToken = requestArguments(request).token;
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

/** Arguments from the query string and the body (JSON or form), as Slack reads both. */
function requestArguments(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  return { ...(request.query as Record<string, unknown>), ...(typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {}) };
}

function invalidArguments(message: string): SlackAnswer {
  return { ok: false, error: 'invalid_arguments', response_metadata: { messages: [`[ERROR] ${message}`] } };
}

function isTrue(value: unknown): boolean {
  return value === true || value === 1 || value === 'true' || value === '1';
}

/** A `seconds.micros` timestamp as a number of microseconds, or undefined if it is not one. */
function tsMicros(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !TS.test(text)) return undefined;
  const [seconds = '0', fraction = ''] = text.split('.');
  return Number(seconds) * 1_000_000 + Number(fraction.padEnd(6, '0'));
}

function pageLimit(raw: unknown, bounds: { default: number; max: number }): number {
  const limit = Number(raw);
  if (raw === undefined || raw === '' || !Number.isInteger(limit) || limit < 1) return bounds.default;
  return Math.min(limit, bounds.max);
}

/** Slack's cursors are opaque base64 text such as `next_ts:1512085861000543`. */
function encodeCursor(kind: string, value: string): string {
  return Buffer.from(`${kind}:${value}`).toString('base64');
}

function decodeCursor(cursor: unknown, kind: string): string | undefined {
  if (typeof cursor !== 'string') return undefined;
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  return text.startsWith(`${kind}:`) ? text.slice(kind.length + 1) : undefined;
}

/** A stored message as the Web API shows it; metadata only when the caller asked for it. */
function wireMessage(message: ReceivedSlackMessage, withMetadata: boolean): Record<string, unknown> {
  return {
    type: 'message',
    ...BOT,
    text: message.text,
    ts: message.ts,
    ...(message.blocks ? { blocks: message.blocks } : {}),
    ...(withMetadata && message.metadata ? { metadata: message.metadata } : {}),
  };
}

/** Metadata arrives as an object (JSON body) or a JSON string (form body). */
function readMetadata(raw: unknown): SlackMessageMetadata | undefined | 'invalid' {
  if (raw === undefined || raw === null || raw === '') return undefined;
  let metadata: unknown = raw;
  if (typeof raw === 'string') {
    try {
      metadata = JSON.parse(raw);
    } catch {
      return 'invalid';
    }
  }
  const { event_type: type, event_payload: payload } = (typeof metadata === 'object' && metadata !== null ? metadata : {}) as Record<string, unknown>;
  if (typeof type !== 'string' || !type || typeof payload !== 'object' || payload === null || Array.isArray(payload)) return 'invalid';
  return { event_type: type, event_payload: payload as Record<string, unknown> };
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
