import { setTimeout as sleep } from 'node:timers/promises';
import { NOTIFICATION_EVENT_TYPE, SlackClient, type SlackMessage } from '../../clients/slack';
import { ExternalCallError } from '../../clients/errors';
import { escapeMrkdwn, mrkdwnSection, slackLink } from '../../domain/notification-format';
import { startSlackSandbox, type SlackSandbox } from '../../sandbox/slack';

const TOKEN = 'xoxb-1111-2222-very-secret-token';

async function failure(promise: Promise<unknown>): Promise<ExternalCallError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ExternalCallError);
    const callError = error as ExternalCallError;
    expect(callError.message).not.toContain(TOKEN);
    expect(JSON.stringify({ ...callError, message: callError.message })).not.toContain(TOKEN);
    return callError;
  }
  throw new Error('expected the call to fail');
}

/** What Temporal will do with a rate-limited activity: wait as told, then try the same message again. */
async function postWithRetries(client: SlackClient, message: SlackMessage, attempts = 20): Promise<{ ts: string; rateLimited: number }> {
  let rateLimited = 0;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const posted = await client.postMessage(message);
      return { ts: posted.ts, rateLimited };
    } catch (error) {
      if (!(error instanceof ExternalCallError) || error.kind === 'non-retryable' || attempt >= attempts) throw error;
      if (error.kind === 'rate-limited') rateLimited += 1;
      await sleep(error.retryAfterMs ?? 200);
    }
  }
}

describe('SlackClient against the Slack sandbox', () => {
  let sandbox: SlackSandbox;
  let client: SlackClient;

  beforeAll(async () => {
    sandbox = await startSlackSandbox({ token: TOKEN, channels: ['noc', 'alerts'], ratePerSecond: 1, burst: 3 });
    client = new SlackClient({ botToken: TOKEN, channel: '#noc', apiUrl: sandbox.apiUrl });
  });

  afterAll(async () => {
    await sandbox.stop();
  });

  beforeEach(() => sandbox.reset());

  it('posts blocks with their plain-text fallback to the default channel', async () => {
    const blocks = [mrkdwnSection('*3 faulty edges*'), { type: 'divider' }];
    const posted = await client.postMessage({ text: '3 faulty edges', blocks });

    const [received, ...others] = sandbox.messages();
    expect(others).toEqual([]);
    expect(received).toMatchObject({ channelName: 'noc', text: '3 faulty edges', blocks, ts: posted.ts });
    expect(posted.channel).toBe(received!.channel);
    expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);
  });

  it('posts to another channel when the message names one', async () => {
    await client.postMessage({ text: 'to alerts', channel: 'alerts' });
    expect(sandbox.messages('alerts').map((m) => m.text)).toEqual(['to alerts']);
    expect(sandbox.messages('noc')).toEqual([]);
  });

  it('delivers hostile names escaped, so they ping nobody and stay inside their link', async () => {
    const edgeName = '<!channel> Store & Co > <@U123> <#C1>';
    const text = `Edge ${escapeMrkdwn(edgeName)} is offline`;
    await client.postMessage({
      text,
      blocks: [mrkdwnSection(`${slackLink('https://vco.example.net/#!/operator/customer/1/monitor/edge/2/', edgeName)} is offline`)],
    });

    const [received] = sandbox.messages();
    expect(received!.text).toBe('Edge &lt;!channel&gt; Store &amp; Co &gt; &lt;@U123&gt; &lt;#C1&gt; is offline');
    const section = (received!.blocks as { text: { text: string } }[])[0]!.text.text;
    expect(section).toBe(
      '<https://vco.example.net/#!/operator/customer/1/monitor/edge/2/|&lt;!channel&gt; Store &amp; Co &gt; &lt;@U123&gt; &lt;#C1&gt;> is offline',
    );
    for (const delivered of [received!.text, section]) {
      expect(delivered).not.toMatch(/<!channel>|<@U123>|<#C1>/);
    }
  });

  it('reports a bad token as non-retryable, without the token', async () => {
    const wrong = new SlackClient({ botToken: `${TOKEN}-revoked`, channel: '#noc', apiUrl: sandbox.apiUrl });
    const error = await failure(wrong.postMessage({ text: 'hello' }));
    expect(error.kind).toBe('non-retryable');
    expect(error.message).toContain('invalid_auth');
    expect(error.message).not.toContain(`${TOKEN}-revoked`);
    expect(sandbox.messages()).toEqual([]);
  });

  it('reports an unknown channel as non-retryable', async () => {
    const error = await failure(client.postMessage({ text: 'hello', channel: '#nowhere' }));
    expect(error.kind).toBe('non-retryable');
    expect(error.message).toContain('channel_not_found');
    expect(error.failureType).toBe('slack.non-retryable');
  });

  it('turns a 429 into rate-limited with the delay from Retry-After', async () => {
    sandbox.setFaults({ rateLimitNext: 1, retryAfterSeconds: 7 });
    const error = await failure(client.postMessage({ text: 'hello' }));
    expect(error).toMatchObject({ kind: 'rate-limited', status: 429, retryAfterMs: 7000 });
    expect(sandbox.messages()).toEqual([]);
  });

  it('is rate limited by the per-channel limit after the burst', async () => {
    // A slow refill, so a slow machine cannot earn a fresh token between the posts.
    const slow = await startSlackSandbox({ token: TOKEN, channels: ['noc', 'alerts'], ratePerSecond: 0.1, burst: 3 });
    try {
      const slowClient = new SlackClient({ botToken: TOKEN, channel: '#noc', apiUrl: slow.apiUrl });
      for (const n of [1, 2, 3]) await slowClient.postMessage({ text: `burst ${n}` });
      const error = await failure(slowClient.postMessage({ text: 'one too many' }));
      expect(error).toMatchObject({ kind: 'rate-limited', retryAfterMs: 10_000 });
      // The limit is per channel: another channel still has its burst.
      await slowClient.postMessage({ text: 'elsewhere', channel: 'alerts' });
      expect(slow.messages().map((m) => m.text)).toEqual(['burst 1', 'burst 2', 'burst 3', 'elsewhere']);
    } finally {
      await slow.stop();
    }
  });

  it('reports server errors and unreachable servers as retryable', async () => {
    sandbox.setFaults({ errorRate: 1, errorStatus: 503 });
    expect(await failure(client.postMessage({ text: 'hello' }))).toMatchObject({ kind: 'retryable', status: 503 });

    const gone = await startSlackSandbox({ token: TOKEN });
    const apiUrl = gone.apiUrl;
    await gone.stop();
    const unreachable = new SlackClient({ botToken: TOKEN, channel: '#noc', apiUrl });
    const error = await failure(unreachable.postMessage({ text: 'hello' }));
    expect(error.kind).toBe('retryable');
    expect(error.message).toMatch(/ECONNREFUSED|fetch failed/);
  });

  it('delivers a burst through retries that honour Retry-After exactly once each, in order', async () => {
    const texts = Array.from({ length: 8 }, (_, i) => `alert ${i + 1}`);
    let rateLimited = 0;
    for (const text of texts) {
      const result = await postWithRetries(client, { text, blocks: [mrkdwnSection(text)] });
      rateLimited += result.rateLimited;
    }

    const received = sandbox.messages();
    expect(received.map((m) => m.text)).toEqual(texts);
    expect(new Set(received.map((m) => m.ts)).size).toBe(texts.length);
    expect(rateLimited).toBeGreaterThan(0);
    // Every refused attempt was answered 429 and stored nothing.
    expect(sandbox.received.filter((r) => r.path === '/api/chat.postMessage')).toHaveLength(texts.length + rateLimited);
  }, 30_000);

  describe('idempotency keys', () => {
    const since = () => Date.now() - 60_000;
    const listCalls = () => sandbox.received.filter((r) => r.path === '/api/conversations.list').length;

    it('sends the key as message metadata', async () => {
      await client.postMessage({ text: 'keyed', key: 'wf/run/7/0' });
      expect(sandbox.messages()[0]!.metadata).toEqual({ event_type: NOTIFICATION_EVENT_TYPE, event_payload: { key: 'wf/run/7/0' } });
    });

    it('finds a posted message by its key, resolving the channel name once', async () => {
      const fresh = new SlackClient({ botToken: TOKEN, channel: '#noc', apiUrl: sandbox.apiUrl });
      const posted = await client.postMessage({ text: 'keyed', key: 'wf/run/1/0' });
      await client.postMessage({ text: 'other', key: 'wf/run/2/0' });

      expect(await fresh.findMessage('wf/run/1/0', { since: since() })).toEqual(posted);
      expect(await fresh.findMessage('wf/run/3/0', { since: since() })).toBeUndefined();
      expect(listCalls()).toBe(1);
      const history = sandbox.received.filter((r) => r.path === '/api/conversations.history');
      expect(history[0]!.body).toMatchObject({ channel: posted.channel, include_all_metadata: 'true' });
    });

    it('knows the channel id from its own post, or when configured with one', async () => {
      await client.postMessage({ text: 'keyed', key: 'k-1' });
      expect(await client.findMessage('k-1', { since: since() })).toBeDefined();
      const byId = new SlackClient({ botToken: TOKEN, channel: sandbox.channels[0]!.id, apiUrl: sandbox.apiUrl });
      expect(await byId.findMessage('k-1', { since: since() })).toBeDefined();
      expect(listCalls()).toBe(0);
    });

    it('searches only after `since` and at most maxPages pages', async () => {
      const busy = await startSlackSandbox({ token: TOKEN, channels: ['noc'], ratePerSecond: Infinity });
      try {
        const busyClient = new SlackClient({ botToken: TOKEN, channel: 'noc', apiUrl: busy.apiUrl });
        for (const n of [1, 2, 3, 4, 5]) await busyClient.postMessage({ text: `m${n}`, key: `k-${n}` });
        expect(await busyClient.findMessage('k-1', { since: since(), pageSize: 2, maxPages: 3 })).toBeDefined();
        expect(await busyClient.findMessage('k-1', { since: since(), pageSize: 2, maxPages: 2 })).toBeUndefined();
        expect(await busyClient.findMessage('k-5', { since: Date.now() + 60_000 })).toBeUndefined();
      } finally {
        await busy.stop();
      }
    });

    it('reports a channel name the bot cannot see as non-retryable', async () => {
      const lost = new SlackClient({ botToken: TOKEN, channel: '#nowhere', apiUrl: sandbox.apiUrl });
      expect(await failure(lost.findMessage('k', { since: since() }))).toMatchObject({ kind: 'non-retryable', call: 'conversations.list' });
    });

    it('classifies a failed history read like any other call', async () => {
      sandbox.setFaults({ errorNext: 1, errorStatus: 503, pathContains: 'conversations.history' });
      const byId = new SlackClient({ botToken: TOKEN, channel: sandbox.channels[0]!.id, apiUrl: sandbox.apiUrl });
      expect(await failure(byId.findMessage('k', { since: since() }))).toMatchObject({ kind: 'retryable', status: 503, call: 'conversations.history' });
    });

    it("abandons a post when its attempt's signal aborts, even while Slack holds the answer", async () => {
      const attempt = new AbortController();
      const held = new SlackClient({ botToken: TOKEN, channel: '#noc', apiUrl: sandbox.apiUrl, callSignal: () => attempt.signal });
      sandbox.setSlackFaults({ holdAnswerAfterCommitMs: 600_000 });
      const post = failure(held.postMessage({ text: 'held', key: 'held-1' }));
      while (sandbox.messages().length === 0) await sleep(20);
      attempt.abort();
      expect((await post).kind).toBe('retryable');
      // Slack kept it: exactly what a retry must find before posting again.
      expect(await client.findMessage('held-1', { since: since() })).toMatchObject({ ts: sandbox.messages()[0]!.ts });
    });
  });
});
