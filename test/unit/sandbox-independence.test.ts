/**
 * A sandbox written from the engine's client proves nothing: the two would agree on the same
 * mistake. So the sandboxes import nothing of the engine's (no type, schema or helper of clients/,
 * config/, domain/...), and the API clients import nothing of the sandboxes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Project files a source file imports (relative specifiers), as paths from the repository root. */
function localImports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import|require\()\s*['"](\.[^'"]*)['"]/g)].map((m) => m[1] as string);
  return specifiers.map((spec) => relative(ROOT, resolve(ROOT, dirname(file), spec)));
}

describe('sandboxes and clients share nothing', () => {
  it('finds the files it checks', () => {
    expect(sourceFiles('sandbox').length).toBeGreaterThan(20);
    expect(sourceFiles('clients').length).toBeGreaterThan(20);
  });

  it('no sandbox file imports anything outside sandbox/', () => {
    const leaks = sourceFiles('sandbox').flatMap((file) =>
      localImports(file)
        .filter((target) => !target.startsWith('sandbox/') && target !== 'sandbox')
        .map((target) => `${file} imports ${target}`),
    );
    expect(leaks).toEqual([]);
  });

  it('no API client imports a sandbox', () => {
    // clients/temporal/ holds the command-line entry points; `npm run demo` starts the sandboxes on purpose.
    const clients = sourceFiles('clients').filter((file) => !file.startsWith('clients/temporal/'));
    const leaks = clients.flatMap((file) =>
      localImports(file)
        .filter((target) => target === 'sandbox' || target.startsWith('sandbox/'))
        .map((target) => `${file} imports ${target}`),
    );
    expect(leaks).toEqual([]);
  });
});
