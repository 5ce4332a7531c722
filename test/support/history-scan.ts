/**
 * Reading histories as the Temporal server holds them, and as the codec server shows them: raw
 * (no codec) or decoded, in proto3 JSON (payload data and metadata in base64), and searching every
 * text of them, payload contents included, for values that must not be stored in clear.
 */
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The history of a run in the JSON `temporal workflow show --output json` writes, as read by `client`. */
export async function historyJson(client: Client, workflowId: string, runId?: string): Promise<{ events: Json[] }> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  return JSON.parse(historyToJSON(history)) as { events: Json[] };
}

/** Every payload object ({metadata, data}) of a JSON history, with its path; search attributes apart. */
export function payloadsOf(node: Json, path = ''): Array<{ path: string; payload: { metadata?: Record<string, string>; data?: string }; searchAttribute: boolean }> {
  const found: ReturnType<typeof payloadsOf> = [];
  const walk = (value: Json, at: string) => {
    if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${at}[${i}]`));
    if (!value || typeof value !== 'object') return;
    const metadata = value.metadata;
    if (metadata && typeof metadata === 'object' && !Array.isArray(metadata) && typeof metadata.encoding === 'string') {
      found.push({ path: at, payload: value, searchAttribute: /searchAttributes/.test(at) });
    }
    for (const [key, child] of Object.entries(value)) walk(child, `${at}.${key}`);
  };
  walk(node, path);
  return found;
}

export const decodeBase64 = (text: string) => Buffer.from(text, 'base64').toString('utf8');

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Every text of a JSON history outside its search attributes, each base64 text also decoded (a
 * clear payload's JSON is base64 in this form): what anyone who reads the history without the
 * codec can read.
 */
export function readableTexts(node: Json, skipKeys = ['searchAttributes']): string[] {
  const texts: string[] = [];
  const walk = (value: Json) => {
    if (typeof value === 'string') {
      texts.push(value);
      if (value.length >= 4 && value.length % 4 === 0 && BASE64.test(value)) texts.push(decodeBase64(value));
      return;
    }
    if (Array.isArray(value)) return value.forEach(walk);
    if (!value || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (skipKeys.includes(key)) continue;
      texts.push(key);
      walk(child);
    }
  };
  walk(node);
  return texts;
}

/** The values of `sensitive` found in `texts`, each with where it was seen (shortened). */
export function leaks(texts: string[], sensitive: Iterable<string>): string[] {
  const found: string[] = [];
  for (const value of sensitive) {
    const where = texts.find((t) => t.includes(value));
    if (where !== undefined) found.push(`${value} in ${JSON.stringify(where.slice(0, 160))}`);
  }
  return found;
}
