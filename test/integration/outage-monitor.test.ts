/**
 * P2 on a real Temporal server with short intervals: what reaches the outage e-mail, and what
 * does not (ticketed, recovered, test enterprise), one quarantine per edge keeping its first
 * detection time, and Bruin failing mid-run changing nothing in the result.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { outageReportWorkflowId, quarantineWorkflowId } from '../../activities/outages';
import { clientIdOf } from '../../domain/edges';
import type { OutageEntry } from '../../domain/outage-report';
import { formatInZone } from '../../domain/time';
import { startSandboxes, type SandboxSet } from '../../sandbox';
import type { TruthEdge } from '../../sandbox/velocloud';
import type { OutageDetectorResult, QuarantineResult } from '../../workflows/outage-monitor';
import { makeFleetHealthy, pickEdges, setEdgeState } from '../support/fleet';
import { value } from '../support/metrics';
import { recordHistory, startTestWorker, type TestWorker } from '../support/temporal';

const QUARANTINE = '6s';

describe('P2 service outage monitor', () => {
  let sandboxes: SandboxSet;
  let worker: TestWorker;

  const detect = async (): Promise<{ result: OutageDetectorResult; workflowId: string }> => {
    const workflowId = `outage-detector-${randomUUID()}`;
    const result: OutageDetectorResult = await worker.client.workflow.execute('outageDetectorWorkflow', {
      taskQueue: worker.taskQueue,
      workflowId,
      args: [{ chunkSize: 25 }],
    });
    return { result, workflowId };
  };
  const quarantineOf = (edge: TruthEdge) =>
    worker.client.workflow.getHandle(quarantineWorkflowId({ host: edge.host, enterpriseId: edge.enterpriseId, edgeId: edge.id }));
  const report = async () => {
    const workflowId = `outage-reporter-${randomUUID()}`;
    await worker.client.workflow.execute('outageReporterWorkflow', { taskQueue: worker.taskQueue, workflowId });
    return workflowId;
  };

  beforeAll(async () => {
    sandboxes = await startSandboxes({ fleet: { seed: 5, totalEdges: 60, testEnterpriseShare: 0.25 } });
    worker = await startTestWorker({ env: { ...sandboxes.env, OUTAGE_QUARANTINE: QUARANTINE, TIMEZONE: 'US/Eastern' } });
    makeFleetHealthy(sandboxes);
  });

  afterAll(async () => {
    await worker?.client.workflow.getHandle(outageReportWorkflowId(worker.taskQueue)).terminate().catch(() => undefined);
    await worker?.stop();
    await sandboxes?.stop();
  });

  it('reports, after quarantine, only the edges still down without an open VOO ticket', async () => {
    const [reported, ticketed, recovers, linkDown] = pickEdges(sandboxes, 'customer', 4);
    const [testEdge] = pickEdges(sandboxes, 'test', 1);
    for (const edge of [reported!, ticketed!, recovers!, testEdge!]) setEdgeState(sandboxes, edge, 'OFFLINE');
    const counted = linkDown!.links.find((l) => l.backupState !== 'STANDBY')!;
    sandboxes.velocloud.byHostName(linkDown!.host).setLink(linkDown!.id, counted.interface, { state: 'DISCONNECTED' });
    sandboxes.bruin.seedTickets({
      clientId: clientIdOf(ticketed!.enterpriseName)!,
      ticketStatus: 'InProgress',
      category: 'SD-WAN',
      topic: 'VOO',
      details: [ticketed!.serialNumber],
    });

    const first = await detect();
    expect(first.result).toMatchObject({ listed: 60, processed: 60, failed: 0, outages: 5 });
    const firstDetection = (await quarantineOf(reported!).describe()).startTime;

    // Seen again while quarantined: the same quarantine, keeping its first detection time.
    setEdgeState(sandboxes, recovers!, 'CONNECTED');
    await sleep(1_000);
    const second = await detect();
    expect(second.result.outages).toBe(4);
    // Bruin fails mid-run: tokens revoked (401 → one re-login) and the next calls answer 503.
    sandboxes.bruin.revokeTokens();
    sandboxes.bruin.setFaults({ errorNext: 2, errorStatus: 503 });

    const outcome = async (edge: TruthEdge) => (await quarantineOf(edge).result()) as QuarantineResult;
    const reportedResult = await outcome(reported!);
    expect(reportedResult).toMatchObject({ outcome: 'reported', detections: 2, state: 'OFFLINE' });
    expect(Date.parse(reportedResult.detectedAt)).toBeLessThanOrEqual(firstDetection.getTime() + 1_000);
    expect(await outcome(linkDown!)).toMatchObject({ outcome: 'reported', state: 'CONNECTED' });
    expect(await outcome(ticketed!)).toMatchObject({ outcome: 'ticketed', ticketIds: [expect.any(Number)] });
    expect(await outcome(recovers!)).toMatchObject({ outcome: 'recovered', state: 'CONNECTED' });
    expect(await outcome(testEdge!)).toMatchObject({ outcome: 'test-enterprise' });
    expect(sandboxes.bruin.faults.errorNext).toBe(0);

    // Search attributes let an operator find the runs of one edge.
    const runs = [];
    // (Other test files on this server may use the same seeded serials: only this task queue counts.)
    for await (const run of worker.client.workflow.list({ query: `EdgeSerial = '${reported!.serialNumber}' AND TaskQueue = '${worker.taskQueue}'` })) {
      runs.push(run);
    }
    expect(runs.map((r) => r.type)).toEqual(['outageQuarantineWorkflow']);
    expect(runs[0]!.searchAttributes).toMatchObject({ VcoHost: [reported!.host], Process: ['service-outage-monitor'] });

    const reporterId = await report();
    const [mail] = await sandboxes.smtp.waitForMessages(1, 30_000);
    expect(mail!.to).toEqual(['noc@sandbox.example']);
    expect(mail!.subject).toBe('[DRY RUN] Service outage report: 2 edges in outage without a ticket');
    const csv = mail!.attachments.find((a) => a.filename.endsWith('.csv'))!.content;
    for (const edge of [reported!, linkDown!]) {
      expect(csv.split(edge.serialNumber)).toHaveLength(2);
      expect(mail!.html).toContain(edge.serialNumber);
    }
    for (const edge of [ticketed!, recovers!, testEdge!]) {
      expect(csv).not.toContain(edge.serialNumber);
      expect(mail!.html).not.toContain(edge.serialNumber);
    }
    expect(csv).toContain(formatInZone(reportedResult.detectedAt, 'US/Eastern'));
    expect(mail!.html).toContain(`/#!/operator/customer/${reported!.enterpriseId}/monitor/edge/${reported!.id}/`);
    expect(await value(worker.registry, 'automation_outages_reported_total')).toBe(2);
    expect(await value(worker.registry, 'automation_outages_quarantined_total')).toBe(5);

    await recordHistory(worker.client, first.workflowId, 'outage-detector');
    await recordHistory(worker.client, quarantineWorkflowId({ host: reported!.host, enterpriseId: reported!.enterpriseId, edgeId: reported!.id }), 'outage-quarantine-reported');
    await recordHistory(worker.client, reporterId, 'outage-reporter');

    // The list starts afresh: the next report has nothing to send.
    sandboxes.smtp.clear();
    await report();
    const reportWorkflow = worker.client.workflow.getHandle(outageReportWorkflowId(worker.taskQueue));
    await sleep(1_000);
    expect(await reportWorkflow.query('pendingOutages')).toEqual([]);
    expect(sandboxes.smtp.messages()).toHaveLength(0);
    await recordHistory(worker.client, outageReportWorkflowId(worker.taskQueue), 'outage-report-list');
  });

  it('an edge down through two detector runs is one line of the report, with its first detection', async () => {
    makeFleetHealthy(sandboxes);
    sandboxes.smtp.clear();
    const [edge] = pickEdges(sandboxes, 'customer', 1);
    setEdgeState(sandboxes, edge!, 'OFFLINE');
    const runs: QuarantineResult[] = [];
    for (let i = 0; i < 2; i++) {
      expect((await detect()).result.outages).toBe(1);
      // Each detector run after the previous quarantine closed starts a new one for the edge.
      runs.push((await quarantineOf(edge!).result()) as QuarantineResult);
    }
    expect(runs.map((r) => r.outcome)).toEqual(['reported', 'reported']);
    expect(runs[0]!.detectedAt < runs[1]!.detectedAt).toBe(true);
    const pending = await worker.client.workflow.getHandle(outageReportWorkflowId(worker.taskQueue)).query<OutageEntry[]>('pendingOutages');
    expect(pending.filter((entry) => entry.serial === edge!.serialNumber)).toEqual([
      expect.objectContaining({ serial: edge!.serialNumber, detectedAt: runs[0]!.detectedAt }),
    ]);

    await report();
    const [mail] = await sandboxes.smtp.waitForMessages(1, 30_000);
    const csv = mail!.attachments.find((a) => a.filename.endsWith('.csv'))!.content;
    const lines = csv.split('\n').filter((line) => line.includes(edge!.serialNumber));
    process.stdout.write(`edge down through 2 detector runs: ${lines.length} report line(s)\n`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(formatInZone(runs[0]!.detectedAt, 'US/Eastern'));
    setEdgeState(sandboxes, edge!, 'CONNECTED');
  });
});
