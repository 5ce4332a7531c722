/** The sandbox's page for people: what the engine posted, newest first. Every value is escaped. */
import { escapeHtml } from '../../domain/notification-format';
import type { ReceivedSlackMessage, SlackChannel } from './slack-sandbox';

export function renderMessagesPage(newestFirst: readonly ReceivedSlackMessage[], channels: readonly SlackChannel[]): string {
  const items = newestFirst.map(renderMessage).join('\n');
  const known = channels.map((c) => `#${escapeHtml(c.name)} (${escapeHtml(c.id)})`).join(', ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="10">
<title>Slack sandbox</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}
article{border:1px solid #ddd;border-radius:6px;padding:.75rem 1rem;margin:.75rem 0}
header{color:#555;font-size:.85rem}
pre{white-space:pre-wrap;word-break:break-word;margin:.5rem 0}
</style>
</head>
<body>
<h1>Slack sandbox</h1>
<p>${newestFirst.length} message(s). Channels: ${known || 'none'}.</p>
${items || '<p>No messages yet.</p>'}
</body>
</html>`;
}

function renderMessage(message: ReceivedSlackMessage): string {
  const blocks = message.blocks
    ? `<details><summary>${message.blocks.length} block(s)</summary><pre>${escapeHtml(JSON.stringify(message.blocks, null, 2))}</pre></details>`
    : '';
  return `<article>
<header>#${escapeHtml(message.channelName)} · ${escapeHtml(message.receivedAt)} · ts ${escapeHtml(message.ts)}</header>
<pre>${escapeHtml(message.text)}</pre>
${blocks}
</article>`;
}
