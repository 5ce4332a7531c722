import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { loadConfig } from '../../config';
import { ROOT } from '../support/paths';

describe('.env.example', () => {
  const example = parse(readFileSync(join(ROOT, '.env.example'), 'utf8'));
  const source = readFileSync(join(ROOT, 'config', 'index.ts'), 'utf8');
  const used = [...source.matchAll(/\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b/g)]
    .map((m) => m[1] as string)
    .filter((name) => !['SECRET_VARIABLES', 'MAX_FAULTY_IN_SUMMARY'].includes(name));

  it('documents every variable the configuration reads', () => {
    const missing = [...new Set(used)].filter((name) => !(name in example));
    expect(missing).toEqual([]);
  });

  it('is itself a valid configuration', () => {
    const env = Object.fromEntries(Object.entries(example).map(([k, v]) => [k, v.replace(/\s+#.*$/, '')]));
    expect(() => loadConfig(env)).not.toThrow();
  });
});
