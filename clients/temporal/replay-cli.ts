/**
 * `npm run replay -- <history.json> [more.json ...]`
 *
 * Replays workflow histories against the workflow code of this checkout, as a worker would after a
 * deploy. Export a history with
 *   temporal workflow show --workflow-id <id> [--run-id <run>] --output json > history.json
 * Exit codes: 0 every history replays; 1 a history no longer matches the code (non-determinism:
 * running workflows of that type would get stuck after the deploy); 2 a file could not be read or
 * replay failed for another reason.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { DefaultLogger, makeTelemetryFilterString, Runtime, Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { defaultWorkflowBundlePath } from '../../workers/worker';

const USAGE = 'usage: npm run replay -- <history.json> [more.json ...]  (export one with: temporal workflow show --workflow-id <id> --output json)';

export type ReplayOutcome = { file: string; ok: true } | { file: string; ok: false; nonDeterministic: boolean; message: string };

/** The prebuilt bundle when there is one (the image); otherwise the workflows are bundled from this checkout. */
function replayOptions(): ReplayWorkerOptions {
  const bundle = defaultWorkflowBundlePath();
  return bundle ? { workflowBundle: { codePath: bundle } } : { workflowsPath: require.resolve('../../workflows') };
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

export async function replayFiles(files: string[]): Promise<ReplayOutcome[]> {
  const options = replayOptions();
  const outcomes: ReplayOutcome[] = [];
  for (const file of files) {
    let history: unknown;
    try {
      history = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      outcomes.push({ file, ok: false, nonDeterministic: false, message: `cannot read a JSON history: ${(error as Error).message}` });
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
