/**
 * Secrets stay in the worker's configuration: they appear in no workflow input, result or history,
 * and in no log line, even when an error message carries one.
 */
import { randomUUID } from 'node:crypto';
import { secretValues } from '../../config';
import { createLogger } from '../../workers/logger';
import { recordHistory, sdkLogLines, startTestWorker } from '../support/temporal';

describe('secrets', () => {
  it('never reach a workflow history or a log line', async () => {
    const unique = randomUUID().slice(0, 8);
    const secretEnv = {
      VELOCLOUD_CREDENTIALS: `vco.example.net+ops+vco-pass-${unique}`,
      BRUIN_CLIENT_SECRET: `bruin-${unique}`,
      SLACK_BOT_TOKEN: `xoxb-${unique}`,
      SMTP_URL: `smtp://mailer:smtp-${unique}@127.0.0.1:2525`,
      T7_BASE_URL: 'http://127.0.0.1:9/t7',
      T7_TOKEN: `t7-${unique}`,
    };
    const env = await startTestWorker({ env: secretEnv });
    const secrets = secretValues(env.config);
    // The five of the outside systems, and the payload key of the tests.
    expect(secrets).toHaveLength(6);

    // The worker's real logger, scrubbing the configured secrets, receives an error that quotes one.
    const lines: string[] = [];
    const logger = createLogger({ secrets, write: (l) => lines.push(l) });
    logger.error({ err: new Error(`login failed for ${env.config.email.smtpUrl}`) }, `token ${secretEnv.SLACK_BOT_TOKEN}`);

    try {
      const workflowId = `secrets-${unique}`;
      const result = await env.client.workflow.execute('engineHeartbeatWorkflow', {
        taskQueue: env.taskQueue,
        workflowId,
        args: [],
      });
      expect(result).toMatchObject({ orchestrators: ['vco.example.net'] });
      const history = await recordHistory(env.client, workflowId, 'secrets-heartbeat');
      const logs = [...env.logLines, ...sdkLogLines, ...lines].join('\n');
      expect(sdkLogLines.length).toBeGreaterThan(0);
      expect(lines.length).toBe(1);
      for (const secret of secrets) {
        expect(history).not.toContain(secret);
        expect(logs).not.toContain(secret);
      }
    } finally {
      await env.stop();
    }
  });
});
