/** The frame of the sandboxes' pages for people: one look, refreshing itself every 10 s. */
import escapeHtml from 'escape-html';

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}
article{border:1px solid #ddd;border-radius:6px;padding:.75rem 1rem;margin:.75rem 0}
header{color:#555;font-size:.85rem}
pre{white-space:pre-wrap;word-break:break-word;margin:.5rem 0}
iframe{width:100%;height:20rem;border:1px solid #eee}`;

/** `summary` and `items` are HTML the caller already escaped; the title is escaped here. */
export function sandboxPage(title: string, summary: string, items: string[]): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="10">
<title>${escapeHtml(title)}</title>
<style>
${STYLE}
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>${summary}</p>
${items.join('\n') || '<p>No messages yet.</p>'}
</body>
</html>`;
}
