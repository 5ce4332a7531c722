/**
 * Replays every recorded history against the current workflow code: the committed corpus
 * (test/replay/histories) and the histories the integration tests just recorded. A change that
 * makes a workflow non-deterministic fails here. Replay goes through the payload codec with the
 * test keys: recorded histories are encrypted (the corpus holds clear ones from before encryption
 * and encrypted ones), as a worker decodes them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { engineDataConverter } from '../../clients/temporal/codec/data-converter';
import { SANDBOX_SECRETS } from '../../sandbox';
import { codecKeys, ROTATED_CODEC_KEYS } from '../support/codec';
import { COMMITTED_HISTORIES, recordedHistoriesDir } from '../support/paths';

function historyFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => join(dir, f)) : [];
}

Runtime.install({ logger: new DefaultLogger('WARN') });

type HistoryJson = { events?: Array<{ workflowExecutionStartedEventAttributes?: { workflowId?: string } }> };

const files = [...historyFiles(COMMITTED_HISTORIES), ...historyFiles(recordedHistoriesDir())];

describe('replay', () => {
  it('has histories to replay', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it('finds no sandbox credential in any history', () => {
    const leaks = files.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return Object.values(SANDBOX_SECRETS)
        .filter((secret) => text.includes(secret))
        .map((secret) => `${file} contains ${secret.slice(0, 4)}…`);
    });
    expect(leaks).toEqual([]);
  });

  it('replays every history without non-determinism', async () => {
    // The recorded workflow id, not the file name: workflows derive child ids from their own id.
    const histories = files.map((file) => {
      const history = JSON.parse(readFileSync(file, 'utf8')) as HistoryJson;
      return { workflowId: history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowId ?? file, history };
    });
    const failures: string[] = [];
    const options = { workflowsPath: require.resolve('../../workflows'), dataConverter: engineDataConverter(codecKeys(ROTATED_CODEC_KEYS)) };
    for await (const result of Worker.runReplayHistories(options, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  });
});
