/**
 * What an operator sees in a browser: the Temporal Web UI lists the engine's schedule and its runs,
 * shows a run's encrypted result in clear through the codec server, finds a run of one edge by its
 * EdgeSerial, and the Slack and SMTP sandbox pages show the message and the e-mail the engine sent.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { applySchedules, scheduleDefinitions } from '../../clients/temporal/schedules';
import { startSandboxes, type SandboxSet } from '../../sandbox';
import { launchBrowser, screenshotPath } from '../support/browser';
import { testCodecUrl } from '../support/codec';
import { historyJson, readableTexts } from '../support/history-scan';
import { makeFleetHealthy, pickEdges, setEdgeState, truthEdges } from '../support/fleet';
import { startTestWorker, testClient, type TestWorker } from '../support/temporal';

function uiUrl(): string {
  const url = process.env.TEMPORAL_TEST_UI_URL;
  if (!url) throw new Error('TEMPORAL_TEST_UI_URL is not set: run the tests through jest (global setup)');
  return url;
}

describe('seen in a browser', () => {
  let sandboxes: SandboxSet;
  let worker: TestWorker;
  let browser: Browser;
  let page: Page;
  const scheduleId = `ui-edge-monitoring-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    sandboxes = await startSandboxes({ fleet: { seed: 21, totalEdges: 30 }, slackRatePerSecond: Infinity });
    worker = await startTestWorker({ env: { ...sandboxes.env, OUTAGE_QUARANTINE: '1s' } });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.client.schedule.getHandle(scheduleId).delete().catch(() => undefined);
    await worker?.stop();
    await sandboxes?.stop();
  });

  it('shows the monitoring schedule and the run it started in the Temporal Web UI', async () => {
    const [monitoring] = scheduleDefinitions(worker.config);
    await applySchedules(worker.client, worker.config, { definitions: [{ ...monitoring!, scheduleId }], triggerNew: true });
    const handle = worker.client.schedule.getHandle(scheduleId);
    let runId: string | undefined;
    for (let i = 0; i < 100 && !runId; i++) {
      runId = (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId;
      if (!runId) await new Promise((r) => setTimeout(r, 200));
    }
    await worker.client.workflow.getHandle(runId!).result();

    await page.goto(`${uiUrl()}/namespaces/default/schedules`);
    await page.getByText(scheduleId).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: screenshotPath('web-ui-schedules') });

    await page.goto(`${uiUrl()}/namespaces/default/workflows?query=${encodeURIComponent(`WorkflowId = "${runId}"`)}`);
    await page.getByText(runId!).first().waitFor({ timeout: 30_000 });
    await page.getByText('edgeMonitoringCycleWorkflow').first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: screenshotPath('web-ui-cycle-run') });
  });

  it("shows a run's encrypted result in clear, decoded by the browser through the codec server", async () => {
    const workflowId = `ui-decoded-cycle-${randomUUID()}`;
    const handle = await worker.client.workflow.start('edgeMonitoringCycleWorkflow', { taskQueue: worker.taskQueue, workflowId, args: [{}] });
    const summary = (await handle.result()) as { processed: number };
    // A customer's name, which the result counts edges under.
    const enterprise = truthEdges(sandboxes)[0]!.enterpriseName.split('|')[0]!;
    expect(JSON.stringify(summary)).toContain(enterprise);
    // As stored, the result is ciphertext: the name is nowhere in the history read without the codec.
    const raw = await testClient('');
    try {
      expect(readableTexts(await historyJson(raw, workflowId)).some((t) => t.includes(enterprise))).toBe(false);
    } finally {
      await raw.connection.close();
    }

    const decodes: number[] = [];
    page.on('response', (response) => {
      if (response.url().startsWith(`${testCodecUrl()}/decode`)) decodes.push(response.status());
    });
    await page.goto(`${uiUrl()}/namespaces/default/workflows/${workflowId}/${handle.firstExecutionRunId}/history`);
    await page.getByText(`"processed": ${summary.processed}`).first().waitFor({ timeout: 30_000 });
    await page.getByText(enterprise).first().waitFor({ timeout: 30_000 });
    expect(decodes.length).toBeGreaterThan(0);
    expect(decodes.every((status) => status === 200)).toBe(true);
    expect(await page.getByText('binary/encrypted').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('web-ui-decoded-result'), fullPage: true });
  });

  it('finds the quarantine of one edge by EdgeSerial', async () => {
    makeFleetHealthy(sandboxes);
    const [edge] = pickEdges(sandboxes, 'customer', 1);
    setEdgeState(sandboxes, edge!, 'OFFLINE');
    await worker.client.workflow.execute('outageDetectorWorkflow', { taskQueue: worker.taskQueue, workflowId: `ui-detector-${randomUUID()}`, args: [{}] });

    await page.goto(`${uiUrl()}/namespaces/default/workflows?query=${encodeURIComponent(`EdgeSerial = "${edge!.serialNumber}"`)}`);
    await page.getByText('outageQuarantineWorkflow').first().waitFor({ timeout: 30_000 });
    await page.getByText(`outage-${edge!.host}-${edge!.enterpriseId}-${edge!.id}`).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: screenshotPath('web-ui-edge-serial') });
    // The next test's report needs this edge's quarantine to have ended.
    await worker.client.workflow.getHandle(`outage-${edge!.host}-${edge!.enterpriseId}-${edge!.id}`).result();
  });

  it('shows the Slack summary and the outage e-mail on the sandbox pages', async () => {
    await worker.client.workflow.execute('edgeMonitoringCycleWorkflow', { taskQueue: worker.taskQueue, workflowId: `ui-cycle-${randomUUID()}`, args: [{}] });
    await worker.client.workflow.execute('edgeStatusReportWorkflow', { taskQueue: worker.taskQueue, workflowId: `ui-report-${randomUUID()}` });
    await page.goto(`${sandboxes.slack.url}/ui`);
    await page.getByText('[DRY RUN]').first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: screenshotPath('slack-sandbox'), fullPage: true });

    await worker.client.workflow.execute('outageReporterWorkflow', { taskQueue: worker.taskQueue, workflowId: `ui-reporter-${randomUUID()}` });
    await sandboxes.smtp.waitForMessages(1, 30_000);
    await page.goto(`${sandboxes.smtp.httpUrl}/ui`);
    await page.getByText('Service outage report').first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: screenshotPath('smtp-sandbox'), fullPage: true });
  });
});
