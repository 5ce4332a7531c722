/** The sandbox's page for people: what the engine posted, newest first. Every value is escaped. */
import escapeHtml from 'escape-html';
import { sandboxPage } from '../ui-page';
import type { ReceivedSlackMessage, SlackChannel } from './slack-sandbox';

export function renderMessagesPage(newestFirst: readonly ReceivedSlackMessage[], channels: readonly SlackChannel[]): string {
  const known = channels.map((c) => `#${escapeHtml(c.name)} (${escapeHtml(c.id)})`).join(', ');
  return sandboxPage('Slack sandbox', `${newestFirst.length} message(s). Channels: ${known || 'none'}.`, newestFirst.map(renderMessage));
}

function renderMessage(message: ReceivedSlackMessage): string {
  const blocks = message.blocks
    ? `<details><summary>${message.blocks.length} block(s)</summary><pre>${escapeHtml(JSON.stringify(message.blocks, null, 2))}</pre></details>`
    : '';
  const metadata = message.metadata
    ? `<details><summary>metadata ${escapeHtml(message.metadata.event_type)}</summary><pre>${escapeHtml(JSON.stringify(message.metadata.event_payload, null, 2))}</pre></details>`
    : '';
  return `<article>
<header>#${escapeHtml(message.channelName)} · ${escapeHtml(message.receivedAt)} · ts ${escapeHtml(message.ts)}</header>
<pre>${escapeHtml(message.text)}</pre>
${blocks}${metadata}
</article>`;
}
