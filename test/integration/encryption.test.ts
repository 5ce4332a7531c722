/**
 * Payload encryption on a real Temporal server. With a key configured, P1 to P4 run against the
 * sandboxes (production mode: Bruin tickets and notes, Slack posts, an outage e-mail), and then
 * every history of the task queue is read as the server holds it, without the codec: no customer
 * name, serial, site (edge) name or note text appears anywhere outside the search attributes, in
 * any event field or inside any payload (decoded from base64 to look). The same histories read
 * through the codec server, and through `temporal workflow show --codec-endpoint`, are clear.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import { resolveTemporalCli } from '../../clients/temporal/temporal-cli';
import type { TruthEdge } from '../../sandbox/velocloud';
import { EncryptionCodec } from '../../clients/temporal/codec/encryption-codec';
import { codecKeys, TEST_CODEC_KEYS, testCodecUrl } from '../support/codec';
import { historyJson, leaks, payloadsOf, readableTexts, decodeBase64, type Json } from '../support/history-scan';
import { startMonitoredFleet, type MonitoredFleet } from '../support/monitored-fleet';
import { testAddress, testClient, startTestWorker, type TestWorker } from '../support/temporal';

const run = promisify(execFile);
jest.setTimeout(180_000);

const CUSTOMER_NOTE = 'Customer called: the Phoenix store manager says every register is offline';

let fleet: MonitoredFleet;
let worker: TestWorker;
let raw: Client;
let troubled: TruthEdge;
let down: TruthEdge;
let ticketId: number;
/** Every run of the task queue: [workflowId, runId]. */
let runs: Array<[string, string]> = [];

async function execute(type: string, args: unknown[] = []): Promise<unknown> {
  return worker.client.workflow.execute(type, { taskQueue: worker.taskQueue, workflowId: `${type}-${randomUUID()}`, args });
}

const workerCodec = new EncryptionCodec(codecKeys(TEST_CODEC_KEYS));
const fromJson = (p: { metadata?: Record<string, string>; data?: string }) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});

async function decodeThroughCodecServer(payloads: unknown[]): Promise<Array<{ metadata: Record<string, string>; data: string }>> {
  const response = await fetch(`${testCodecUrl()}/decode`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-namespace': 'default' },
    body: JSON.stringify({ payloads }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { payloads: Array<{ metadata: Record<string, string>; data: string }> }).payloads;
}

beforeAll(async () => {
  fleet = await startMonitoredFleet(17);
  [troubled, down] = fleet.edges as [TruthEdge, TruthEdge];
  fleet.vco.setLink(troubled.id, 'GE1', { bestLatencyMsRx: 95 });
  fleet.vco.setEdgeState(down.id, 'OFFLINE');
  fleet.vco.setLink(down.id, 'GE1', { state: 'DISCONNECTED' });
  ticketId = fleet.bruin.seedTickets({ clientId: fleet.clientIdOf(down), topic: 'VOO', details: [down.serialNumber], notes: [CUSTOMER_NOTE] })[0]!.ticketId;
  fleet.t7.setPredictions(ticketId, [{ asset: down.serialNumber, predictions: [{ name: 'Dispatch Tech On Site', probability: 0.7 }] }]);
  worker = await startTestWorker({ env: fleet.env([troubled, down], { AUTOMATION_MODE: 'production', OUTAGE_QUARANTINE: '1s' }) });
  raw = await testClient('');

  await execute('edgeMonitoringCycleWorkflow', [{}]);
  await execute('edgeStatusReportWorkflow');
  await execute('outageDetectorWorkflow', [{}]);
  await execute('serviceAffectingMonitorWorkflow');
  await execute('outageTriageWorkflow');
  // Quarantines end after 1 s; wait for them so the report workflow has their entries.
  for await (const info of raw.workflow.list({ query: `TaskQueue = '${worker.taskQueue}' AND WorkflowType = 'outageQuarantineWorkflow'` })) {
    await raw.workflow.getHandle(info.workflowId, info.runId).result().catch(() => undefined);
  }
  await execute('outageReporterWorkflow');

  runs = [];
  for await (const info of raw.workflow.list({ query: `TaskQueue = '${worker.taskQueue}'` })) runs.push([info.workflowId, info.runId]);
});

afterAll(async () => {
  await raw?.connection.close();
  await worker?.stop();
  await fleet?.stop();
});

/** What must never be stored in clear: customer names, serials, site names, note texts of this fleet. */
function sensitiveValues(): string[] {
  const truth = fleet.vco.fleetTruth();
  const customers = truth.enterprises.filter((e) => e.clientId).flatMap((e) => [e.name, e.name.split('|')[0]!]);
  const edges = truth.edges.flatMap((e) => [e.serialNumber, e.name]).filter(Boolean);
  const notes = fleet.bruin
    .allTickets()
    .flatMap((t) => t.notes.map((n) => n.noteValue))
    .flatMap((note) => note.split('\n'))
    // Lines that carry data (not the marker line or a bare label).
    .filter((line) => line.length >= 16 && !line.startsWith('#*'));
  return [...new Set([...customers, ...edges, ...notes, CUSTOMER_NOTE])];
}

describe('payload encryption', () => {
  it('ran every process, wrote notes, and stored every run of them', () => {
    const types = new Set(runs.map(([id]) => id.split('-')[0]));
    expect(runs.length).toBeGreaterThanOrEqual(8);
    expect(types.size).toBeGreaterThan(3);
    const notes = fleet.bruin.allTickets().flatMap((t) => t.notes);
    expect(notes.length).toBeGreaterThanOrEqual(3); // the customer's, P3's trouble note, P4's triage note
    expect(fleet.smtp.messages().length + fleet.slack.messages().length).toBeGreaterThan(0);
  });

  it('stores no customer name, serial, site name or note text outside the search attributes', async () => {
    const sensitive = sensitiveValues();
    expect(sensitive.length).toBeGreaterThan(50);
    const found: string[] = [];
    let encrypted = 0;
    let markers = 0;
    for (const [workflowId, runId] of runs) {
      const history = await historyJson(raw, workflowId, runId);
      found.push(...leaks(readableTexts(history as unknown as Json), sensitive).map((leak) => `${workflowId}: ${leak}`));
      const payloads = payloadsOf(history as unknown as Json).filter((p) => !p.searchAttribute);
      encrypted += payloads.filter((p) => decodeBase64(p.payload.metadata!.encoding!) === 'binary/encrypted').length;
      // Payloads in clear are only the SDK core's own markers (patch ids, local activity bookkeeping).
      const clear = payloads.filter((p) => decodeBase64(p.payload.metadata!.encoding!) !== 'binary/encrypted');
      for (const p of clear) expect(`${workflowId} ${p.path}`).toMatch(/markerRecordedEventAttributes\.details\.(patch-data|data)\.payloads\[\d+\]$/);
      markers += clear.length;
    }
    process.stdout.write(
      `${runs.length} histories read without the codec: ${encrypted} payloads encrypted, ${markers} clear (SDK markers), ` +
        `${found.length} of ${sensitive.length} customer names, serials, site names and note lines found\n`,
    );
    expect(found).toEqual([]);
    expect(encrypted).toBeGreaterThan(runs.length);
  });

  it('shows the same histories in clear through the codec server', async () => {
    const sensitive = sensitiveValues();
    const seen = new Set<string>();
    for (const [workflowId, runId] of runs) {
      const history = await historyJson(raw, workflowId, runId);
      const payloads = payloadsOf(history as unknown as Json).filter((p) => !p.searchAttribute).map((p) => p.payload);
      if (!payloads.length) continue;
      const decoded = await decodeThroughCodecServer(payloads);
      expect(decoded.filter((p) => decodeBase64(p.metadata.encoding!) === 'binary/encrypted')).toEqual([]);
      const texts = decoded.map((p) => decodeBase64(p.data));
      for (const value of sensitive) if (texts.some((t) => t.includes(value))) seen.add(value);
      // Exactly what the worker's own codec reads.
      const local = await workerCodec.decode(payloads.map(fromJson));
      expect(decoded.map(fromJson)).toEqual(local.map((p) => ({ metadata: { ...p.metadata }, data: Buffer.from(p.data!) })));
    }
    // The data is all there, readable to those who reach the codec server.
    for (const value of [troubled.serialNumber, down.serialNumber, down.name, down.enterpriseName, 'Edge Status: OFFLINE']) expect(seen).toContain(value);
  });

  it('shows them in clear with temporal workflow show --codec-endpoint, and encrypted without it', async () => {
    const cli = resolveTemporalCli({ install: false });
    const [triageRun] = runs.filter(([id]) => id === `outage-triage-${ticketId}`);
    expect(triageRun).toBeDefined();
    const show = async (...extra: string[]) =>
      JSON.parse(
        (await run(cli, ['workflow', 'show', '--address', testAddress(), '--workflow-id', triageRun![0], '--run-id', triageRun![1], '--output', 'json', ...extra], {
          env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent' },
          maxBuffer: 64 * 1024 * 1024,
        })).stdout,
      ) as Json;
    const plain = await show();
    expect(leaks(readableTexts(plain), [down.serialNumber, CUSTOMER_NOTE, down.name])).toEqual([]);

    const decoded = await show('--codec-endpoint', testCodecUrl());
    const payloads = payloadsOf(decoded).filter((p) => !p.searchAttribute);
    expect(payloads.length).toBeGreaterThan(0);
    expect(payloads.filter((p) => decodeBase64(p.payload.metadata!.encoding!) === 'binary/encrypted')).toEqual([]);
    const texts = readableTexts(decoded).join('\n');
    for (const value of [down.serialNumber, down.enterpriseName, 'Edge Status: OFFLINE']) expect(texts).toContain(value);
  });
});
