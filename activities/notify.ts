/**
 * Sending what people read — Slack messages and report e-mails — counted by outcome in the
 * engine's metrics, the same way for every process.
 */
import type { Counter } from 'prom-client';
import type { Email, SentEmail } from '../clients/email';
import type { PostedSlackMessage, SlackMessage } from '../clients/slack';
import type { Config } from '../config';
import type { ReportEmail } from '../domain/notification-format';
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

export function createNotifier({ config, slack, email, metrics }: ActivityDeps) {
  return {
    postToSlack(process: string, message: SlackMessage): Promise<PostedSlackMessage> {
      return counted(metrics.slackMessages, { process }, () => slack.postMessage(message));
    },
    /** To REPORT_RECIPIENTS. */
    emailRecipients(report: string, mail: Omit<Email, 'to'>): Promise<SentEmail> {
      return counted(metrics.emails, { report }, () => email.send({ to: config.email.reportRecipients, ...mail }));
    },
  };
}
