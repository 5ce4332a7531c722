/**
 * The worker as operators run it: `node dist/workers/main.js` (built by `npm test`'s first step).
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { testAddress, testClient } from '../support/temporal';
import { get, spawnWorker, waitFor, WORKER_SCRIPT, type WorkerProcess } from '../support/worker-process';

const baseEnv = {
  VELOCLOUD_CREDENTIALS: 'vco.example.net+ops+vco-secret-77',
  BRUIN_BASE_URL: 'http://127.0.0.1:9',
  BRUIN_LOGIN_URL: 'http://127.0.0.1:9',
  BRUIN_CLIENT_ID: 'engine',
  BRUIN_CLIENT_SECRET: 'bruin-secret-77',
  SLACK_BOT_TOKEN: 'xoxb-77',
  SLACK_CHANNEL: '#noc',
  SMTP_URL: 'smtp://u:p@127.0.0.1:9',
  EMAIL_FROM: 'engine@example.com',
  REPORT_RECIPIENTS: 'noc@example.com',
};

describe('worker process', () => {
  it('refuses to start on bad configuration, listing every problem', () => {
    const result = spawnSync(process.execPath, [WORKER_SCRIPT], {
      env: { PATH: process.env.PATH ?? '', SLACK_CHANNEL: '#noc', AUTOMATION_MODE: 'sometimes' },
      encoding: 'utf8',
      cwd: '/',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid configuration');
    for (const name of ['BRUIN_BASE_URL', 'SLACK_BOT_TOKEN', 'SMTP_URL', 'AUTOMATION_MODE', 'VELOCLOUD_CREDENTIALS']) {
      expect(result.stderr).toContain(name);
    }
  });

  describe('running', () => {
    let worker: WorkerProcess;
    const taskQueue = `worker-process-${randomUUID()}`;

    beforeAll(async () => {
      worker = await spawnWorker({ ...baseEnv, TEMPORAL_ADDRESS: testAddress(), TEMPORAL_TASK_QUEUE: taskQueue });
    });

    afterAll(() => {
      if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    });

    it('serves health, readiness and metrics, runs workflows, and logs JSON without secrets', async () => {
      await worker.waitUntilReady();
      expect((await get(`http://127.0.0.1:${worker.healthPort}/healthz`)).status).toBe(200);

      const client = await testClient();
      try {
        const result = await client.workflow.execute('engineHeartbeatWorkflow', {
          taskQueue,
          workflowId: `heartbeat-${randomUUID()}`,
          args: [],
        });
        expect(result).toMatchObject({ orchestrators: ['vco.example.net'], worker: taskQueue });
      } finally {
        await client.connection.close();
      }

      const metrics = await waitFor('SDK metrics', async () => {
        const r = await get(`http://127.0.0.1:${worker.metricsPort}/metrics`);
        return r.body.includes('temporal_workflow_completed') ? r.body : undefined;
      });
      expect(metrics).toContain('process_resident_memory_bytes');
      expect(metrics).toMatch(/temporal_worker_task_slots_available\{[^}]*task_queue="[^"]+"/);

      const output = worker.output();
      for (const line of output.trim().split('\n')) expect(() => JSON.parse(line) as unknown).not.toThrow();
      expect(output).toContain('worker polling');
      for (const secret of ['vco-secret-77', 'bruin-secret-77', 'xoxb-77']) expect(output).not.toContain(secret);
    });

    it('drains and exits 0 on SIGTERM', async () => {
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
      expect(worker.output()).toContain('worker stopped');
      await expect(get(`http://127.0.0.1:${worker.healthPort}/healthz`)).rejects.toThrow();
    });
  });
});
