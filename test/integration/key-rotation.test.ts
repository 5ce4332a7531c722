/**
 * A key rotation keeps old runs readable. A quarantine starts under key test-1 and waits on its
 * timer; the worker is replaced by one whose TEMPORAL_CODEC_KEYS lists test-1 then test-2 (the new
 * key encrypts). The waiting run wakes, reads what test-1 wrote, and finishes writing with test-2;
 * the old runs stay readable to clients, the codec server and replay, none of which could read
 * the new payloads with test-1 alone.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { quarantineWorkflowId } from '../../activities/outages';
import { engineDataConverter } from '../../clients/temporal/codec/data-converter';
import { startSandboxes, type SandboxSet } from '../../sandbox';
import type { QuarantineResult } from '../../workflows/outage-monitor';
import { codecKeys, ROTATED_CODEC_KEYS, TEST_CODEC_KEYS, testCodecUrl } from '../support/codec';
import { makeFleetHealthy, pickEdges, setEdgeState } from '../support/fleet';
import { decodeBase64, historyJson, payloadsOf } from '../support/history-scan';
import { workflowBundlePath } from '../support/paths';
import { startTestWorker, testClient } from '../support/temporal';

jest.setTimeout(120_000);

let sandboxes: SandboxSet;
beforeAll(async () => {
  sandboxes = await startSandboxes({ fleet: { seed: 31, totalEdges: 20 } });
});
afterAll(async () => sandboxes?.stop());

const keyIdsOf = (payloads: ReturnType<typeof payloadsOf>) =>
  new Set(payloads.filter((p) => p.payload.metadata!['encryption-key-id']).map((p) => decodeBase64(p.payload.metadata!['encryption-key-id']!)));

describe('key rotation', () => {
  it('keeps runs written with the old key readable, and running ones running', async () => {
    makeFleetHealthy(sandboxes);
    const [edge] = pickEdges(sandboxes, 'customer', 1);
    setEdgeState(sandboxes, edge!, 'OFFLINE');
    const env = { ...sandboxes.env, OUTAGE_QUARANTINE: '6s' };
    const before = await startTestWorker({ env: { ...env, TEMPORAL_CODEC_KEYS: TEST_CODEC_KEYS } });
    const taskQueue = before.taskQueue;
    const detectorId = `rotation-detector-${randomUUID()}`;
    const quarantineId = quarantineWorkflowId({ host: edge!.host, enterpriseId: edge!.enterpriseId, edgeId: edge!.id });
    try {
      await before.client.workflow.execute('outageDetectorWorkflow', { taskQueue, workflowId: detectorId, args: [{}] });
      expect((await before.client.workflow.getHandle(quarantineId).describe()).status.name).toBe('RUNNING');
    } finally {
      await before.stop();
    }

    // The rotated worker takes over the waiting quarantine.
    const after = await startTestWorker({ env: { ...env, TEMPORAL_CODEC_KEYS: ROTATED_CODEC_KEYS }, taskQueue });
    const oldKeyOnly = await testClient(TEST_CODEC_KEYS);
    try {
      const result = (await after.client.workflow.getHandle(quarantineId).result()) as QuarantineResult;
      expect(result).toMatchObject({ outcome: 'reported', state: 'OFFLINE' });

      // Its history holds payloads of both keys; the detector's, of the old key only.
      const raw = await testClient('');
      const quarantine = await historyJson(raw, quarantineId);
      expect([...keyIdsOf(payloadsOf(quarantine))].sort()).toEqual(['test-1', 'test-2']);
      expect([...keyIdsOf(payloadsOf(await historyJson(raw, detectorId)))]).toEqual(['test-1']);
      await raw.connection.close();

      // Clients with the rotated keys read old and new; with the old key alone, the new is unreadable.
      expect(await after.client.workflow.getHandle(detectorId).result()).toMatchObject({ outages: 1 });
      expect(await oldKeyOnly.workflow.getHandle(detectorId).result()).toMatchObject({ outages: 1 });
      await expect(oldKeyOnly.workflow.getHandle(quarantineId).result()).rejects.toThrow('uses key "test-2", which TEMPORAL_CODEC_KEYS does not list');

      // The codec server (both keys) shows every payload in clear.
      const payloads = payloadsOf(quarantine).filter((p) => !p.searchAttribute).map((p) => p.payload);
      const response = await fetch(`${testCodecUrl()}/decode`, { method: 'POST', body: JSON.stringify({ payloads }) });
      const decoded = ((await response.json()) as { payloads: Array<{ metadata: Record<string, string> }> }).payloads;
      expect(decoded.filter((p) => decodeBase64(p.metadata.encoding!) === 'binary/encrypted')).toEqual([]);

      // Replay, as after a deploy, goes through the codec with both keys.
      const history = await after.client.workflow.getHandle(quarantineId).fetchHistory();
      await Worker.runReplayHistory(
        { workflowBundle: { codePath: workflowBundlePath() }, dataConverter: engineDataConverter(codecKeys(ROTATED_CODEC_KEYS)) },
        history,
        quarantineId,
      );
    } finally {
      await oldKeyOnly.connection.close();
      await after.stop();
      setEdgeState(sandboxes, edge!, 'CONNECTED');
    }
  });
});
