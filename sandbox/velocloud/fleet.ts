/**
 * A seeded fleet generator: the same seed (and `now`) gives the same fleet, so a failing test or a
 * demo can be reproduced edge for edge. Ids are unique per host, serials across the whole fleet.
 */
import { SeededRandom } from '../random';
import { generateEvents, generateLink, planLinks, type LinkTrouble } from './fleet-links';
import { NEVER_CONTACTED, type Fleet, type FleetEdge, type FleetEnterprise, type FleetHost } from './fleet-model';

export interface FleetOptions {
  seed: number;
  /** Logical host names, one orchestrator each. */
  hosts: string[];
  enterprisesPerHost: number;
  /** Give either this or totalEdges (spread evenly over every enterprise of every host). */
  edgesPerEnterprise?: number;
  totalEdges?: number;
  /** Share of edges in trouble: OFFLINE, DEGRADED, NEVER_ACTIVATED, or a slow/lossy link (default 0.1). */
  faultyShare?: number;
  /** Share of enterprises without a client id in their name (default 0.1). */
  testEnterpriseShare?: number;
  /** Dates are relative to this (default: now); pass it to get identical fleets. */
  now?: Date;
}

const CUSTOMERS = [
  'Titan America', 'Red Rock Foods', 'Harbor Freight Lines', 'Northwind Retail', 'Bluewater Dental',
  'Summit Credit Union', 'Pioneer Logistics', 'Lakeside Clinics', 'Granite Insurance', 'Evergreen Markets',
  'Metro Auto Parts', 'Keystone Pharmacy', 'Atlas Hotels', 'Coastal Bank', 'Prairie Grain Co',
];
const TEST_ENTERPRISES = ['MetTel Lab', 'VeloCloud Demo', 'Test Enterprise', 'Engineering Sandbox'];
const CITIES = ['MIAMI', 'TAMPA', 'DALLAS', 'AUSTIN', 'DENVER', 'BOSTON', 'NEWARK', 'PHOENIX', 'ATLANTA', 'RENO', 'OMAHA', 'TULSA'];
const MODELS = ['edge510', 'edge510lte', 'edge520', 'edge540', 'edge610', 'edge620', 'edge840'];
const VERSIONS = ['4.2.2', '4.5.1', '5.0.1.2', '5.2.0'];
const DAY = 86_400_000;

export function generateFleet(options: FleetOptions): Fleet {
  const sizes = enterpriseSizes(options);
  const random = new SeededRandom(options.seed);
  const now = (options.now ?? new Date()).getTime();
  const counters = { serial: 5_200_000_000 + random.int(0, 99_999), clientId: random.int(10_000, 20_000) };
  const usedNames = new Set<string>();
  let sizeIndex = 0;
  const hosts = options.hosts.map((name, hostIndex): FleetHost => {
    const ids = { enterprise: random.int(100, 900), edge: random.int(1_000, 5_000), link: random.int(10_000, 50_000), event: random.int(1, 9_999) };
    const enterprises: FleetEnterprise[] = [];
    for (let e = 0; e < options.enterprisesPerHost; e += 1) {
      // Every fleet with more than one enterprise keeps at least one test enterprise to not ticket.
      const forcedTest = hostIndex === 0 && e === options.enterprisesPerHost - 1 && options.enterprisesPerHost > 1;
      const isTest = forcedTest || random.chance(options.testEnterpriseShare ?? 0.1);
      ids.enterprise += random.int(1, 3);
      const clientId = isTest ? null : (counters.clientId += random.int(1, 400));
      const base = uniqueName(random.pick(isTest ? TEST_ENTERPRISES : CUSTOMERS), usedNames);
      const enterprise: FleetEnterprise = { id: ids.enterprise, name: clientId ? `${base}|${clientId}|` : base, clientId, edges: [] };
      const count = sizes[sizeIndex++] ?? 0;
      for (let n = 0; n < count; n += 1) {
        ids.edge += random.int(1, 3);
        counters.serial += random.int(1, 97);
        const edge = generateEdge(random, { id: ids.edge, enterprise, base, index: n, serial: counters.serial, faultyShare: options.faultyShare ?? 0.1, now, nextLinkId: () => (ids.link += random.int(1, 2)) });
        edge.events = generateEvents(random, edge, () => (ids.event += 1), now);
        enterprise.edges.push(edge);
      }
      enterprises.push(enterprise);
    }
    return { name, enterprises };
  });
  return { seed: options.seed, generatedAt: new Date(now).toISOString(), hosts };
}

function enterpriseSizes(options: FleetOptions): number[] {
  const total = options.hosts.length * options.enterprisesPerHost;
  if (!Number.isInteger(options.enterprisesPerHost) || options.enterprisesPerHost < 0) {
    throw new Error('generateFleet: enterprisesPerHost must be a whole number ≥ 0');
  }
  if (options.totalEdges !== undefined) {
    if (total === 0 && options.totalEdges > 0) throw new Error('generateFleet: totalEdges needs at least one host and enterprise');
    const each = total ? Math.floor(options.totalEdges / total) : 0;
    const extra = total ? options.totalEdges % total : 0;
    return Array.from({ length: total }, (_, i) => each + (i < extra ? 1 : 0));
  }
  return Array.from({ length: total }, () => options.edgesPerEnterprise ?? 10);
}

function uniqueName(base: string, used: Set<string>): string {
  let name = base;
  for (let n = 2; used.has(name); n += 1) name = `${base} ${n}`;
  used.add(name);
  return name;
}

interface EdgeSeed {
  id: number;
  enterprise: FleetEnterprise;
  base: string;
  index: number;
  serial: number;
  faultyShare: number;
  now: number;
  nextLinkId: () => number;
}

function generateEdge(random: SeededRandom, seed: EdgeSeed): FleetEdge {
  const { now } = seed;
  const edgeState = pickEdgeState(random, seed.faultyShare);
  const modelNumber = random.pick(MODELS);
  const lastContact = pickLastContact(random, edgeState, now);
  const activated = edgeState !== 'NEVER_ACTIVATED';
  const contactTime = lastContact === NEVER_CONTACTED ? now : Date.parse(lastContact);
  const activationTime = activated ? new Date(Math.min(now - random.int(60, 1_200) * DAY, contactTime - DAY)).toISOString() : null;
  const plans = activated ? planLinks(random, modelNumber) : [];
  const downIndex = edgeState === 'DEGRADED' ? random.int(0, Math.min(1, plans.length - 1)) : -1;
  // Service-affecting troubles live on CONNECTED edges, on a link that carries traffic.
  const trouble: LinkTrouble | undefined =
    edgeState === 'CONNECTED' && random.chance(seed.faultyShare / 2) ? random.pick(['latency', 'loss'] as const) : undefined;
  const troubleIndex = trouble ? random.int(0, 1) : -1;
  const links = plans.map((plan, i) =>
    generateLink(random, seed.nextLinkId(), plan, {
      disconnected: edgeState === 'OFFLINE' || i === downIndex,
      trouble: i === troubleIndex ? trouble : undefined,
      now,
    }),
  );
  const prefix = seed.base.replace(/[^A-Za-z]/g, '').slice(0, 5).toUpperCase();
  return {
    id: seed.id,
    enterpriseId: seed.enterprise.id,
    name: `${prefix}-${random.pick(CITIES)}-${String(seed.index + 1).padStart(3, '0')}`,
    serialNumber: `VC${String(seed.serial).padStart(11, '0')}`,
    modelNumber,
    edgeState,
    lastContact,
    activationTime,
    activationState: activated ? 'ACTIVATED' : 'PENDING',
    softwareVersion: random.pick(VERSIONS),
    links,
    events: [],
  };
}

function pickEdgeState(random: SeededRandom, faultyShare: number): string {
  if (!random.chance(faultyShare)) return 'CONNECTED';
  const roll = random.next();
  return roll < 0.5 ? 'OFFLINE' : roll < 0.8 ? 'DEGRADED' : 'NEVER_ACTIVATED';
}

/** Offline edges spread from hours to over a year, so the 30-day last contact report has material. */
function pickLastContact(random: SeededRandom, edgeState: string, now: number): string {
  if (edgeState === 'NEVER_ACTIVATED') return NEVER_CONTACTED;
  if (edgeState !== 'OFFLINE') return new Date(now - random.int(5, 120) * 1000).toISOString();
  const roll = random.next();
  const ageMs =
    roll < 0.55 ? random.int(1, 72) * 3_600_000 : roll < 0.75 ? random.int(3, 29) * DAY : random.int(31, 400) * DAY;
  return new Date(now - ageMs).toISOString();
}
