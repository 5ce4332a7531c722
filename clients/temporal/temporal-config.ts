/** Reads temporal-config/: the search attributes and dynamic config shared by every server we start. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from './project';

export type SearchAttributeKind = 'Keyword' | 'Text' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

export function searchAttributeDefinitions(): Record<string, SearchAttributeKind> {
  return JSON.parse(readFileSync(join(projectRoot(), 'temporal-config', 'search-attributes.json'), 'utf8')) as Record<
    string,
    SearchAttributeKind
  >;
}

/** Dynamic config values without constraints, as `KEY=JSON` pairs for `--dynamic-config-value`. */
export function dynamicConfigFlags(): string[] {
  const file = parse(readFileSync(join(projectRoot(), 'temporal-config', 'dynamic-config.yaml'), 'utf8')) as Record<
    string,
    Array<{ value: unknown; constraints?: unknown }>
  >;
  return Object.entries(file ?? {}).flatMap(([key, entries]) =>
    entries
      .filter((entry) => entry.constraints === undefined)
      .flatMap((entry) => ['--dynamic-config-value', `${key}=${JSON.stringify(entry.value)}`]),
  );
}
