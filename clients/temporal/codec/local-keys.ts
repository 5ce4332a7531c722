/**
 * Payload keys for local work (`npm run temporal`, `npm run demo`): TEMPORAL_CODEC_KEYS when set,
 * else a key made once and kept in .data/codec-keys (readable by its owner only), so the local dev
 * server's histories are encrypted from the first run and stay readable across restarts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseCodecKeys, type CodecKey } from '../../../config/codec-keys';
import { projectRoot } from '../project';

export interface LocalCodecKeys {
  /** The TEMPORAL_CODEC_KEYS value, to hand to the processes started. */
  value: string;
  keys: CodecKey[];
  /** Where they came from, for the operator. */
  source: string;
}

export const LOCAL_KEYS_FILE = join(projectRoot(), '.data', 'codec-keys');

export function localCodecKeys(env: Record<string, string | undefined> = process.env, file = LOCAL_KEYS_FILE): LocalCodecKeys {
  const fromEnv = env.TEMPORAL_CODEC_KEYS?.trim();
  let value = fromEnv;
  let source = 'TEMPORAL_CODEC_KEYS';
  if (!value) {
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `local-1:${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    }
    value = readFileSync(file, 'utf8').trim();
    source = file;
  }
  const problems: string[] = [];
  const keys = parseCodecKeys(value, problems);
  if (problems.length || !keys.length) throw new Error(`${source}: ${problems.join('; ') || 'no key'}`);
  return { value, keys, source };
}
