/**
 * The worker as operators run it: `node dist/workers/main.js` (built by `npm test`'s first step).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { freePort } from '../../clients/temporal/free-port';
import { ROOT } from '../support/paths';
import { testAddress, testClient } from '../support/temporal';

const WORKER = join(ROOT, 'dist', 'workers', 'main.js');

const baseEnv = {
  PATH: process.env.PATH ?? '',
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

async function get(url: string): Promise<{ status: number; body: string }> {
  const response = await request(url);
  return { status: response.statusCode, body: await response.body.text() };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('worker process', () => {
  it('refuses to start on bad configuration, listing every problem', () => {
    const result = spawnSync(process.execPath, [WORKER], {
      env: { PATH: baseEnv.PATH, SLACK_CHANNEL: '#noc', AUTOMATION_MODE: 'sometimes' },
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
    let worker: ChildProcess;
    let output = '';
    let metricsPort: number;
    let healthPort: number;
    const taskQueue = `worker-process-${randomUUID()}`;

    beforeAll(async () => {
      metricsPort = await freePort();
      healthPort = await freePort();
      worker = spawn(process.execPath, [WORKER], {
        env: {
          ...baseEnv,
          TEMPORAL_ADDRESS: testAddress(),
          TEMPORAL_TASK_QUEUE: taskQueue,
          METRICS_PORT: String(metricsPort),
          HEALTH_PORT: String(healthPort),
        },
        cwd: '/',
      });
      worker.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      worker.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    });

    afterAll(() => {
      if (worker.exitCode === null) worker.kill('SIGKILL');
    });

    it('serves health, readiness and metrics, runs workflows, and logs JSON without secrets', async () => {
      expect((await waitFor('/healthz', async () => get(`http://127.0.0.1:${healthPort}/healthz`))).status).toBe(200);
      await waitFor('/readyz', async () => {
        const r = await get(`http://127.0.0.1:${healthPort}/readyz`);
        return r.status === 200 ? r : undefined;
      });

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
        const r = await get(`http://127.0.0.1:${metricsPort}/metrics`);
        return r.body.includes('temporal_workflow_completed') ? r.body : undefined;
      });
      expect(metrics).toContain('process_resident_memory_bytes');
      expect(metrics).toMatch(/temporal_worker_task_slots_available\{[^}]*task_queue="[^"]+"/);

      const lines = output.trim().split('\n');
      for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
      expect(output).toContain('worker polling');
      for (const secret of ['vco-secret-77', 'bruin-secret-77', 'xoxb-77']) expect(output).not.toContain(secret);
    });

    it('drains and exits 0 on SIGTERM', async () => {
      const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
      worker.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toContain('worker stopped');
      await expect(get(`http://127.0.0.1:${healthPort}/healthz`)).rejects.toThrow();
    });
  });
});
