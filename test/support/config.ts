import { ConfigError, loadConfig, type Config } from '../../config';
import { TEST_CODEC_KEYS } from './codec';

/** A valid configuration for tests; pass variables to point it at sandboxes or change values. */
export function testConfig(env: Record<string, string | undefined> = {}): Config {
  return loadConfig({
    TEMPORAL_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS ?? 'localhost:7233',
    TEMPORAL_CODEC_KEYS: TEST_CODEC_KEYS,
    VELOCLOUD_CREDENTIALS: 'vco.example.net+ops@example.com+vco-password-123',
    BRUIN_BASE_URL: 'http://127.0.0.1:9/bruin',
    BRUIN_LOGIN_URL: 'http://127.0.0.1:9/bruin-login',
    BRUIN_CLIENT_ID: 'engine',
    BRUIN_CLIENT_SECRET: 'bruin-secret-123',
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_CHANNEL: '#noc',
    SMTP_URL: 'smtp://mailer:smtp-pass-123@127.0.0.1:9',
    EMAIL_FROM: 'engine@example.com',
    REPORT_RECIPIENTS: 'noc@example.com',
    ...env,
  });
}

/** The problems start-up would list for this environment (none when it loads). */
export function configProblems(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}
