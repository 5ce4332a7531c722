/**
 * TEMPORAL_CODEC_KEYS = `id:base64key,id2:base64key2`: the AES-256 keys of the payload codec
 * (clients/temporal/codec). The last one encrypts, every one decrypts, so a rotation appends a key
 * and keeps the old ones until no open run (and no history anyone must read) uses them.
 *
 * Problems name the entry and its id, never the key.
 */

export interface CodecKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

export const CODEC_KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function parseCodecKeys(value: string | undefined, problems: string[], variable = 'TEMPORAL_CODEC_KEYS'): CodecKey[] {
  const keys: CodecKey[] = [];
  const entries = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  entries.forEach((entry, index) => {
    const where = `${variable} entry ${index + 1}`;
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon).trim() : '';
    const encoded = colon > 0 ? entry.slice(colon + 1).trim() : '';
    if (!KEY_ID.test(id) || !encoded) {
      problems.push(`${where} must look like id:base64key (id: letters, digits, . _ -)`);
      return;
    }
    const key = Buffer.from(encoded, 'base64');
    if (!BASE64.test(encoded) || key.length !== CODEC_KEY_BYTES) {
      problems.push(`${where} (id ${id}): the key must be ${CODEC_KEY_BYTES} bytes in base64 (make one with: openssl rand -base64 32)`);
      return;
    }
    if (keys.some((k) => k.id === id)) {
      problems.push(`${where}: key id ${id} is listed twice`);
      return;
    }
    keys.push({ id, key });
  });
  return keys;
}

/** The key that encrypts: the last one listed. */
export function encryptingKey(keys: readonly CodecKey[]): CodecKey | undefined {
  return keys.at(-1);
}
