/**
 * P5 on a real Temporal server: the schedule is a cron in the configured zone (its next run is
 * day 1 at 08:00 there), a run fired through the schedule (trigger, not a month's wait) e-mails the
 * edges silent for 30 days or more, skipping never-contacted ones, with the summary and the CSV.
 */
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { applySchedules, scheduleDefinitions } from '../../clients/temporal/schedules';
import { displayEnterprise } from '../../domain/edges';
import { startSmtpSandbox, type SmtpSandbox } from '../../sandbox/smtp';
import { NEVER_CONTACTED, startVelocloudSandbox, type VelocloudSandbox } from '../../sandbox/velocloud';
import type { LastContactResult } from '../../workflows/last-contact';
import { firstRunOf, recordHistory, startTestWorker, type TestWorker } from '../support/temporal';

const DAY = 86_400_000;

describe('last contact report', () => {
  let vco: VelocloudSandbox;
  let smtp: SmtpSandbox;
  let env: TestWorker;
  const scheduleId = `last-contact-report-${randomUUID()}`;

  beforeAll(async () => {
    [vco, smtp] = await Promise.all([startVelocloudSandbox({ seed: 5 }), startSmtpSandbox()]);
    env = await startTestWorker({
      env: { VELOCLOUD_CREDENTIALS: vco.credentialsEntry, SMTP_URL: smtp.smtpUrl, TIMEZONE: 'Australia/Sydney', REPORT_RECIPIENTS: 'noc@example.com' },
    });
  });
  afterAll(async () => {
    await env.client.schedule.getHandle(scheduleId).delete().catch(() => undefined);
    await env.stop();
    await Promise.all([vco.stop(), smtp.stop()]);
  });

  it('runs monthly on day 1 at 08:00 in TIMEZONE and, fired now, e-mails every edge silent 30 days or more', async () => {
    const edges = vco.fleetTruth().edges;
    const [justStale, almost, never] = edges.filter((e) => e.edgeState === 'CONNECTED');
    const longGone = edges.find((e) => e.enterpriseId !== justStale!.enterpriseId && e.edgeState === 'CONNECTED')!;
    const now = Date.now();
    vco.setLastContact(longGone.id, new Date(now - 200 * DAY));
    vco.setLastContact(justStale!.id, new Date(now - 30 * DAY - 3_600_000));
    vco.setLastContact(almost!.id, new Date(now - 29 * DAY));
    vco.setLastContact(never!.id, null);
    const truth = vco.fleetTruth().edges;
    const expected = truth.filter((e) => e.lastContact !== NEVER_CONTACTED && now - Date.parse(e.lastContact) > 30 * DAY).map((e) => e.serialNumber);
    expect(expected).toContain(justStale!.serialNumber);
    expect(expected).toContain(longGone.serialNumber);

    const definition = scheduleDefinitions(env.config).find((d) => d.scheduleId === 'last-contact-report')!;
    await applySchedules(env.client, env.config, { definitions: [{ ...definition, scheduleId }] });
    const handle = env.client.schedule.getHandle(scheduleId);
    const described = await handle.describe();
    expect(described.spec.timezone).toBe('Australia/Sydney');
    const next = DateTime.fromJSDate(described.info.nextActionTimes[0]!).setZone('Australia/Sydney');
    expect({ day: next.day, hour: next.hour, minute: next.minute }).toEqual({ day: 1, hour: 8, minute: 0 });

    await handle.trigger();
    const workflowId = await firstRunOf(env.client, scheduleId);
    const result = (await env.client.workflow.getHandle(workflowId).result()) as LastContactResult;
    expect(result).toMatchObject({ edges: expected.length, missingHosts: [], recipients: 1 });
    await recordHistory(env.client, workflowId, 'last-contact-report');

    const [mail] = await smtp.waitForMessages(1, 10_000);
    const month = DateTime.fromISO(result.asOf).setZone('Australia/Sydney').toFormat('LLLL yyyy');
    expect(mail!.subject).toBe(`Last contact report ${month}: ${expected.length} edges silent for 30 days or more`);
    const csv = mail!.attachments.find((a) => a.filename.endsWith('.csv'))!;
    const rows = csv.content.trim().split(/\r?\n/).slice(1);
    expect(rows).toHaveLength(expected.length);
    for (const serial of expected) expect(csv.content).toContain(serial);
    expect(csv.content).not.toContain(almost!.serialNumber);
    expect(csv.content).not.toContain(never!.serialNumber);
    const row = rows.find((r) => r.includes(justStale!.serialNumber))!;
    expect(row).toContain(`,30,`);
    expect(row).toContain(`/#!/operator/customer/${justStale!.enterpriseId}/monitor/edge/${justStale!.id}/`);
    expect(mail!.html).toContain(displayEnterprise(justStale!.enterpriseName));
  });
});
