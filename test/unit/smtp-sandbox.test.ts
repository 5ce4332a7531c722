import { createTransport } from 'nodemailer';
import { startSmtpSandbox, type SmtpSandbox } from '../../sandbox/smtp';

describe('SMTP sandbox', () => {
  let sandbox: SmtpSandbox;

  beforeAll(async () => {
    sandbox = await startSmtpSandbox({ user: 'mailer', password: 'secret' });
  });

  afterAll(async () => {
    await sandbox.stop();
  });

  beforeEach(() => sandbox.reset());

  function send(messageId: string) {
    const { port } = new URL(sandbox.smtpUrl);
    const transport = createTransport({ host: '127.0.0.1', port: Number(port), ignoreTLS: true, auth: { user: 'mailer', pass: 'secret' } });
    return transport
      .sendMail({ from: 'engine@example.com', to: 'noc@example.com', subject: 'Report', text: 'body', messageId })
      .finally(() => transport.close());
  }

  async function putFaults(body: unknown): Promise<Response> {
    return fetch(`${sandbox.httpUrl}/__admin/smtp-faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  it('keeps a message and holds its 250 reply to DATA while the fault is set', async () => {
    expect(await (await putFaults({ holdAnswerAfterCommitMs: 600_000 })).json()).toMatchObject({ holdAnswerAfterCommitMs: 600_000 });
    let replied = false;
    const sending = send('<held-1@automation-engine>').then((info) => {
      replied = true;
      return info;
    });
    await sandbox.waitForMessages(1);
    // In the mailbox already, while the sender still waits to hear so.
    expect(sandbox.messages()).toMatchObject([{ messageId: '<held-1@automation-engine>', subject: 'Report' }]);
    const listed = (await (await fetch(`${sandbox.httpUrl}/__admin/messages`)).json()) as { messageId: string }[];
    expect(listed.map((m) => m.messageId)).toEqual(['<held-1@automation-engine>']);
    expect(replied).toBe(false);

    sandbox.setSmtpFaults({});
    expect((await sending).response).toMatch(/^250/);
  });

  it('refuses a hold that is not a number of milliseconds', async () => {
    expect((await putFaults({ holdAnswerAfterCommitMs: -1 })).status).toBe(400);
    expect((await putFaults({ holdAnswerAfterCommitMs: 'soon' })).status).toBe(400);
  });
});
