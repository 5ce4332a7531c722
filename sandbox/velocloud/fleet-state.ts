/**
 * One orchestrator's share of the fleet, indexed for cheap lookups (a 10,000-edge host answers every
 * call from Maps), with the changes tests make through the admin API.
 */
import { edgeEvent } from './fleet-links';
import { NEVER_CONTACTED, type FleetEdge, type FleetEnterprise, type FleetHost, type FleetLink, type FleetLinkMetrics } from './fleet-model';

export class UnknownFleetItemError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownFleetItemError';
  }
}

export type LinkChange = Partial<Pick<FleetLink, 'state' | 'backupState' | 'serviceGroups' | 'bpsOfBestPathRx' | 'bpsOfBestPathTx'> & FleetLinkMetrics>;

export interface NewEvent {
  event: string;
  /** Defaults to now. */
  eventTime?: string;
  /** The link the event is about (LINK_ALIVE/LINK_DEAD); GE1 when left out. */
  interface?: string;
  message?: string;
  category?: string;
  severity?: string;
}

/** An edge as the truth reports it: keyed so a caller can match it with the engine's host name. */
export interface TruthEdge extends Omit<FleetEdge, 'events'> {
  host: string;
  enterpriseName: string;
  eventCount: number;
}

export interface FleetTruth {
  host: string;
  logicalHost: string;
  enterprises: { id: number; name: string; clientId: number | null; edgeCount: number }[];
  edges: TruthEdge[];
}

export interface FleetCounts {
  host: string;
  edges: number;
  links: number;
  byState: Record<string, number>;
  byEnterprise: { enterpriseId: number; name: string; edges: number; byState: Record<string, number> }[];
}

export class FleetState {
  private enterpriseIndex = new Map<number, FleetEnterprise>();
  private edgeIndex = new Map<number, FleetEdge>();
  private nextEventId = 1;

  constructor(private readonly original: FleetHost) {
    this.reset();
  }

  get logicalHost(): string {
    return this.original.name;
  }

  /** Back to the generated fleet: admin changes are forgotten. */
  reset(): void {
    const host = structuredClone(this.original);
    this.enterpriseIndex = new Map(host.enterprises.map((e) => [e.id, e]));
    this.edgeIndex = new Map(host.enterprises.flatMap((e) => e.edges.map((edge) => [edge.id, edge] as const)));
    let last = 0;
    for (const edge of this.edgeIndex.values()) for (const event of edge.events) last = Math.max(last, event.id);
    this.nextEventId = last + 1;
  }

  enterprises(): FleetEnterprise[] {
    return [...this.enterpriseIndex.values()];
  }

  enterprise(id: number): FleetEnterprise | undefined {
    return this.enterpriseIndex.get(id);
  }

  /** The edge, if it belongs to that enterprise (edge ids are unique per host). */
  edge(edgeId: number, enterpriseId?: number): FleetEdge | undefined {
    const edge = this.edgeIndex.get(edgeId);
    return edge && (enterpriseId === undefined || edge.enterpriseId === enterpriseId) ? edge : undefined;
  }

  edgeCount(): number {
    return this.edgeIndex.size;
  }

  requireEdge(edgeId: number): FleetEdge {
    const edge = this.edgeIndex.get(edgeId);
    if (!edge) throw new UnknownFleetItemError(`no edge ${edgeId} on ${this.logicalHost}`);
    return edge;
  }

  setEdgeState(edgeId: number, edgeState: string): FleetEdge {
    const edge = this.requireEdge(edgeId);
    edge.edgeState = edgeState;
    return edge;
  }

  setLink(edgeId: number, linkInterface: string, change: LinkChange): FleetLink {
    const edge = this.requireEdge(edgeId);
    const link = edge.links.find((l) => l.interface === linkInterface);
    if (!link) throw new UnknownFleetItemError(`edge ${edgeId} has no link ${linkInterface}`);
    Object.assign(link, change);
    return link;
  }

  /** `null` means the edge never contacted the orchestrator. */
  setLastContact(edgeId: number, lastContact: Date | string | null): FleetEdge {
    const edge = this.requireEdge(edgeId);
    edge.lastContact = lastContact === null ? NEVER_CONTACTED : new Date(lastContact).toISOString();
    return edge;
  }

  addEvents(edgeId: number, events: NewEvent[]): FleetEdge {
    const edge = this.requireEdge(edgeId);
    for (const added of events) {
      const event = edgeEvent(this.nextEventId++, added.event, added.eventTime ? Date.parse(added.eventTime) : Date.now(), added.interface);
      edge.events.push({
        ...event,
        ...(added.message !== undefined ? { message: added.message } : {}),
        ...(added.category !== undefined ? { category: added.category } : {}),
        ...(added.severity !== undefined ? { severity: added.severity } : {}),
      });
    }
    edge.events.sort((a, b) => a.eventTime.localeCompare(b.eventTime));
    return edge;
  }

  truth(host: string): FleetTruth {
    const enterprises = this.enterprises();
    return {
      host,
      logicalHost: this.logicalHost,
      enterprises: enterprises.map((e) => ({ id: e.id, name: e.name, clientId: e.clientId, edgeCount: e.edges.length })),
      edges: enterprises.flatMap((enterprise) =>
        enterprise.edges.map(({ events, ...edge }) => ({
          ...structuredClone(edge),
          host,
          enterpriseName: enterprise.name,
          eventCount: events.length,
        })),
      ),
    };
  }

  counts(host: string): FleetCounts {
    const byState: Record<string, number> = {};
    let links = 0;
    const byEnterprise = this.enterprises().map((enterprise) => {
      const states: Record<string, number> = {};
      for (const edge of enterprise.edges) {
        states[edge.edgeState] = (states[edge.edgeState] ?? 0) + 1;
        byState[edge.edgeState] = (byState[edge.edgeState] ?? 0) + 1;
        links += edge.links.length;
      }
      return { enterpriseId: enterprise.id, name: enterprise.name, edges: enterprise.edges.length, byState: states };
    });
    return { host, edges: this.edgeIndex.size, links, byState, byEnterprise };
  }
}

/**
 * An orchestrator entry as an operator writes one for the engine (SPEC §5: host, REST base, portal,
 * credentials). Written out here because the sandbox shares no type with the engine's code.
 */
export interface OrchestratorEntry {
  /** `127.0.0.1:PORT` once served. */
  host: string;
  /** `<url>/portal/rest`. */
  baseUrl: string;
  portalUrl: string;
  username: string;
  password: string;
}

/** How the engine's configuration names a sandbox orchestrator. */
export function sandboxHost(url: string, username: string, password: string): OrchestratorEntry {
  return { host: new URL(url).host, baseUrl: `${url}/portal/rest`, portalUrl: url, username, password };
}
