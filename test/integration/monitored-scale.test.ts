/**
 * P3 and P4 with 2,000 monitored devices: each run finishes well within its 10-minute interval,
 * with every device scanned and every open VOO ticket of a monitored edge triaged. Durations are
 * printed, not asserted (the machine is shared).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandboxes, type SandboxSet } from '../../sandbox';
import type { OutageTriageResult } from '../../workflows/outage-triage';
import type { ServiceAffectingResult } from '../../workflows/service-affecting';
import { truthEdges } from '../support/fleet';
import { startTestWorker, type TestWorker } from '../support/temporal';

jest.setTimeout(600_000);

const DEVICES = 2_000;
const TICKETS = 60;

let sandboxes: SandboxSet;
let worker: TestWorker;

beforeAll(async () => {
  sandboxes = await startSandboxes({ fleet: { seed: 3, hosts: ['vco-scale.sandbox'], enterprisesPerHost: 12, totalEdges: DEVICES }, slackRatePerSecond: Infinity });
  const edges = truthEdges(sandboxes).filter((e) => e.serialNumber);
  const devices = edges.map((edge) => ({
    serial: edge.serialNumber,
    host: edge.host,
    enterpriseId: edge.enterpriseId,
    edgeId: edge.id,
    contact: { name: 'Site Manager', email: 'site@example.com', phone: '+1 305 555 0100' },
  }));
  const file = join(mkdtempSync(join(tmpdir(), 'scale-')), 'devices.json');
  writeFileSync(file, JSON.stringify(devices));
  const clients = new Map(sandboxes.velocloud.sandboxes.flatMap((s) => s.fleetTruth().enterprises.map((e) => [e.id, e.clientId])));
  const customerEdges = edges.filter((e) => clients.get(e.enterpriseId));
  sandboxes.bruin.seedTickets(
    customerEdges.slice(0, TICKETS).map((edge) => ({ clientId: clients.get(edge.enterpriseId)!, topic: 'VOO', ticketStatus: 'InProgress', details: [edge.serialNumber] })),
  );
  worker = await startTestWorker({ env: { ...sandboxes.env, MONITORED_DEVICES_FILE: file, AUTOMATION_MODE: 'production' } });
  expect(devices.length).toBeGreaterThanOrEqual(DEVICES * 0.95);
});

afterAll(async () => {
  await worker?.stop();
  await sandboxes?.stop();
});

async function timed<T>(type: string): Promise<{ result: T; seconds: number }> {
  const started = Date.now();
  const result = (await worker.client.workflow.execute(type, { taskQueue: worker.taskQueue, workflowId: `${type}-${randomUUID()}`, args: [] })) as T;
  return { result, seconds: (Date.now() - started) / 1000 };
}

describe(`${DEVICES} monitored devices`, () => {
  it('P3 scans every device in one run', async () => {
    const { result, seconds } = await timed<ServiceAffectingResult>('serviceAffectingMonitorWorkflow');
    const scanned = Object.entries(result.outcomes).filter(([outcome]) => outcome !== 'scan-failed');
    process.stdout.write(`P3 over ${result.devices} monitored devices: ${seconds.toFixed(1)} s (interval 600 s), outcomes ${JSON.stringify(result.outcomes)}\n`);
    expect(result.devices).toBeGreaterThanOrEqual(DEVICES * 0.95);
    expect(result.outcomes['scan-failed'] ?? 0).toBe(0);
    expect(scanned.length).toBeGreaterThan(0);
  });

  it(`P4 finds and triages the ${TICKETS} open VOO tickets among them`, async () => {
    const { result, seconds } = await timed<OutageTriageResult>('outageTriageWorkflow');
    process.stdout.write(`P4 over ${DEVICES} monitored devices and ${TICKETS} tickets: ${seconds.toFixed(1)} s (interval 600 s)\n`);
    if (result.failed) {
      for await (const run of worker.client.workflow.list({ query: `TaskQueue = '${worker.taskQueue}' AND ExecutionStatus = 'Failed'` })) {
        const failure: unknown = await worker.client.workflow.getHandle(run.workflowId, run.runId).result().catch((error: unknown) => error);
        const cause = failure instanceof Error && failure.cause instanceof Error ? failure.cause.message : String(failure);
        process.stdout.write(`failed: ${run.workflowId}: ${cause}\n`);
      }
    }
    expect(result).toMatchObject({ tickets: TICKETS, firstNotes: TICKETS, failed: 0 });
    const noted = sandboxes.bruin.allTickets().filter((t) => t.topic === 'VOO' && t.notes.length === 1);
    expect(noted).toHaveLength(TICKETS);
  });
});
