/**
 * The one redactor: log lines (workers/logger.ts), the error messages clients build from what a
 * server answered, and the failure messages activities hand to Temporal all pass through it.
 *
 * Every secret is cut out whatever its length (a two-character password included), in each form a
 * lower layer may have written it: raw, JSON-escaped, URL-encoded (`%40`) and form-encoded (`+`).
 * A very short secret costs readable logs (every occurrence of those characters becomes `***`):
 * that is the price of never printing it, and the cure is a longer secret.
 */

export const REDACTED = '***';

export type Redact = (text: string) => string;

function forms(secret: string): string[] {
  return [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)];
}

/** A function that replaces every given secret (empty ones ignored) in a text. */
export function redactor(secrets: Iterable<string | undefined>): Redact {
  const values = [...new Set([...secrets].filter((s): s is string => typeof s === 'string' && s.length > 0).flatMap(forms))]
    // Longest first, so a secret containing another is replaced whole.
    .sort((a, b) => b.length - a.length);
  if (!values.length) return (text) => text;
  const pattern = new RegExp(values.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return (text) => text.replace(pattern, REDACTED);
}

/** `redactor(secrets)(text)`, for a single use. */
export function redact(text: string, secrets: Iterable<string | undefined>): string {
  return redactor(secrets)(text);
}
