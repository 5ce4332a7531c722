/**
 * Posts notifications to Slack with one attempt per call. The WebClient's own retry loop and its
 * queue-pausing on 429 are switched off: a retry inside an activity would be invisible to Temporal
 * and could outlive the activity's timeout, so failures go back as ExternalCallError instead.
 */
import { LogLevel, WebClient, type ChatPostMessageArguments } from '@slack/web-api';
import { ExternalCallError } from '../errors';
import { slackCallError } from './errors';

export interface SlackClientOptions {
  botToken: string;
  /** Channel name (`#noc`, `noc`) or id used when a message names none. */
  channel: string;
  /** Another Web API base such as the sandbox's `http://127.0.0.1:PORT/api/`; Slack's own when absent. */
  apiUrl?: string;
  timeoutMs?: number;
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
}

export interface PostedSlackMessage {
  /** The channel id Slack posted to. */
  channel: string;
  ts: string;
}

type WebBlocks = Extract<ChatPostMessageArguments, { blocks: unknown }>['blocks'];

const DEFAULT_API_URL = 'https://slack.com/api/';
const CALL = 'chat.postMessage';

export class SlackClient {
  private readonly web: WebClient;
  private readonly target: string;

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
    });
  }

  async postMessage(message: SlackMessage): Promise<PostedSlackMessage> {
    const channel = message.channel ?? this.options.channel;
    let result: Awaited<ReturnType<WebClient['chat']['postMessage']>>;
    try {
      result = await this.web.chat.postMessage({
        channel,
        text: message.text,
        // Our blocks are plain data shaped by the domain; Slack itself is the judge of their shape.
        ...(message.blocks ? { blocks: message.blocks as unknown as WebBlocks } : {}),
        // Names in our messages are escaped; never let Slack turn `@here` or `#x` text into mentions.
        link_names: false,
        unfurl_links: false,
        unfurl_media: false,
      });
    } catch (error) {
      throw slackCallError(error, { call: CALL, target: this.target, token: this.options.botToken });
    }
    if (typeof result.channel !== 'string' || typeof result.ts !== 'string') {
      throw new ExternalCallError({
        system: 'slack',
        call: CALL,
        target: this.target,
        kind: 'non-retryable',
        message: 'response has no channel or ts',
      });
    }
    return { channel: result.channel, ts: result.ts };
  }
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
