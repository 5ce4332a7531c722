/**
 * Starts every loopback stand-in at once — VeloCloud orchestrators serving a generated fleet,
 * Bruin, T7, Slack and SMTP — and gives the environment variables that point the engine at them.
 * Used by `npm run demo`, the integration tests and the benchmark.
 */
import { startBruinSandbox, type BruinSandbox } from './bruin';
import { startSlackSandbox, type SlackSandbox } from './slack';
import { startSmtpSandbox, type SmtpSandbox } from './smtp';
import { startT7Sandbox, type T7Sandbox } from './t7';
import { generateFleet, startVelocloudSandboxes, type FleetOptions, type VelocloudSandboxFleet } from './velocloud';

export interface SandboxSetOptions {
  fleet?: Partial<FleetOptions>;
  /** Fixed ports for people (demo); free ports when absent. */
  ports?: { bruin?: number; t7?: number; slack?: number; smtp?: number; smtpHttp?: number };
  /** Slack messages a second per channel (Infinity in tests that post bursts). */
  slackRatePerSecond?: number;
}

export interface SandboxSet {
  velocloud: VelocloudSandboxFleet;
  bruin: BruinSandbox;
  t7: T7Sandbox;
  slack: SlackSandbox;
  smtp: SmtpSandbox;
  /** The engine's configuration for these sandboxes (merge over your own). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export const SANDBOX_SLACK_CHANNEL = 'noc';

/** The sandboxes' credentials; tests check that none of them ever reaches a workflow history. */
export const SANDBOX_SECRETS = {
  velocloudPassword: 'sandbox-password',
  bruinClientSecret: 'bruin-sandbox-secret',
  t7Token: 't7-sandbox-token',
  slackToken: 'xoxb-sandbox-token',
  smtpPassword: 'sandbox-mail-pass',
} as const;

export async function startSandboxes(options: SandboxSetOptions = {}): Promise<SandboxSet> {
  const fleet = generateFleet({
    seed: 7,
    hosts: ['vco-east.sandbox', 'vco-west.sandbox'],
    enterprisesPerHost: 4,
    totalEdges: 200,
    ...options.fleet,
  });
  const started: Array<{ stop(): Promise<void> }> = [];
  const keep = <T extends { stop(): Promise<void> }>(s: T): T => {
    started.push(s);
    return s;
  };
  try {
    const velocloud = keep(await startVelocloudSandboxes(fleet, { password: SANDBOX_SECRETS.velocloudPassword }));
    const bruin = keep(await startBruinSandbox({ port: options.ports?.bruin, clientSecret: SANDBOX_SECRETS.bruinClientSecret }));
    const t7 = keep(await startT7Sandbox({ port: options.ports?.t7, token: SANDBOX_SECRETS.t7Token }));
    const slack = keep(
      await startSlackSandbox({
        port: options.ports?.slack,
        token: SANDBOX_SECRETS.slackToken,
        channels: [SANDBOX_SLACK_CHANNEL],
        ratePerSecond: options.slackRatePerSecond,
      }),
    );
    const smtp = keep(
      await startSmtpSandbox({ smtpPort: options.ports?.smtp, httpPort: options.ports?.smtpHttp, user: 'engine', password: SANDBOX_SECRETS.smtpPassword }),
    );
    return {
      velocloud,
      bruin,
      t7,
      slack,
      smtp,
      env: {
        VELOCLOUD_CREDENTIALS: velocloud.credentials,
        VELOCLOUD_VERIFY_SSL: 'no',
        ...bruin.env,
        T7_BASE_URL: t7.config.baseUrl,
        T7_TOKEN: t7.config.token,
        SLACK_BOT_TOKEN: SANDBOX_SECRETS.slackToken,
        SLACK_CHANNEL: `#${SANDBOX_SLACK_CHANNEL}`,
        SLACK_API_URL: slack.apiUrl,
        SMTP_URL: smtp.smtpUrl,
        EMAIL_FROM: 'automation-engine@sandbox.example',
        REPORT_RECIPIENTS: 'noc@sandbox.example',
      },
      stop: async () => {
        await Promise.all(started.map((s) => s.stop()));
      },
    };
  } catch (error) {
    await Promise.all(started.map((s) => s.stop()));
    throw error;
  }
}
