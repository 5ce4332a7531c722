/**
 * The sandbox's mailbox page for people, newest first. Every value is escaped; an HTML body is
 * shown in a sandboxed iframe (escaped into `srcdoc`) so it renders without running anything.
 */
import escapeHtml from 'escape-html';
import { sandboxPage } from '../ui-page';
import type { ReceivedEmail } from './smtp-sandbox';

export function renderMailboxPage(newestFirst: readonly ReceivedEmail[]): string {
  return sandboxPage('SMTP sandbox', `${newestFirst.length} message(s).`, newestFirst.map(renderEmail));
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
