/**
 * Posts notifications to Slack with one attempt per call. The WebClient's own retry loop and its
 * queue-pausing on 429 are switched off: a retry inside an activity would be invisible to Temporal
 * and could outlive the activity's timeout, so failures go back as ExternalCallError instead.
 *
 * A message may carry an idempotency key in Slack's message metadata, and `findMessage` looks a
 * key up in the channel's recent history: Slack offers no idempotent post, so a retry that cannot
 * know whether its earlier attempt's post went through asks the channel.
 */
import { LogLevel, WebClient, type ChatPostMessageArguments, type FetchFunction } from '@slack/web-api';
import { ExternalCallError } from '../errors';
import { slackCallError } from './errors';

/** The metadata event type of every message the engine posts; its payload's `key` names the message. */
export const NOTIFICATION_EVENT_TYPE = 'automation_engine_notification';

export interface SlackClientOptions {
  botToken: string;
  /** Channel name (`#noc`, `noc`) or id used when a message names none. */
  channel: string;
  /** Another Web API base such as the sandbox's `http://127.0.0.1:PORT/api/`; Slack's own when absent. */
  apiUrl?: string;
  timeoutMs?: number;
  /** Aborts calls whose activity attempt was given up, so no post lands after the next attempt looked. */
  callSignal?: () => AbortSignal | undefined;
}

/** A Block Kit block; Slack validates the shape, we only pass it on. */
export interface SlackBlock {
  type: string;
  [field: string]: unknown;
}

export interface SlackMessage {
  /** Plain-text fallback for notifications and clients that cannot show blocks. */
  text: string;
  blocks?: SlackBlock[];
  channel?: string;
  /** Idempotency key, sent as the message's metadata so `findMessage` can find the message again. */
  key?: string;
}

export interface FindMessageOptions {
  /** Channel name or id; the default channel when absent. */
  channel?: string;
  /** Only messages posted after this time (Unix milliseconds) are searched. */
  since: number;
  /** History pages read at most (newest first); the search gives up after these. */
  maxPages?: number;
  pageSize?: number;
}

export interface PostedSlackMessage {
  /** The channel id Slack posted to. */
  channel: string;
  ts: string;
}

type WebBlocks = Extract<ChatPostMessageArguments, { blocks: unknown }>['blocks'];

const DEFAULT_API_URL = 'https://slack.com/api/';
/** Public, private and direct-message conversation ids; anything else is a name to resolve. */
const CONVERSATION_ID = /^[CGD][A-Z0-9]{6,}$/;
/** conversations.list pages read at most when resolving a channel name (1,000 channels a page). */
const MAX_CHANNEL_LIST_PAGES = 20;

export class SlackClient {
  private readonly web: WebClient;
  private readonly target: string;
  /** Channel ids by the name they were configured with (`#noc` and `noc` alike). */
  private readonly channelIds = new Map<string, string>();

  constructor(private readonly options: SlackClientOptions) {
    const apiUrl = withTrailingSlash(options.apiUrl ?? DEFAULT_API_URL);
    this.target = new URL(apiUrl).host;
    this.web = new WebClient(options.botToken, {
      slackApiUrl: apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: options.timeoutMs ?? 15_000,
      // Its warnings go to the console, outside the worker's logger; our errors carry the detail.
      logLevel: LogLevel.ERROR,
      // A method name must never send the bot token to another origin.
      allowAbsoluteUrls: false,
      ...(options.callSignal ? { fetch: abortableFetch(options.callSignal) } : {}),
    });
  }

  async postMessage(message: SlackMessage): Promise<PostedSlackMessage> {
    const channel = message.channel ?? this.options.channel;
    const call = 'chat.postMessage';
    const result = await this.call(call, () =>
      this.web.chat.postMessage({
        channel,
        text: message.text,
        // Our blocks are plain data shaped by the domain; Slack itself is the judge of their shape.
        ...(message.blocks ? { blocks: message.blocks as unknown as WebBlocks } : {}),
        ...(message.key ? { metadata: { event_type: NOTIFICATION_EVENT_TYPE, event_payload: { key: message.key } } } : {}),
        // Names in our messages are escaped; never let Slack turn `@here` or `#x` text into mentions.
        link_names: false,
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
    if (typeof result.channel !== 'string' || typeof result.ts !== 'string') throw this.malformed(call, 'response has no channel or ts');
    this.channelIds.set(bareName(channel), result.channel);
    return { channel: result.channel, ts: result.ts };
  }

  /**
   * The message posted with `key` since `options.since`, from the channel's history (newest first,
   * at most `maxPages` pages); undefined when those pages do not hold it.
   */
  async findMessage(key: string, options: FindMessageOptions): Promise<PostedSlackMessage | undefined> {
    const channel = await this.channelId(options.channel ?? this.options.channel);
    const maxPages = options.maxPages ?? 10;
    let cursor: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const result = await this.call('conversations.history', () =>
        this.web.conversations.history({
          channel,
          oldest: (options.since / 1000).toFixed(6),
          limit: options.pageSize ?? 200,
          include_all_metadata: true,
          ...(cursor ? { cursor } : {}),
        }),
      );
      const found = (result.messages ?? []).find((m) => {
        const payload: { key?: unknown } = m.metadata?.event_payload ?? {};
        return m.metadata?.event_type === NOTIFICATION_EVENT_TYPE && payload.key === key;
      });
      if (found?.ts) return { channel, ts: found.ts };
      cursor = result.has_more ? result.response_metadata?.next_cursor : undefined;
      if (!cursor) return undefined;
    }
    return undefined;
  }

  /** conversations.history wants the id: a configured name is looked up once, then remembered. */
  private async channelId(channel: string): Promise<string> {
    const name = bareName(channel);
    if (CONVERSATION_ID.test(name)) return name;
    const known = this.channelIds.get(name);
    if (known) return known;
    const call = 'conversations.list';
    let cursor: string | undefined;
    for (let page = 0; page < MAX_CHANNEL_LIST_PAGES; page++) {
      const result = await this.call(call, () =>
        this.web.conversations.list({ types: 'public_channel,private_channel', exclude_archived: true, limit: 1000, ...(cursor ? { cursor } : {}) }),
      );
      const match = (result.channels ?? []).find((c) => c.name === name);
      if (match?.id) {
        this.channelIds.set(name, match.id);
        return match.id;
      }
      cursor = result.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    throw new ExternalCallError({ system: 'slack', call, target: this.target, kind: 'non-retryable', message: `no channel named ${JSON.stringify(name)} is visible to the bot` });
  }

  private async call<T>(call: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw slackCallError(error, { call, target: this.target, token: this.options.botToken });
    }
  }

  private malformed(call: string, message: string): ExternalCallError {
    return new ExternalCallError({ system: 'slack', call, target: this.target, kind: 'non-retryable', message });
  }
}

function bareName(channel: string): string {
  return channel.replace(/^#/, '');
}

/** The WebClient's fetch, also aborted by the current attempt's signal. */
function abortableFetch(callSignal: () => AbortSignal | undefined): FetchFunction {
  return (url, init) => {
    const attempt = callSignal();
    const signal = attempt && init?.signal ? AbortSignal.any([init.signal, attempt]) : (attempt ?? init?.signal);
    return fetch(url, { ...init, ...(signal ? { signal } : {}) });
  };
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
