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
});
