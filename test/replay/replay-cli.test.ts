/**
 * `npm run replay`: a history exported from Temporal replays against the current code, and a
 * history the code no longer matches is reported as non-deterministic with exit code 1. An
 * encrypted history (exported without --codec-endpoint) replays through the codec with
 * TEMPORAL_CODEC_KEYS, and without them fails saying so.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { replayFiles } from '../../clients/temporal/replay-cli';
import { codecKeys, TEST_CODEC_KEYS } from '../support/codec';
import { COMMITTED_HISTORIES, ROOT } from '../support/paths';

const CLI = join(ROOT, 'dist', 'clients', 'temporal', 'replay-cli.js');
const REPORTER = join(COMMITTED_HISTORIES, 'outageReporterWorkflow.json');
const CYCLE = join(COMMITTED_HISTORIES, 'edgeMonitoringCycleWorkflow.json');
/** Recorded by the integration tests with the test key: its payloads are encrypted. */
const ENCRYPTED = join(COMMITTED_HISTORIES, 'serviceAffectingMonitorWorkflow.json');

// The non-determinism the test provokes is expected; keep the worker's own warnings out of the output.
Runtime.install({ logger: new DefaultLogger('ERROR') });

describe('replay CLI', () => {
  let dir: string;
  let changed: string;
  let unreadable: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'replay-cli-'));
    // As if the workflow had called another activity when this history was recorded.
    changed = join(dir, 'changed.json');
    writeFileSync(changed, readFileSync(REPORTER, 'utf8').replaceAll('"requestOutageReport"', '"someOtherActivity"'));
    unreadable = join(dir, 'unreadable.json');
    writeFileSync(unreadable, '{ "events": [');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('replays histories, fan-out children included, and tells non-determinism from unreadable files', async () => {
    const outcomes = await replayFiles([REPORTER, CYCLE, changed, unreadable]);
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.nonDeterministic ? 'non-deterministic' : 'failed'))).toEqual([
      'ok',
      'ok',
      'non-deterministic',
      'failed',
    ]);
    expect(outcomes[2]).toMatchObject({ message: expect.stringContaining('someOtherActivity') });
  });

  it('replays an encrypted history through the codec with the keys, and says what is missing without them', async () => {
    expect(readFileSync(ENCRYPTED, 'utf8')).toContain(Buffer.from('binary/encrypted').toString('base64'));
    expect(await replayFiles([ENCRYPTED], codecKeys(TEST_CODEC_KEYS))).toEqual([{ file: ENCRYPTED, ok: true }]);
    const [without] = await replayFiles([ENCRYPTED], []);
    expect(without).toMatchObject({ ok: false, nonDeterministic: false, message: 'encrypted with key "test-1", which TEMPORAL_CODEC_KEYS does not list' });

    const env = { PATH: process.env.PATH ?? '' };
    const cli = (extra: Record<string, string>) => spawnSync(process.execPath, [CLI, ENCRYPTED], { encoding: 'utf8', env: { ...env, ...extra }, cwd: dir });
    const keyless = cli({});
    expect(keyless.status).toBe(2);
    expect(keyless.stderr).toContain('set TEMPORAL_CODEC_KEYS');
    const keyed = cli({ TEMPORAL_CODEC_KEYS: TEST_CODEC_KEYS });
    expect(keyed.stdout).toContain(`ok          ${ENCRYPTED}`);
    expect(keyed.status).toBe(0);
  });

  it('exits 1 with a clear message on non-determinism, 0 when every history replays', () => {
    const bad = spawnSync(process.execPath, [CLI, REPORTER, changed], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`NON-DETERMINISTIC ${changed}`);
    expect(bad.stderr).toContain('patched()');
    const good = spawnSync(process.execPath, [CLI, REPORTER], { encoding: 'utf8' });
    expect(good.stdout).toContain(`ok          ${REPORTER}`);
    expect(good.status).toBe(0);
  });
});
