import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { CONFIG_VARIABLES, loadConfig } from '../../config';
import { CODEC_SERVER_VARIABLES, loadCodecServerConfig } from '../../config/codec-server';
import { ROOT } from '../support/paths';

describe('.env.example', () => {
  const example = parse(readFileSync(join(ROOT, '.env.example'), 'utf8'));

  const env = Object.fromEntries(Object.entries(example).map(([k, v]) => [k, v.replace(/\s+#.*$/, '')]));

  it('documents every variable the configuration and the codec server read', () => {
    const missing = [...CONFIG_VARIABLES, ...CODEC_SERVER_VARIABLES].filter((name) => !(name in example));
    expect(missing).toEqual([]);
  });

  it('is itself a valid configuration, for the worker and for the codec server', () => {
    expect(() => loadConfig(env)).not.toThrow();
    expect(() => loadCodecServerConfig(env)).not.toThrow();
  });
});
