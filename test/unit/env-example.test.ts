import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { CONFIG_VARIABLES, loadConfig } from '../../config';
import { ROOT } from '../support/paths';

describe('.env.example', () => {
  const example = parse(readFileSync(join(ROOT, '.env.example'), 'utf8'));

  it('documents every variable the configuration reads', () => {
    const missing = CONFIG_VARIABLES.filter((name) => !(name in example));
    expect(missing).toEqual([]);
  });

  it('is itself a valid configuration', () => {
    const env = Object.fromEntries(Object.entries(example).map(([k, v]) => [k, v.replace(/\s+#.*$/, '')]));
    expect(() => loadConfig(env)).not.toThrow();
  });
});
