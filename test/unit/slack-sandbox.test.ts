import { setTimeout as sleep } from 'node:timers/promises';
import { startSlackSandbox, type SlackSandbox } from '../../sandbox/slack';

const TOKEN = 'xoxb-sandbox-test';

describe('Slack sandbox', () => {
  let sandbox: SlackSandbox;

  beforeAll(async () => {
    sandbox = await startSlackSandbox({ token: TOKEN, channels: ['noc'], ratePerSecond: 0.25, burst: 2 });
  });

  afterAll(async () => {
    await sandbox.stop();
  });

  beforeEach(() => sandbox.reset());

  async function post(body: unknown, token: string | null = TOKEN): Promise<{ status: number; retryAfter: string | null; json: Record<string, unknown> }> {
    const response = await fetch(`${sandbox.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), json: (await response.json()) as Record<string, unknown> };
  }

  it('answers a JSON post as Slack does', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }];
    const { status, json } = await post({ channel: '#noc', text: 'hi', blocks });
    expect(status).toBe(200);
    expect(json).toMatchObject({ ok: true, channel: sandbox.channels[0]!.id, message: { type: 'message', text: 'hi', blocks } });
    expect(json.ts).toBe(sandbox.messages()[0]!.ts);
  });

  it('accepts a form-encoded post with the token in the body and blocks as JSON text', async () => {
    const form = new URLSearchParams({ token: TOKEN, channel: 'noc', text: 'form', blocks: JSON.stringify([{ type: 'divider' }]) });
    const response = await fetch(`${sandbox.apiUrl}chat.postMessage`, { method: 'POST', body: form });
    expect(await response.json()).toMatchObject({ ok: true });
    expect(sandbox.messages()[0]).toMatchObject({ text: 'form', blocks: [{ type: 'divider' }] });
  });

  it.each([
    [{ channel: 'noc', text: 'x' }, null, 'not_authed'],
    [{ channel: 'noc', text: 'x' }, 'xoxb-wrong', 'invalid_auth'],
    [{ channel: 'general', text: 'x' }, TOKEN, 'channel_not_found'],
    [{ channel: 'noc' }, TOKEN, 'no_text'],
    [{ channel: 'noc', text: 'x', blocks: [{ text: 'no type' }] }, TOKEN, 'invalid_blocks'],
    [{ channel: 'noc', text: 'x'.repeat(40_001) }, TOKEN, 'msg_too_long'],
  ])('refuses %#: %p with HTTP 200 and the Slack error', async (body, token, error) => {
    const { status, json } = await post(body, token);
    expect(status).toBe(200);
    expect(json).toEqual({ ok: false, error });
    expect(sandbox.messages()).toEqual([]);
  });

  it('limits each channel to the burst, then answers 429 with Retry-After in seconds', async () => {
    expect((await post({ channel: 'noc', text: '1' })).status).toBe(200);
    expect((await post({ channel: 'noc', text: '2' })).status).toBe(200);
    const limited = await post({ channel: 'noc', text: '3' });
    expect(limited).toEqual({ status: 429, retryAfter: '4', json: { ok: false, error: 'ratelimited' } });
    expect(sandbox.messages().map((m) => m.text)).toEqual(['1', '2']);
  });

  it('lets channels be added, listed messages be read and cleared over the admin API', async () => {
    const added = await fetch(`${sandbox.url}/__admin/channels`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: '#ops' }),
    });
    expect(await added.json()).toMatchObject({ name: 'ops', id: expect.stringMatching(/^C/) });
    await post({ channel: 'ops', text: 'to ops' });

    const listed = (await (await fetch(`${sandbox.url}/__admin/messages`)).json()) as { text: string; channelName: string }[];
    expect(listed).toMatchObject([{ text: 'to ops', channelName: 'ops' }]);

    await fetch(`${sandbox.url}/__admin/messages`, { method: 'DELETE' });
    expect(sandbox.messages()).toEqual([]);
  });

  it('shows messages newest first on /ui with every value escaped', async () => {
    await post({ channel: 'noc', text: 'first' });
    await post({ channel: 'noc', text: '<script>alert(1)</script> &lt;!channel&gt;' });
    const response = await fetch(`${sandbox.url}/ui`);
    expect(response.headers.get('content-type')).toContain('text/html');
    const page = await response.text();
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp;lt;!channel&amp;gt;');
    expect(page.indexOf('&lt;script&gt;')).toBeLessThan(page.indexOf('first'));
  });

  async function callOn(target: SlackSandbox, method: string, args: Record<string, unknown>, token: string | null = TOKEN): Promise<Record<string, unknown>> {
    // Form-encoded, as the WebClient sends it: objects travel as JSON text.
    const response = await fetch(`${target.apiUrl}${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: new URLSearchParams(Object.entries(args).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  }
  const call = (method: string, args: Record<string, unknown>, token: string | null = TOKEN) => callOn(sandbox, method, args, token);

  const metadata = (key: string) => ({ event_type: 'automation_engine_notification', event_payload: { key } });

  describe('message metadata and conversations.history', () => {
    let busy: SlackSandbox;
    let channelId: string;
    let posted: string[];
    const callBusy = (method: string, args: Record<string, unknown>, token: string | null = TOKEN) => callOn(busy, method, args, token);

    beforeAll(async () => {
      busy = await startSlackSandbox({ token: TOKEN, channels: ['noc', 'alerts'], ratePerSecond: Infinity });
      channelId = busy.channels.find((c) => c.name === 'noc')!.id;
      posted = [];
      for (const n of [1, 2, 3, 4, 5]) {
        const answer = await callBusy('chat.postMessage', { channel: 'noc', text: `m${n}`, metadata: metadata(`key-${n}`) });
        expect(answer).toMatchObject({ ok: true });
        posted.push(answer.ts as string);
      }
      await callBusy('chat.postMessage', { channel: 'alerts', text: 'elsewhere' });
    });

    afterAll(async () => {
      await busy.stop();
    });

    it('keeps the metadata a message was posted with', () => {
      expect(busy.messages('noc').map((m) => m.metadata)).toEqual([1, 2, 3, 4, 5].map((n) => metadata(`key-${n}`)));
    });

    it('refuses metadata without an event type or payload', async () => {
      expect(await callBusy('chat.postMessage', { channel: 'noc', text: 'x', metadata: { event_payload: {} } })).toEqual({ ok: false, error: 'invalid_metadata_format' });
      expect(await callBusy('chat.postMessage', { channel: 'noc', text: 'x', metadata: 'not json' })).toEqual({ ok: false, error: 'invalid_metadata_format' });
    });

    it('answers newest first, one channel only, with metadata only when asked for', async () => {
      const plain = await callBusy('conversations.history', { channel: channelId });
      expect(plain).toMatchObject({ ok: true, has_more: false });
      const messages = plain.messages as { text: string; ts: string; metadata?: unknown }[];
      expect(messages.map((m) => m.text)).toEqual(['m5', 'm4', 'm3', 'm2', 'm1']);
      expect(messages.every((m) => m.metadata === undefined)).toBe(true);

      const withMetadata = await callBusy('conversations.history', { channel: channelId, include_all_metadata: 'true' });
      expect((withMetadata.messages as { metadata?: unknown }[])[0]!.metadata).toEqual(metadata('key-5'));
    });

    it('takes oldest and latest as exclusive bounds unless inclusive', async () => {
      const texts = async (args: Record<string, unknown>) =>
        ((await callBusy('conversations.history', { channel: channelId, ...args })).messages as { text: string }[]).map((m) => m.text);
      expect(await texts({ oldest: posted[1], latest: posted[3] })).toEqual(['m3']);
      expect(await texts({ oldest: posted[1], latest: posted[3], inclusive: 'true' })).toEqual(['m4', 'm3', 'm2']);
      expect(await texts({ oldest: posted[4] })).toEqual([]);
    });

    it('pages with limit and the cursor in response_metadata until has_more is false', async () => {
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await callBusy('conversations.history', { channel: channelId, limit: '2', ...(cursor ? { cursor } : {}) });
        pages.push((page.messages as { text: string }[]).map((m) => m.text));
        cursor = page.has_more ? (page.response_metadata as { next_cursor: string }).next_cursor : undefined;
      } while (cursor);
      expect(pages).toEqual([['m5', 'm4'], ['m3', 'm2'], ['m1']]);
    });

    it.each([
      [{}, 'invalid_arguments'],
      [{ channel: 'noc' }, 'channel_not_found'],
      [{ channel: '#noc' }, 'channel_not_found'],
      [{ channel: 'C99999999' }, 'channel_not_found'],
      [{ channel: 'CHANNEL', oldest: 'yesterday' }, 'invalid_ts_oldest'],
      [{ channel: 'CHANNEL', latest: 'now' }, 'invalid_ts_latest'],
      [{ channel: 'CHANNEL', cursor: 'bm9wZQ==' }, 'invalid_cursor'],
    ])('refuses %p with %s, as Slack does', async (args, error) => {
      const answer = await callBusy('conversations.history', Object.fromEntries(Object.entries(args).map(([k, v]) => [k, v === 'CHANNEL' ? channelId : v])));
      expect(answer).toMatchObject({ ok: false, error });
    });

    it('wants a token', async () => {
      expect(await callBusy('conversations.history', { channel: channelId }, null)).toEqual({ ok: false, error: 'not_authed' });
      expect(await callBusy('conversations.history', { channel: channelId }, 'xoxb-wrong')).toEqual({ ok: false, error: 'invalid_auth' });
    });
  });

  it('lists conversations by type, a page at a time', async () => {
    sandbox.addChannel('ops');
    sandbox.addChannel('secret-room', { private: true });
    const names = async (args: Record<string, unknown>) => {
      const all: string[] = [];
      let cursor = '';
      do {
        const page = await call('conversations.list', { ...args, limit: '1', ...(cursor ? { cursor } : {}) });
        expect(page.ok).toBe(true);
        all.push(...(page.channels as { name: string; id: string }[]).map((c) => c.name));
        cursor = (page.response_metadata as { next_cursor: string }).next_cursor;
      } while (cursor);
      return all;
    };
    expect(await names({})).toEqual(['noc', 'ops']);
    expect(await names({ types: 'public_channel,private_channel' })).toEqual(['noc', 'ops', 'secret-room']);
    expect(await names({ types: 'private_channel' })).toEqual(['secret-room']);
    expect(await call('conversations.list', { types: 'rooms' })).toEqual({ ok: false, error: 'invalid_types' });
    const [listed] = (await call('conversations.list', {})).channels as { id: string; is_private: boolean; is_member: boolean }[];
    expect(listed).toMatchObject({ id: sandbox.channels[0]!.id, is_private: false, is_member: true });
  });

  it('commits a post and then holds its answer while the fault is set', async () => {
    const faults = await fetch(`${sandbox.url}/__admin/slack-faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ holdAnswerAfterCommitMs: 600_000 }),
    });
    expect(await faults.json()).toEqual({ holdAnswerAfterCommitMs: 600_000 });

    let answered = false;
    const answer = post({ channel: 'noc', text: 'held', metadata: metadata('held-1') }).then((a) => {
      answered = true;
      return a;
    });
    while (sandbox.messages().length === 0) await sleep(20);
    // Stored and readable by anyone who looks, while its sender still waits.
    const channel = sandbox.channels[0]!.id;
    const history = await call('conversations.history', { channel, include_all_metadata: 'true' });
    expect(history.messages).toMatchObject([{ text: 'held', metadata: metadata('held-1') }]);
    expect(answered).toBe(false);

    sandbox.setSlackFaults({ holdAnswerAfterCommitMs: 0 });
    expect((await answer).json).toMatchObject({ ok: true, ts: sandbox.messages()[0]!.ts });
  });

  it('refuses a hold that is not a number of milliseconds', async () => {
    const response = await fetch(`${sandbox.url}/__admin/slack-faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ holdAnswerAfterCommitMs: 'long' }),
    });
    expect(response.status).toBe(400);
  });
});
