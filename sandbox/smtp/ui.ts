/**
 * The sandbox's mailbox page for people, newest first. Every value is escaped; an HTML body is
 * shown in a sandboxed iframe (escaped into `srcdoc`) so it renders without running anything.
 */
import { escapeHtml } from '../../domain/notification-format';
import type { ReceivedEmail } from './smtp-sandbox';

export function renderMailboxPage(newestFirst: readonly ReceivedEmail[]): string {
  const items = newestFirst.map(renderEmail).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="10">
<title>SMTP sandbox</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}
article{border:1px solid #ddd;border-radius:6px;padding:.75rem 1rem;margin:.75rem 0}
header{color:#555;font-size:.85rem}
pre{white-space:pre-wrap;word-break:break-word;margin:.5rem 0}
iframe{width:100%;height:20rem;border:1px solid #eee}
</style>
</head>
<body>
<h1>SMTP sandbox</h1>
<p>${newestFirst.length} message(s).</p>
${items || '<p>No messages yet.</p>'}
</body>
</html>`;
}

function renderEmail(email: ReceivedEmail): string {
  const attachments = email.attachments
    .map(
      (a) =>
        `<details><summary>📎 ${escapeHtml(a.filename)} (${escapeHtml(a.contentType)}, ${a.content.length} chars)</summary><pre>${escapeHtml(a.content)}</pre></details>`,
    )
    .join('\n');
  const html = email.html ? `<iframe sandbox="" title="HTML part" srcdoc="${escapeHtml(email.html)}"></iframe>` : '';
  return `<article>
<h2>${escapeHtml(email.subject || '(no subject)')}</h2>
<header>${escapeHtml(email.receivedAt)} · from ${escapeHtml(email.from)} · to ${escapeHtml(email.to.join(', '))}</header>
${html}
<details><summary>Plain-text part</summary><pre>${escapeHtml(email.text)}</pre></details>
${attachments}
</article>`;
}
