/**
 * Sending what people read — Slack messages and report e-mails — counted by outcome in the
 * engine's metrics, the same way for every process, and effectively once.
 *
 * Temporal retries an activity whose worker died or whose attempt it gave up on, and by then the
 * post or e-mail may have gone out. So, inside an activity:
 *   - what Slack or the SMTP server accepted is recorded at once (`recordProgress`: the attempt
 *     heartbeats it), and a retry reads its previous attempt's record first (`previousProgress`);
 *   - a Slack message carries an idempotency key (workflow run + activity + message index) in its
 *     metadata; a retry whose previous attempt recorded nothing for that key looks for it in the
 *     channel's history since the activity was first scheduled, and posts only if it is not there;
 *   - an e-mail keeps its stable Message-ID; SMTP cannot be asked whether it already has one, so
 *     the one window left is between the server's 250 reply and that heartbeat reaching Temporal.
 */
import { Context } from '@temporalio/activity';
import type { Counter } from 'prom-client';
import type { Email, SentEmail } from '../clients/email';
import { ExternalCallError } from '../clients/errors';
import type { PostedSlackMessage, SlackMessage } from '../clients/slack';
import type { Config } from '../config';
import type { ReportEmail } from '../domain/notification-format';
import { previousProgress, recordProgress } from './attempt';
import type { ActivityDeps } from './deps';

/** VCO portal origin by host, for links to edge pages. */
export function portalUrls(config: Config): Record<string, string> {
  return Object.fromEntries(config.velocloud.hosts.map((h) => [h.host, h.portalUrl]));
}

/** A report's parts as an e-mail: HTML, text, and the CSV attached. */
export function reportEmail(report: ReportEmail): Omit<Email, 'to'> {
  return {
    subject: report.subject,
    html: report.html,
    text: report.text,
    attachments: [{ filename: report.csvFilename, content: report.csv, contentType: 'text/csv' }],
  };
}

/** What a notifying activity has sent so far, carried from attempt to attempt in its heartbeat details. */
export interface NotificationProgress {
  /** Slack messages posted (channel id and ts) by idempotency key. */
  slackPosted: Record<string, PostedSlackMessage>;
  /** Recipients the SMTP server took, by Message-ID. */
  emailSent: Record<string, { accepted: string[]; rejected: string[] }>;
}

/**
 * The history search starts this long before the activity was first scheduled: Slack's clock and
 * Temporal's may disagree a little, and a key matches nothing else, so a wide margin costs nothing.
 */
const HISTORY_CLOCK_MARGIN_MS = 5 * 60_000;
/** History pages (of 200 messages) a retry reads at most when looking for its earlier post. */
const HISTORY_MAX_PAGES = 5;

interface AttemptNotifications {
  context: Context;
  progress: NotificationProgress;
  /** Slack posts this attempt has asked for, for the message index in the key. */
  slackPosts: number;
}

const attempts = new WeakMap<Context, AttemptNotifications>();

/** The current attempt's record, started from the previous attempt's; undefined outside an activity. */
function currentAttempt(): AttemptNotifications | undefined {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return undefined;
  }
  let attempt = attempts.get(context);
  if (!attempt) {
    const progress = readProgress(previousProgress());
    attempt = { context, progress, slackPosts: 0 };
    attempts.set(context, attempt);
    // Re-assert what earlier attempts sent: this attempt's heartbeats would otherwise replace it.
    if (Object.keys(progress.slackPosted).length || Object.keys(progress.emailSent).length) recordProgress(progress);
  }
  return attempt;
}

function readProgress(details: unknown): NotificationProgress {
  const { slackPosted, emailSent } = (typeof details === 'object' && details !== null ? details : {}) as Partial<NotificationProgress>;
  return {
    slackPosted: typeof slackPosted === 'object' && slackPosted !== null ? { ...slackPosted } : {},
    emailSent: typeof emailSent === 'object' && emailSent !== null ? { ...emailSent } : {},
  };
}

/** Same for every attempt of one activity, different for everything else. */
function activityKey({ info }: Context): string {
  const run = info.workflowExecution;
  return `${run ? `${run.workflowId}/${run.runId}` : info.activityType}/${info.activityId}`;
}

/** For a mail that brings none: the same for every attempt of the activity. */
function stableMessageId(context: Context): string {
  const local = activityKey(context).replace(/[^A-Za-z0-9-]+/g, '.').replace(/^\.|\.$/g, '');
  return `<${local}@automation-engine>`;
}

async function counted<L extends string, T>(counter: Counter<L>, labels: Record<Exclude<L, 'outcome'>, string>, send: () => Promise<T>): Promise<T> {
  try {
    const result = await send();
    counter.inc({ ...labels, outcome: 'ok' } as Record<L, string>);
    return result;
  } catch (error) {
    counter.inc({ ...labels, outcome: 'error' } as Record<L, string>);
    throw error;
  }
}

export function createNotifier({ config, slack, email, metrics, logger }: ActivityDeps) {
  /** The message an earlier attempt of this activity posted with `key`, if any. */
  async function earlierPost(attempt: AttemptNotifications, key: string, channel: string | undefined): Promise<PostedSlackMessage | undefined> {
    const recorded = attempt.progress.slackPosted[key];
    if (recorded) return recorded;
    if (attempt.context.info.attempt <= 1) return undefined;
    try {
      return await slack.findMessage(key, {
        ...(channel ? { channel } : {}),
        since: attempt.context.info.scheduledTimestampMs - HISTORY_CLOCK_MARGIN_MS,
        maxPages: HISTORY_MAX_PAGES,
      });
    } catch (error) {
      // A bot that may not read the channel (missing scope, not a member) still gets its message
      // out: a possible repeat is better than no alert. A passing failure retries the activity.
      if (!(error instanceof ExternalCallError) || error.kind !== 'non-retryable') throw error;
      logger.warn({ key, err: error.message }, 'cannot look for an earlier post of this message; posting it');
      return undefined;
    }
  }

  return {
    async postToSlack(process: string, message: SlackMessage): Promise<PostedSlackMessage> {
      const attempt = currentAttempt();
      if (!attempt) return counted(metrics.slackMessages, { process }, () => slack.postMessage(message));
      const key = `${activityKey(attempt.context)}/${attempt.slackPosts++}`;
      const earlier = await earlierPost(attempt, key, message.channel);
      if (earlier) {
        logger.info({ key, ts: earlier.ts }, 'Slack message already posted by an earlier attempt; not posting again');
        return earlier;
      }
      const posted = await counted(metrics.slackMessages, { process }, () => slack.postMessage({ ...message, key }));
      attempt.progress.slackPosted[key] = posted;
      recordProgress(attempt.progress);
      return posted;
    },

    /** To REPORT_RECIPIENTS. */
    async emailRecipients(report: string, mail: Omit<Email, 'to'>): Promise<SentEmail> {
      const attempt = currentAttempt();
      const messageId = mail.messageId ?? (attempt && stableMessageId(attempt.context));
      const sent = attempt && messageId ? attempt.progress.emailSent[messageId] : undefined;
      if (sent && messageId) {
        logger.info({ messageId }, 'e-mail already accepted by the SMTP server in an earlier attempt; not sending again');
        return { messageId, ...sent };
      }
      const result = await counted(metrics.emails, { report }, () =>
        email.send({ to: config.email.reportRecipients, ...mail, ...(messageId ? { messageId } : {}) }),
      );
      if (attempt) {
        attempt.progress.emailSent[result.messageId] = { accepted: result.accepted, rejected: result.rejected };
        recordProgress(attempt.progress);
      }
      return result;
    },
  };
}
