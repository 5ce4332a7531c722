import { EmailClient, parseSmtpUrl, type Email } from '../../clients/email';
import { ExternalCallError } from '../../clients/errors';
import { escapeHtml, htmlTable, plainTable, toCsv, type Column } from '../../domain/notification-format';
import { startSmtpSandbox, type SmtpSandbox } from '../../sandbox/smtp';

const USER = 'mailer';
// Characters that need URL encoding, so both the raw and the encoded form must stay out of errors.
const PASSWORD = 'p@ss:w/rd%secret';

interface OutageRow {
  detectedAt: string;
  serial: string;
  enterprise: string;
  url: string;
}

const columns: Column<OutageRow>[] = [
  { key: 'detectedAt', title: 'Detected' },
  { key: 'serial', title: 'Serial' },
  { key: 'enterprise', title: 'Enterprise' },
  { key: 'url', title: 'Edge', link: true },
];

const rows: OutageRow[] = [
  { detectedAt: '2024-05-01T12:00:00Z', serial: 'VC05200001', enterprise: 'Acme, Inc.', url: 'https://vco.example.net/#!/operator/customer/1/monitor/edge/2/' },
  { detectedAt: '2024-05-01T12:05:00Z', serial: 'VC05200002', enterprise: 'Store "North"\nback room <script>alert(1)</script>', url: 'https://vco.example.net/e/3/' },
];

function report(to: string[] = ['noc@example.com', 'ops@example.com']): Email {
  return {
    to,
    subject: 'Service outage report: 2 edges',
    html: `<p>Edges in outage:</p>${htmlTable(columns, rows)}`,
    text: `Edges in outage:\n${plainTable(columns, rows)}`,
    attachments: [{ filename: 'outages.csv', content: toCsv(columns, rows), contentType: 'text/csv; charset=utf-8' }],
  };
}

async function failure(promise: Promise<unknown>): Promise<ExternalCallError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ExternalCallError);
    const callError = error as ExternalCallError;
    for (const secret of [PASSWORD, encodeURIComponent(PASSWORD)]) {
      expect(callError.message).not.toContain(secret);
      expect(JSON.stringify({ ...callError, cause: String(callError.cause) })).not.toContain(secret);
    }
    return callError;
  }
  throw new Error('expected the send to fail');
}

describe('EmailClient against the SMTP sandbox', () => {
  let sandbox: SmtpSandbox;
  let client: EmailClient;

  beforeAll(async () => {
    sandbox = await startSmtpSandbox({ user: USER, password: PASSWORD });
    client = new EmailClient({ smtpUrl: sandbox.smtpUrl, from: 'Automation Engine <engine@example.com>' });
  });

  afterAll(async () => {
    client.close();
    await sandbox.stop();
  });

  beforeEach(() => sandbox.reset());

  it('logs in and delivers HTML, a text part and a CSV attachment that arrive intact', async () => {
    expect(sandbox.smtpUrl).toBe(`smtp://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${new URL(sandbox.smtpUrl).port}`);
    const sent = await client.send(report());
    expect(sent.accepted).toEqual(['noc@example.com', 'ops@example.com']);
    expect(sent.rejected).toEqual([]);
    expect(sandbox.connections).toBe(1);

    const [received] = await sandbox.waitForMessages(1, 5000);
    expect(received).toMatchObject({
      from: '"Automation Engine" <engine@example.com>',
      to: ['noc@example.com', 'ops@example.com'],
      subject: 'Service outage report: 2 edges',
      user: USER,
      messageId: sent.messageId,
    });
    expect(received!.attachments).toEqual([
      {
        filename: 'outages.csv',
        contentType: 'text/csv',
        content:
          'Detected,Serial,Enterprise,Edge\r\n' +
          '2024-05-01T12:00:00Z,VC05200001,"Acme, Inc.",https://vco.example.net/#!/operator/customer/1/monitor/edge/2/\r\n' +
          '2024-05-01T12:05:00Z,VC05200002,"Store ""North""\nback room <script>alert(1)</script>",https://vco.example.net/e/3/\r\n',
      },
    ]);
    expect(received!.text).toContain('Edges in outage:\nDetected              Serial      Enterprise');
    expect(received!.text).toContain('Store "North" back room <script>alert(1)</script>');
  });

  it('delivers outside values in the HTML part escaped', async () => {
    await client.send(report());
    const [received] = await sandbox.waitForMessages(1, 5000);
    expect(received!.html).not.toContain('<script>');
    expect(received!.html).toContain(escapeHtml('Store "North"\nback room <script>alert(1)</script>'));
    expect(received!.html).toContain('<a href="https://vco.example.net/e/3/">');
  });

  it('reports a wrong password as non-retryable without the password', async () => {
    const password = 'wrong-password-123';
    const url = new URL(sandbox.smtpUrl);
    url.password = password;
    const wrong = new EmailClient({ smtpUrl: url.toString(), from: 'engine@example.com' });
    const error = await failure(wrong.send(report()));
    expect(error.kind).toBe('non-retryable');
    expect(error.status).toBe(535);
    expect(error.message).not.toContain(password);
    expect(sandbox.messages()).toEqual([]);
  });

  it('reports a temporary rejection as retryable, and the next attempt goes through', async () => {
    sandbox.rejectNext(1, 451);
    const error = await failure(client.send(report()));
    expect(error).toMatchObject({ kind: 'retryable', status: 451, failureType: 'email.retryable' });
    expect(sandbox.messages()).toEqual([]);

    await client.send(report());
    expect(await sandbox.waitForMessages(1, 5000)).toHaveLength(1);
  });

  it('reports a permanent rejection as non-retryable', async () => {
    sandbox.rejectNext(1, 554, 'Message refused by policy');
    const error = await failure(client.send(report()));
    expect(error).toMatchObject({ kind: 'non-retryable', status: 554 });
    expect(error.message).toContain('Message refused by policy');
  });

  it('sends to the recipients the server takes and names the ones it refuses', async () => {
    sandbox.setSmtpFaults({ rejectRecipients: ['gone@example.com'] });
    const sent = await client.send(report(['noc@example.com', 'gone@example.com']));
    expect(sent).toMatchObject({ accepted: ['noc@example.com'], rejected: ['gone@example.com'] });
    expect((await sandbox.waitForMessages(1, 5000))[0]!.to).toEqual(['noc@example.com']);

    sandbox.clear();
    const error = await failure(client.send(report(['gone@example.com'])));
    expect(error).toMatchObject({ kind: 'non-retryable', status: 550 });
  });

  it.each([[[]], [['not-an-address']], [['noc@example.com, evil@example.net']], [['a@example.com\r\nBcc: x@example.net']]])(
    'refuses recipients %p as non-retryable without contacting the server',
    async (to) => {
      const error = await failure(client.send(report(to)));
      expect(error.kind).toBe('non-retryable');
      expect(sandbox.connections).toBe(0);
      expect(sandbox.messages()).toEqual([]);
    },
  );

  it('reports an unreachable server as retryable without the password', async () => {
    const gone = await startSmtpSandbox({ user: USER, password: PASSWORD });
    const smtpUrl = gone.smtpUrl;
    await gone.stop();
    const unreachable = new EmailClient({ smtpUrl, from: 'engine@example.com', timeoutMs: 2000 });
    const error = await failure(unreachable.send(report()));
    expect(error.kind).toBe('retryable');
    expect(error.message).toMatch(/ECONNREFUSED|ECONNECTION|ESOCKET/);
  });

  it('says how many messages arrived when waiting times out', async () => {
    await expect(sandbox.waitForMessages(1, 50)).rejects.toThrow('smtp sandbox: 0 of 1 message(s) after 50 ms');
  });

  it('serves the messages and the mailbox page over HTTP', async () => {
    await client.send(report());
    await sandbox.waitForMessages(1, 5000);
    const listed = (await (await fetch(`${sandbox.httpUrl}/__admin/messages`)).json()) as { subject: string }[];
    expect(listed.map((m) => m.subject)).toEqual(['Service outage report: 2 edges']);

    const page = await (await fetch(`${sandbox.httpUrl}/ui`)).text();
    expect(page).toContain('Service outage report: 2 edges');
    expect(page).not.toContain('<script>');

    await fetch(`${sandbox.httpUrl}/__admin/smtp-faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rejectNext: 1, code: 452 }),
    });
    expect((await failure(client.send(report()))).kind).toBe('retryable');

    await fetch(`${sandbox.httpUrl}/__admin/messages`, { method: 'DELETE' });
    expect(sandbox.messages()).toEqual([]);
  });
});

describe('STARTTLS required', () => {
  let sandbox: SmtpSandbox;
  beforeAll(async () => {
    // The sandbox offers no STARTTLS, like a server (or a machine in the middle) that drops it.
    sandbox = await startSmtpSandbox({ user: USER, password: PASSWORD });
  });
  afterAll(() => sandbox?.stop());

  it('refuses to send, password included, to a server without STARTTLS when TLS is required', async () => {
    const client = new EmailClient({ smtpUrl: `${sandbox.smtpUrl}?requireTLS=yes`, from: 'engine@example.com' });
    try {
      const error = await failure(client.send(report()));
      expect(error.kind).toBe('non-retryable');
      expect(error.message).toMatch(/STARTTLS|TLS/);
      expect(sandbox.messages()).toEqual([]);
    } finally {
      client.close();
    }
  });
});

describe('parseSmtpUrl', () => {
  it.each([
    // Loopback (the sandbox): plaintext unless asked otherwise.
    ['smtp://u:p%40ss@127.0.0.1:2525', { host: '127.0.0.1', port: 2525, secure: false, ignoreTLS: true, requireTLS: false, tls: 'none', user: 'u', password: 'p@ss' }],
    ['smtp://localhost:2525?requireTLS=yes', { ignoreTLS: false, requireTLS: true, tls: 'starttls' }],
    ['smtps://u:p@mail.example.com', { host: 'mail.example.com', port: 465, secure: true, ignoreTLS: false, requireTLS: false, tls: 'implicit' }],
    // Any other host: STARTTLS required by default...
    ['smtp://mail.example.com', { host: 'mail.example.com', port: 587, secure: false, ignoreTLS: false, requireTLS: true, tls: 'starttls' }],
    ['smtp://10.0.0.5:25', { requireTLS: true, tls: 'starttls' }],
    ['smtp://mail.example.com:25?requireTLS=true', { port: 25, ignoreTLS: false, requireTLS: true, tls: 'starttls' }],
    // ...unless the URL asks otherwise, in so many words.
    ['smtp://mail.example.com?requireTLS=no', { ignoreTLS: false, requireTLS: false, tls: 'opportunistic' }],
    ['smtp://mail.example.com?ignoreTLS=yes', { ignoreTLS: true, requireTLS: false, tls: 'none' }],
  ])('%s', (url, expected) => {
    expect(parseSmtpUrl(url)).toMatchObject(expected);
  });

  it('refuses contradictory or unreadable TLS parameters', () => {
    expect(() => parseSmtpUrl('smtp://mail.example.com?requireTLS=yes&ignoreTLS=yes')).toThrow('cannot both require and ignore TLS');
    expect(() => parseSmtpUrl('smtp://mail.example.com?requireTLS=maybe')).toThrow('requireTLS must be yes or no');
  });

  it('refuses other schemes without echoing the URL', () => {
    expect(() => parseSmtpUrl('http://u:secret-pw@host')).toThrow(/^SMTP_URL must start with smtp:\/\/ or smtps:\/\/$/);
  });
});
