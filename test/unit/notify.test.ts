/**
 * The notifier inside activity attempts (Temporal's MockActivityEnvironment: attempt number,
 * heartbeat details of the previous attempt) against the Slack and SMTP sandboxes: a retry sends
 * nothing that an earlier attempt already got through.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Info } from '@temporalio/activity';
import { Registry } from 'prom-client';
import type { ActivityDeps } from '../../activities/deps';
import { createNotifier, type NotificationProgress } from '../../activities/notify';
import { EmailClient } from '../../clients/email';
import { SlackClient } from '../../clients/slack';
import type { Config } from '../../config';
import { startSlackSandbox, type SlackSandbox } from '../../sandbox/slack';
import { startSmtpSandbox, type SmtpSandbox } from '../../sandbox/smtp';
import { createEngineMetrics } from '../../workers/engine-metrics';
import { createLogger } from '../../workers/logger';

const TOKEN = 'xoxb-notify-test';
const noop = () => undefined;
/** The SDK's own "activity failed" lines: the tests look at outcomes, not at these. */
const quiet = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
const RUN = { workflowId: 'edge-status-report-1', runId: 'run-1' };

describe('notifier: effectively once across attempts', () => {
  let slackSandbox: SlackSandbox;
  let smtp: SmtpSandbox;
  let deps: ActivityDeps;
  let logLines: string[];

  beforeAll(async () => {
    slackSandbox = await startSlackSandbox({ token: TOKEN, channels: ['noc'], ratePerSecond: Infinity });
    smtp = await startSmtpSandbox();
  });

  afterAll(async () => {
    deps?.email.close();
    await Promise.all([slackSandbox.stop(), smtp.stop()]);
  });

  beforeEach(() => {
    slackSandbox.reset();
    smtp.reset();
    logLines = [];
    deps = {
      config: { slack: { channel: '#noc' }, email: { reportRecipients: ['noc@example.com'] } } as Config,
      logger: createLogger({ level: 'info', write: (line) => logLines.push(line) }),
      metrics: createEngineMetrics(new Registry()),
      slack: new SlackClient({ botToken: TOKEN, channel: '#noc', apiUrl: slackSandbox.apiUrl }),
      email: new EmailClient({ smtpUrl: smtp.smtpUrl, from: 'engine@example.com' }),
    } as ActivityDeps;
  });

  /** One attempt of activity `activityId`; resolves with what it did and the progress it recorded last. */
  async function attempt<T>(
    number: number,
    previous: NotificationProgress | undefined,
    run: (notifier: ReturnType<typeof createNotifier>) => Promise<T>,
  ): Promise<{ result: T; recorded?: NotificationProgress }> {
    const info: Partial<Info> = {
      workflowExecution: RUN,
      activityId: '3',
      activityType: 'reportFaultyEdges',
      attempt: number,
      heartbeatDetails: previous,
      scheduledTimestampMs: Date.now() - 10_000,
    };
    const env = new MockActivityEnvironment(info, { logger: quiet });
    let recorded: NotificationProgress | undefined;
    env.on('heartbeat', (details: NotificationProgress) => (recorded = details));
    const notifier = createNotifier(deps);
    const result = await env.run<[], T, () => Promise<T>>(() => run(notifier));
    return { result, ...(recorded ? { recorded } : {}) };
  }

  const historyReads = () => slackSandbox.received.filter((r) => r.path === '/api/conversations.history').length;
  const post = (text: string) => (n: ReturnType<typeof createNotifier>) => n.postToSlack('edge-monitoring', { text });

  it('posts with a key made of the workflow run, the activity and the message index, and records the ts', async () => {
    const { result, recorded } = await attempt(1, undefined, post('summary'));
    const [message] = slackSandbox.messages();
    expect(message!.metadata).toEqual({ event_type: 'automation_engine_notification', event_payload: { key: 'edge-status-report-1/run-1/3/0' } });
    expect(recorded).toEqual({ slackPosted: { 'edge-status-report-1/run-1/3/0': result }, emailSent: {} });
    expect(historyReads()).toBe(0);
  });

  it('does not post again when the previous attempt recorded the post', async () => {
    const first = await attempt(1, undefined, post('summary'));
    const retry = await attempt(2, first.recorded, post('summary'));
    expect(slackSandbox.messages()).toHaveLength(1);
    expect(retry.result).toEqual(first.result);
    expect(historyReads()).toBe(0);
    // The retry carries the record on, so a third attempt knows it too.
    expect(retry.recorded).toEqual(first.recorded);
  });

  it('finds a post whose answer never arrived in the channel history, and does not post again', async () => {
    await attempt(1, undefined, post('summary'));
    const retry = await attempt(2, undefined, post('summary'));
    expect(slackSandbox.messages()).toHaveLength(1);
    expect(retry.result.ts).toBe(slackSandbox.messages()[0]!.ts);
    expect(historyReads()).toBe(1);
  });

  it('posts on a retry when no earlier attempt got the message through', async () => {
    await attempt(2, undefined, post('summary'));
    expect(slackSandbox.messages()).toHaveLength(1);
    expect(historyReads()).toBe(1);
  });

  it('keeps the messages of one activity apart by their index', async () => {
    const both = async (n: ReturnType<typeof createNotifier>) => [await n.postToSlack('triage', { text: 'first' }), await n.postToSlack('triage', { text: 'second' })];
    const first = await attempt(1, undefined, async (n) => n.postToSlack('triage', { text: 'first' }));
    await attempt(2, first.recorded, both);
    expect(slackSandbox.messages().map((m) => [m.text, m.metadata?.event_payload.key])).toEqual([
      ['first', 'edge-status-report-1/run-1/3/0'],
      ['second', 'edge-status-report-1/run-1/3/1'],
    ]);
  });

  it('posts anyway when the bot may not read the channel, and says so', async () => {
    slackSandbox.setFaults({ errorNext: 1, errorStatus: 403, pathContains: 'conversations.history' });
    await attempt(2, undefined, post('summary'));
    expect(slackSandbox.messages()).toHaveLength(1);
    expect(logLines.join('\n')).toContain('cannot look for an earlier post');
  });

  it('lets a passing failure of the history read fail the attempt, so Temporal retries it', async () => {
    slackSandbox.setFaults({ errorNext: 1, errorStatus: 503, pathContains: 'conversations.history' });
    await expect(attempt(2, undefined, post('summary'))).rejects.toMatchObject({ kind: 'retryable' });
    expect(slackSandbox.messages()).toHaveLength(0);
  });

  const mail = (n: ReturnType<typeof createNotifier>) =>
    n.emailRecipients('service-outage', { subject: 'Outages', html: '<p>2</p>', text: '2', messageId: '<outage-report-7@automation-engine>' });

  it('records an e-mail the SMTP server accepted, and a retry that knows it sends nothing', async () => {
    const first = await attempt(1, undefined, mail);
    expect(first.recorded).toEqual({ slackPosted: {}, emailSent: { '<outage-report-7@automation-engine>': { accepted: ['noc@example.com'], rejected: [] } } });
    const connections = smtp.connections;
    const retry = await attempt(2, first.recorded, mail);
    expect(retry.result).toEqual(first.result);
    expect(smtp.connections).toBe(connections);
    expect(smtp.messages()).toHaveLength(1);
  });

  it('sends again, with the same Message-ID, when the acceptance never reached Temporal (the window SMTP leaves)', async () => {
    await attempt(1, undefined, mail);
    await attempt(2, undefined, mail);
    expect(smtp.messages().map((m) => m.messageId)).toEqual(['<outage-report-7@automation-engine>', '<outage-report-7@automation-engine>']);
  });

  it('gives an e-mail without a Message-ID one that is the same for every attempt', async () => {
    const noId = (n: ReturnType<typeof createNotifier>) => n.emailRecipients('last-contact', { subject: 'Stale edges', html: '<p>1</p>', text: '1' });
    const first = await attempt(1, undefined, noId);
    const retry = await attempt(2, first.recorded, noId);
    expect(first.result.messageId).toBe('<edge-status-report-1.run-1.3@automation-engine>');
    expect(retry.result.messageId).toBe(first.result.messageId);
    expect(smtp.messages()).toHaveLength(1);
  });
});
