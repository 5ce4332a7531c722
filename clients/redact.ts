/**
 * The one redactor: log lines (workers/logger.ts), the error messages clients build from what a
 * server answered, and the failure messages activities hand to Temporal all pass through it.
 *
 * Every secret is cut out whatever its length (a one-character password included), in each form a
 * lower layer may have written it: raw, JSON-escaped, URL-encoded (`%40`) and form-encoded (`+`).
 * One shorter than 4 characters is cut out wherever it stands on its own (`u:p@host`, `"p"`,
 * `Bearer p`), not inside a longer run of letters and digits: the `p` of `polling` is not the
 * password `p`, and cutting every such letter would make every log line unreadable.
 */

export const REDACTED = '***';

export type Redact = (text: string) => string;

function forms(secret: string): string[] {
  return [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)];
}

/** A function that replaces every given secret (empty ones ignored) in a text. */
const SHORT = 4;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function redactor(secrets: Iterable<string | undefined>): Redact {
  const values = [...new Set([...secrets].filter((s): s is string => typeof s === 'string' && s.length > 0).flatMap(forms))]
    // Longest first, so a secret containing another is replaced whole.
    .sort((a, b) => b.length - a.length);
  if (!values.length) return (text) => text;
  const long = values.filter((s) => s.length >= SHORT).map(escape);
  const short = values.filter((s) => s.length < SHORT).map(escape);
  const alternatives = [...long, ...(short.length ? [`(?<![A-Za-z0-9])(?:${short.join('|')})(?![A-Za-z0-9])`] : [])];
  const pattern = new RegExp(alternatives.join('|'), 'g');
  return (text) => text.replace(pattern, REDACTED);
}

/** `redactor(secrets)(text)`, for a single use. */
export function redact(text: string, secrets: Iterable<string | undefined>): string {
  return redactor(secrets)(text);
}
