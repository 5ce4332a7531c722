/**
 * The worker as operators run it: `node dist/workers/main.js` (built by `npm test`'s first step).
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { TEST_CODEC_KEYS } from '../support/codec';
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
  // A one-character password: redacted wherever it stands alone, and the logs stay readable.
  SMTP_URL: 'smtp://u:p@127.0.0.1:9',
  EMAIL_FROM: 'engine@example.com',
  REPORT_RECIPIENTS: 'noc@example.com',
};

describe('worker process', () => {
  it('refuses to start on bad configuration, listing every problem', () => {
    const result = spawnSync(process.execPath, [WORKER_SCRIPT], {
      env: { PATH: process.env.PATH ?? '', SLACK_CHANNEL: '#noc', AUTOMATION_MODE: 'sometimes', TEMPORAL_TLS_CERT: '/etc/engine/client.pem' },
      encoding: 'utf8',
      cwd: '/',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid configuration');
    for (const name of ['BRUIN_BASE_URL', 'SLACK_BOT_TOKEN', 'SMTP_URL', 'AUTOMATION_MODE', 'VELOCLOUD_CREDENTIALS', 'TEMPORAL_TLS_KEY']) {
      expect(result.stderr).toContain(name);
    }
  });

  it('says at start-up when payload encryption is off', async () => {
    const worker = await spawnWorker({ ...baseEnv, TEMPORAL_ADDRESS: testAddress(), TEMPORAL_TASK_QUEUE: `no-key-${randomUUID()}`, TEMPORAL_CODEC_KEYS: '' });
    try {
      await worker.waitUntilReady();
      const line = worker
        .output()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => typeof l.msg === 'string' && l.msg.startsWith('payload encryption'));
      expect(line).toMatchObject({ level: 'warn', msg: 'payload encryption OFF: TEMPORAL_CODEC_KEYS is not set, workflow histories hold customer data in clear' });
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited;
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
      for (const secret of ['vco-secret-77', 'bruin-secret-77', 'xoxb-77', TEST_CODEC_KEYS.split(':')[1]!]) expect(output).not.toContain(secret);

      // Start-up says what protects the data and names every plaintext connection.
      const lines = output.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.find((l) => l.msg === 'payload encryption on')).toMatchObject({ level: 'info', cipher: 'AES-256-GCM', encryptingKey: 'test-1', decryptingKeys: ['test-1'] });
      expect(lines.find((l) => l.msg === 'temporal connection')).toMatchObject({ transport: 'plaintext', apiKey: false });
      const plaintext = lines.find((l) => l.msg === 'plaintext connections');
      expect(plaintext).toMatchObject({ level: 'warn' });
      expect(plaintext!.connections).toEqual([
        `Temporal ${testAddress()} without TLS (loopback)`,
        'BRUIN_BASE_URL http://127.0.0.1:9 over http:// (loopback)',
        'BRUIN_LOGIN_URL http://127.0.0.1:9 over http:// (loopback)',
        'SMTP 127.0.0.1:9 without TLS (loopback)',
      ]);
      expect(lines.find((l) => l.msg === 'worker starting')).toMatchObject({ hosts: ['127.0.0.1', '127.0.0.1'] });
    });

    it('drains and exits 0 on SIGTERM', async () => {
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
      expect(worker.output()).toContain('worker stopped');
      await expect(get(`http://127.0.0.1:${worker.healthPort}/healthz`)).rejects.toThrow();
    });
  });
});
