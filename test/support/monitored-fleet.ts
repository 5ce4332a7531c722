/**
 * Sandboxes for P3/P4/P5 integration tests: one VCO, Bruin, Slack, SMTP and T7, with monitored
 * devices chosen from the generated fleet and the engine's environment pointing at all of them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MonitoredDevice } from '../../config';
import { startBruinSandbox, type BruinSandbox } from '../../sandbox/bruin';
import { startSlackSandbox, type SlackSandbox } from '../../sandbox/slack';
import { startSmtpSandbox, type SmtpSandbox } from '../../sandbox/smtp';
import { startT7Sandbox, type T7Sandbox } from '../../sandbox/t7';
import { startVelocloudSandbox, type TruthEdge, type VelocloudSandbox } from '../../sandbox/velocloud';

export interface MonitoredFleet {
  vco: VelocloudSandbox;
  bruin: BruinSandbox;
  slack: SlackSandbox;
  smtp: SmtpSandbox;
  t7: T7Sandbox;
  /** Connected edges of ticketable enterprises with GE1 and GE2, every link healthy. */
  edges: TruthEdge[];
  clientIdOf(edge: TruthEdge): number;
  /** The engine's environment; MONITORED_DEVICES_FILE lists `monitored`. */
  env(monitored: TruthEdge[], extra?: Record<string, string>): Record<string, string>;
  stop(): Promise<void>;
}

const HEALTHY = { bestLatencyMsRx: 20, bestLatencyMsTx: 20, bestLossPctRx: 0, bestLossPctTx: 0, backupState: 'UNCONFIGURED' };

export async function startMonitoredFleet(seed = 7): Promise<MonitoredFleet> {
  const [vco, bruin, slack, smtp, t7] = await Promise.all([
    startVelocloudSandbox({ seed }),
    startBruinSandbox(),
    startSlackSandbox({ ratePerSecond: Infinity }),
    startSmtpSandbox(),
    startT7Sandbox(),
  ]);
  const truth = vco.fleetTruth();
  const clientIds = new Map(truth.enterprises.map((e) => [e.id, e.clientId]));
  const edges = truth.edges.filter(
    (e) => e.edgeState === 'CONNECTED' && clientIds.get(e.enterpriseId) && ['GE1', 'GE2'].every((i) => e.links.some((l) => l.interface === i)),
  );
  for (const edge of edges) {
    for (const link of edge.links) {
      const wireless = link.serviceGroups.includes('PUBLIC_WIRELESS');
      vco.setLink(edge.id, link.interface, { ...HEALTHY, serviceGroups: wireless ? link.serviceGroups : ['PUBLIC_WIRED'] });
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'monitored-'));
  let files = 0;
  return {
    vco,
    bruin,
    slack,
    smtp,
    t7,
    edges,
    clientIdOf: (edge) => clientIds.get(edge.enterpriseId) as number,
    env(monitored, extra = {}) {
      const devices: MonitoredDevice[] = monitored.map((edge) => ({
        serial: edge.serialNumber,
        host: vco.hostName,
        enterpriseId: edge.enterpriseId,
        edgeId: edge.id,
        contact: { name: 'Site Manager', email: 'site@example.com', phone: '+1 305 555 0100' },
      }));
      const file = join(dir, `devices-${files++}.json`);
      writeFileSync(file, JSON.stringify(devices));
      return {
        VELOCLOUD_CREDENTIALS: vco.credentialsEntry,
        ...bruin.env,
        SLACK_BOT_TOKEN: slack.token,
        SLACK_API_URL: slack.apiUrl,
        SLACK_CHANNEL: '#noc',
        SMTP_URL: smtp.smtpUrl,
        T7_BASE_URL: t7.config.baseUrl,
        T7_TOKEN: t7.config.token,
        MONITORED_DEVICES_FILE: file,
        ...extra,
      };
    },
    async stop() {
      await Promise.all([vco.stop(), bruin.stop(), slack.stop(), smtp.stop(), t7.stop()]);
    },
  };
}
