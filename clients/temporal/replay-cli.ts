/**
 * `npm run replay -- <history.json> [more.json ...]`
 *
 * Replays workflow histories against the workflow code of this checkout, as a worker would after a
 * deploy. Export a history with
 *   temporal workflow show --workflow-id <id> [--run-id <run>] --output json > history.json
 * Exit codes: 0 every history replays; 1 a history no longer matches the code (non-determinism:
 * running workflows of that type would get stuck after the deploy); 2 a file could not be read or
 * replay failed for another reason.
 *
 * Encrypted histories (exported without --codec-endpoint) replay through the payload codec with
 * the keys of TEMPORAL_CODEC_KEYS (environment or .env); decoded ones need no key.
 */
import 'dotenv/config';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { DefaultLogger, makeTelemetryFilterString, Runtime, Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { parseCodecKeys, type CodecKey } from '../../config/codec-keys';
import { defaultWorkflowBundlePath } from '../../workers/worker';
import { engineDataConverter } from './codec/data-converter';
import { ENCRYPTED_ENCODING, METADATA_KEY_ID } from './codec/encryption-codec';

const USAGE = 'usage: npm run replay -- <history.json> [more.json ...]  (export one with: temporal workflow show --workflow-id <id> --output json)';

export type ReplayOutcome = { file: string; ok: true } | { file: string; ok: false; nonDeterministic: boolean; message: string };

/** The prebuilt bundle when there is one (the image); otherwise the workflows are bundled from this checkout. */
function replayOptions(keys: readonly CodecKey[]): ReplayWorkerOptions {
  const bundle = defaultWorkflowBundlePath();
  const dataConverter = engineDataConverter(keys);
  return bundle ? { workflowBundle: { codePath: bundle }, dataConverter } : { workflowsPath: require.resolve('../../workflows'), dataConverter };
}

/** The codec keys of TEMPORAL_CODEC_KEYS; a malformed value is an error, not a silent "no keys". */
export function replayCodecKeys(env: Record<string, string | undefined> = process.env): CodecKey[] {
  const problems: string[] = [];
  const keys = parseCodecKeys(env.TEMPORAL_CODEC_KEYS, problems);
  if (problems.length) throw new Error(problems.join('\n'));
  return keys;
}

/**
 * The id the run had: workflows derive their children's ids from their own, so replaying under
 * another id would look like non-determinism.
 */
function recordedWorkflowId(history: unknown): string | undefined {
  const events = (history as { events?: Array<{ workflowExecutionStartedEventAttributes?: { workflowId?: unknown } }> }).events;
  const id = events?.[0]?.workflowExecutionStartedEventAttributes?.workflowId;
  return typeof id === 'string' && id ? id : undefined;
}

/** The ids of the keys a history's encrypted payloads name (proto3 JSON: metadata values in base64). */
export function encryptionKeyIds(history: unknown): Set<string> {
  const ids = new Set<string>();
  const encrypted = Buffer.from(ENCRYPTED_ENCODING).toString('base64');
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const metadata = (node as { metadata?: Record<string, unknown> }).metadata;
    if (metadata && metadata.encoding === encrypted && typeof metadata[METADATA_KEY_ID] === 'string') {
      ids.add(Buffer.from(metadata[METADATA_KEY_ID], 'base64').toString('utf8'));
    }
    Object.values(node).forEach(walk);
  };
  walk(history);
  return ids;
}

export async function replayFiles(files: string[], keys: readonly CodecKey[] = replayCodecKeys()): Promise<ReplayOutcome[]> {
  const options = replayOptions(keys);
  const outcomes: ReplayOutcome[] = [];
  for (const file of files) {
    let history: unknown;
    try {
      history = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      outcomes.push({ file, ok: false, nonDeterministic: false, message: `cannot read a JSON history: ${(error as Error).message}` });
      continue;
    }
    const missing = [...encryptionKeyIds(history)].filter((id) => !keys.some((k) => k.id === id));
    if (missing.length) {
      const names = missing.map((id) => `"${id}"`).join(', ');
      outcomes.push({ file, ok: false, nonDeterministic: false, message: `encrypted with key ${names}, which TEMPORAL_CODEC_KEYS does not list` });
      continue;
    }
    try {
      await Worker.runReplayHistory(options, history, recordedWorkflowId(history) ?? basename(file));
      outcomes.push({ file, ok: true });
    } catch (error) {
      const nonDeterministic = error instanceof DeterminismViolationError;
      outcomes.push({ file, ok: false, nonDeterministic, message: (error as Error).message });
    }
  }
  return outcomes;
}

async function main(files: string[]): Promise<number> {
  if (!files.length || files.some((f) => f === '-h' || f === '--help')) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  // The verdict is printed below; the SDK core's own warning about the same failure would only repeat it.
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
  });
  const outcomes = await replayFiles(files);
  for (const outcome of outcomes) {
    if (outcome.ok) {
      process.stdout.write(`ok          ${outcome.file}\n`);
    } else if (outcome.nonDeterministic) {
      process.stderr.write(
        `NON-DETERMINISTIC ${outcome.file}\n  ${outcome.message}\n` +
          '  The workflow code no longer produces the commands this history recorded. Guard the change with\n' +
          '  patched()/deprecatePatch() so running workflows keep the old path, or let them finish before deploying.\n',
      );
    } else {
      process.stderr.write(`FAILED      ${outcome.file}\n  ${outcome.message}\n`);
      if (/binary\/encrypted|TEMPORAL_CODEC_KEYS/.test(outcome.message)) {
        process.stderr.write(
          '  The history holds encrypted payloads: set TEMPORAL_CODEC_KEYS to the keys that wrote them (or export the\n' +
            '  history with: temporal workflow show --codec-endpoint <codec server> --output json).\n',
        );
      }
    }
  }
  if (outcomes.some((o) => !o.ok && o.nonDeterministic)) return 1;
  return outcomes.every((o) => o.ok) ? 0 : 2;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    },
  );
}
