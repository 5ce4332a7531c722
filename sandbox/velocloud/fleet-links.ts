/**
 * Links and event histories for generated edges. Metrics sit inside the engine's healthy bands
 * (wired ≤ 50 ms / 5 %, wireless ≤ 120 ms / 8 %) unless a link is meant to be in trouble, so a
 * fleet's troubles are the ones the generator chose, not accidents of the dice.
 */
import type { SeededRandom } from '../random';
import { NEVER_CONTACTED, type FleetEdge, type FleetEvent, type FleetLink, type FleetLinkMetrics } from './fleet-model';

const WIRED_ISPS = ['Comcast Business', 'AT&T', 'Spectrum', 'CenturyLink', 'Frontier', 'Cox Business', 'Windstream'];
const WIRELESS_ISPS = ['Verizon Wireless', 'AT&T Mobility', 'T-Mobile'];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const HEALTHY_BANDWIDTH_SECONDS = 600;

export type LinkTrouble = 'latency' | 'loss';

export interface LinkPlan {
  interface: string;
  wireless: boolean;
  private: boolean;
  standby: boolean;
}

/** GE1 and GE2 always; sometimes GE3 and, on LTE models, a cellular backup. */
export function planLinks(random: SeededRandom, modelNumber: string): LinkPlan[] {
  const plans: LinkPlan[] = [
    { interface: 'GE1', wireless: false, private: random.chance(0.2), standby: false },
    { interface: 'GE2', wireless: false, private: false, standby: false },
  ];
  if (random.chance(0.2)) plans.push({ interface: 'GE3', wireless: false, private: random.chance(0.5), standby: random.chance(0.3) });
  if (modelNumber.endsWith('lte') || random.chance(0.15)) {
    plans.push({ interface: 'CELL1', wireless: true, private: false, standby: random.chance(0.7) });
  }
  return plans;
}

export function generateLink(
  random: SeededRandom,
  linkId: number,
  plan: LinkPlan,
  options: { disconnected: boolean; trouble?: LinkTrouble; now: number },
): FleetLink {
  const isp = random.pick(plan.wireless ? WIRELESS_ISPS : WIRED_ISPS);
  const metrics = options.disconnected ? silentMetrics() : liveMetrics(random, plan.wireless, options.trouble);
  const displayName = plan.private ? `${isp} MPLS` : isp;
  const ipAddress = `${random.int(24, 223)}.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(1, 254)}`;
  const bpsOfBestPathRx = options.disconnected ? 0 : (plan.wireless ? random.int(5, 50) : random.int(50, 1000)) * 1_000_000;
  const bpsOfBestPathTx = options.disconnected ? 0 : (plan.wireless ? random.int(2, 20) : random.int(20, 500)) * 1_000_000;
  // The bytes the sandbox reports do not depend on the interval asked for: kept under half of what
  // the path carries in 10 minutes, so no look-back of 10 minutes or more sees over-utilisation
  // unless a test sets it.
  metrics.bytesRx = Math.min(metrics.bytesRx, Math.floor((bpsOfBestPathRx * HEALTHY_BANDWIDTH_SECONDS) / 16));
  metrics.bytesTx = Math.min(metrics.bytesTx, Math.floor((bpsOfBestPathTx * HEALTHY_BANDWIDTH_SECONDS) / 16));
  return {
    linkId,
    interface: plan.interface,
    displayName,
    isp,
    ipAddress,
    state: options.disconnected ? 'DISCONNECTED' : options.trouble ? 'UNSTABLE' : 'STABLE',
    backupState: plan.standby ? 'STANDBY' : 'UNCONFIGURED',
    serviceGroups: [plan.wireless ? 'PUBLIC_WIRELESS' : plan.private ? 'PRIVATE_WIRED' : 'PUBLIC_WIRED'],
    ...metrics,
    bpsOfBestPathRx,
    bpsOfBestPathTx,
    lastActive: new Date(options.now - (options.disconnected ? random.int(1, 72) * HOUR : random.int(5, 120) * 1000)).toISOString(),
  };
}

type Metrics = FleetLinkMetrics;

function silentMetrics(): Metrics {
  return { bestLatencyMsRx: 0, bestLatencyMsTx: 0, bestLossPctRx: 0, bestLossPctTx: 0, bestJitterMsRx: 0, bestJitterMsTx: 0, bytesRx: 0, bytesTx: 0 };
}

function liveMetrics(random: SeededRandom, wireless: boolean, trouble?: LinkTrouble): Metrics {
  const latency = () => (trouble === 'latency' ? random.int(wireless ? 130 : 60, wireless ? 400 : 250) : random.int(wireless ? 35 : 6, wireless ? 110 : 45));
  const loss = () => (trouble === 'loss' ? hundredths(random, wireless ? 9 : 6, 25) : hundredths(random, 0, wireless ? 3 : 0.8));
  const jitter = () => random.int(wireless ? 4 : 0, wireless ? 25 : 6);
  const bytesRx = random.int(20, 2_000) * 1_000_000 + random.int(0, 999_999);
  return {
    bestLatencyMsRx: latency(),
    bestLatencyMsTx: latency(),
    bestLossPctRx: loss(),
    bestLossPctTx: loss(),
    bestJitterMsRx: jitter(),
    bestJitterMsTx: jitter(),
    bytesRx,
    bytesTx: Math.round(bytesRx * (0.1 + random.next() * 0.5)),
  };
}

function hundredths(random: SeededRandom, min: number, max: number): number {
  return Math.round((min + random.next() * (max - min)) * 100) / 100;
}

export function edgeEvent(id: number, event: string, at: number, linkInterface?: string): FleetEvent {
  const link = linkInterface ?? 'GE1';
  const shapes: Record<string, Omit<FleetEvent, 'id' | 'eventTime' | 'event'>> = {
    EDGE_UP: { category: 'EDGE', severity: 'NOTICE', message: 'Edge has come up' },
    EDGE_DOWN: { category: 'EDGE', severity: 'ERROR', message: 'Edge has gone down' },
    LINK_ALIVE: { category: 'NETWORK', severity: 'NOTICE', message: `Link ${link} is no longer DEAD` },
    LINK_DEAD: { category: 'NETWORK', severity: 'ERROR', message: `Link ${link} is now DEAD` },
  };
  const shape = shapes[event] ?? { category: 'EDGE', severity: 'INFO', message: event };
  return { id, event, eventTime: new Date(at).toISOString(), ...shape };
}

/**
 * A plausible last week for the edge: how it went down if it is down, and for some healthy edges a
 * flap that recovered. Returned oldest first.
 */
export function generateEvents(random: SeededRandom, edge: FleetEdge, nextId: () => number, now: number): FleetEvent[] {
  const events: FleetEvent[] = [];
  const since = now - 7 * DAY;
  const primary = edge.links.filter((l) => l.backupState !== 'STANDBY');
  if (edge.edgeState === 'OFFLINE' && edge.lastContact !== NEVER_CONTACTED) {
    const down = Date.parse(edge.lastContact) + random.int(30, 120) * 1000;
    if (down >= since) {
      for (const link of primary) events.push(edgeEvent(nextId(), 'LINK_DEAD', down - random.int(5, 60) * 1000, link.interface));
      events.push(edgeEvent(nextId(), 'EDGE_DOWN', down));
    }
  }
  if (edge.edgeState === 'DEGRADED') {
    for (const link of edge.links.filter((l) => l.state === 'DISCONNECTED')) {
      events.push(edgeEvent(nextId(), 'LINK_DEAD', now - random.int(10, 48 * 60) * 60_000, link.interface));
    }
  }
  if (edge.edgeState === 'CONNECTED' && primary.length && random.chance(0.3)) {
    const link = random.pick(primary);
    const dead = now - random.int(2 * 60, 6 * 24 * 60) * 60_000;
    events.push(edgeEvent(nextId(), 'LINK_DEAD', dead, link.interface));
    events.push(edgeEvent(nextId(), 'LINK_ALIVE', dead + random.int(1, 90) * 60_000, link.interface));
  }
  if (edge.edgeState === 'CONNECTED' && random.chance(0.1)) {
    const down = now - random.int(3 * 60, 6 * 24 * 60) * 60_000;
    events.push(edgeEvent(nextId(), 'EDGE_DOWN', down));
    events.push(edgeEvent(nextId(), 'EDGE_UP', down + random.int(2, 120) * 60_000));
  }
  return events.sort((a, b) => a.eventTime.localeCompare(b.eventTime));
}
