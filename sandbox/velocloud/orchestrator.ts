/**
 * A VeloCloud Orchestrator stand-in: one instance is one VCO host. It speaks the API v1 calls the
 * engine makes (same paths, bodies, cookie login, field names and error shapes) from a generated
 * fleet, and adds VCO-specific faults on top of the framework's: null/missing fields, malformed
 * rows for chosen edges, a proxy's HTML error page instead of JSON, periodic overload bursts, and
 * the three ways real VCOs report an expired session (admin.ts lists them all).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SandboxServer, type Faults } from '../server';
import { registerVelocloudAdminRoutes } from './admin';
import { registerNetworkRoutes } from './network';
import type { FleetHost } from './fleet-model';
import {
  FleetState,
  sandboxHost,
  type FleetCounts,
  type FleetTruth,
  type LinkChange,
  type NewEvent,
  type OrchestratorEntry,
} from './fleet-state';
import {
  aggregateLinkMetricsJson,
  appLinkMetricsJson,
  edgeJson,
  edgeLinkStatusRows,
  eventJson,
  EXPIRED_SESSION_ERROR,
  linkMetricsJson,
  PROXY_ERROR_PAGE,
  vcoError,
  withNullFields,
  type MalformedKind,
} from './responses';

export const API_BASE = '/portal/rest';
export const SESSION_COOKIE = 'velocloud.session';
const DEFAULT_EVENT_LIMIT = 2048;

export interface VelocloudFaults extends Faults {
  /** The next N edge or link responses have some optional fields null or missing. */
  nullFieldsNext?: number;
  /** The next N API responses (not logins) are a proxy's HTML error page, not JSON. */
  nonJsonNext?: number;
  /** Status of that page (default 502; a 200 is what some maintenance pages answer). */
  nonJsonStatus?: number;
  /**
   * Overload bursts: every this many ms the VCO answers 429 (Retry-After: retryAfterSeconds) to
   * every call for rateLimitCoolDownMs (default: Retry-After), counted from when the faults were set.
   */
  rateLimitEveryMs?: number;
}

/** How a call with a missing or expired session is answered: real VCOs use all three. */
export type SessionErrorStatus = 200 | 400 | 401;

export interface VelocloudSandboxOptions {
  fleetHost: FleetHost;
  username?: string;
  password?: string;
  port?: number;
  seed?: number;
}

export interface VelocloudSandboxStats {
  logins: number;
  rejectedLogins: number;
  /** API answers with HTTP 429 and with a 5xx status (injected faults included). */
  rateLimited: number;
  serverErrors: number;
  /** API requests being served right now, and the most seen at once since the last reset. */
  inFlight: number;
  maxInFlight: number;
}

const id = z.coerce.number().int();
const time = z.union([z.string(), z.number()]).transform((v) => (typeof v === 'number' ? v : Date.parse(v)));
const interval = z.object({ start: time, end: time });
const params = {
  enterprise: z.object({ enterpriseId: id }),
  edge: z.object({ enterpriseId: id, id }),
  edgeMetrics: z.object({ enterpriseId: id, id, interval: interval.optional() }),
  events: z.object({
    enterpriseId: id,
    interval,
    filter: z.object({ limit: z.number().int().positive().optional() }).passthrough().optional(),
    edgeId: z.array(id).optional(),
  }),
  linkStatus: z.object({ enterpriseId: id.optional() }),
  aggregateMetrics: z.object({ interval, enterprises: z.array(id).optional() }),
  login: z.object({ username: z.string(), password: z.string() }),
};

export class VelocloudSandbox extends SandboxServer {
  declare faults: VelocloudFaults;
  readonly fleet: FleetState;
  readonly username: string;
  readonly password: string;
  sessionErrorStatus: SessionErrorStatus = 400;
  readonly stats: VelocloudSandboxStats = { logins: 0, rejectedLogins: 0, rateLimited: 0, serverErrors: 0, inFlight: 0, maxInFlight: 0 };
  /**
   * How many per-edge calls (`edge/getEdge`, `metrics/getEdgeLinkMetrics`, `metrics/getEdgeAppLinkMetrics`)
   * answered for each edge id, so tests can prove how many calls an edge costs per cycle.
   */
  readonly edgeFetches = new Map<number, number>();
  /** Edges whose rows come out broken, and how. */
  readonly malformedEdges = new Map<number, MalformedKind>();
  private readonly sessions = new Set<string>();
  private startedHost?: string;
  private faultsSetAt = Date.now();

  constructor(options: VelocloudSandboxOptions) {
    // Fleet reads are high volume, and login bodies carry the password: record no bodies.
    super('velocloud', { port: options.port, seed: options.seed, recordBodies: false, keepReceived: 5_000 });
    this.fleet = new FleetState(options.fleetHost);
    this.username = options.username ?? 'operator@sandbox.local';
    this.password = options.password ?? 'sandbox-password';
    // Counted at the socket layer, before any hook, so requests held by injected latency count too.
    this.app.server.on('request', (request, response) => {
      if (request.url?.startsWith('/__admin')) return;
      this.stats.inFlight += 1;
      this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.stats.inFlight);
      response.once('close', () => {
        this.stats.inFlight -= 1;
      });
    });
    this.app.addHook('onRequest', async (request, reply) => this.injectVcoFaults(request, reply));
    this.app.addHook('onResponse', async (request, reply) => {
      if (request.url.startsWith('/__admin')) return;
      if (reply.statusCode === 429) this.stats.rateLimited += 1;
      if (reply.statusCode >= 500) this.stats.serverErrors += 1;
    });
  }

  /** The orchestrator's name as the engine knows it once started: `127.0.0.1:PORT`. */
  get hostName(): string {
    if (!this.startedHost) throw new Error('velocloud sandbox is not started');
    return this.startedHost;
  }

  get logicalHost(): string {
    return this.fleet.logicalHost;
  }

  /** The engine's configuration entry for this orchestrator. */
  velocloudHost(): OrchestratorEntry {
    return sandboxHost(this.url, this.username, this.password);
  }

  /** This orchestrator's entry in VELOCLOUD_CREDENTIALS (base URL form). */
  get credentialsEntry(): string {
    return `${this.url}+${this.username}+${this.password}`;
  }

  override async start(): Promise<string> {
    const url = await super.start();
    this.startedHost = new URL(url).host;
    return url;
  }

  override setFaults(faults: Partial<VelocloudFaults>): void {
    super.setFaults(faults);
    this.faultsSetAt = Date.now();
  }

  /** Makes an edge's rows come out broken in every call that carries it; null makes them whole again. */
  setMalformed(edgeId: number, kind: MalformedKind | null): void {
    this.fleet.requireEdge(edgeId);
    if (kind) this.malformedEdges.set(edgeId, kind);
    else this.malformedEdges.delete(edgeId);
  }

  fleetTruth(): FleetTruth {
    return this.fleet.truth(this.hostName);
  }

  fleetCounts(): FleetCounts {
    return this.fleet.counts(this.hostName);
  }

  setEdgeState(edgeId: number, edgeState: string): void {
    this.fleet.setEdgeState(edgeId, edgeState);
  }

  /** Changes a link's state, backup state or metrics; the edge's other links stay as they are. */
  setLink(edgeId: number, linkInterface: string, change: LinkChange): void {
    this.fleet.setLink(edgeId, linkInterface, change);
  }

  /** `null` makes the edge one that never contacted the orchestrator. */
  setLastContact(edgeId: number, lastContact: Date | string | null): void {
    this.fleet.setLastContact(edgeId, lastContact);
  }

  addEvents(edgeId: number, events: NewEvent[]): void {
    this.fleet.addEvents(edgeId, events);
  }

  expireSessions(): void {
    this.sessions.clear();
  }

  resetStats(): void {
    Object.assign(this.stats, { logins: 0, rejectedLogins: 0, rateLimited: 0, serverErrors: 0, maxInFlight: this.stats.inFlight });
    this.edgeFetches.clear();
  }

  protected override resetState(): void {
    this.fleet.reset();
    this.malformedEdges.clear();
    this.sessions.clear();
    this.sessionErrorStatus = 400;
    this.resetStats();
  }

  /** A corrupted login would hide the fault from the call under test. */
  protected override malformedBody(request: FastifyRequest): string | undefined {
    return request.url.includes('/login/') ? undefined : super.malformedBody(request);
  }

  protected override routes(app: FastifyInstance): void {
    registerVelocloudAdminRoutes(app, this);
    registerNetworkRoutes(app, this.fleet, (call, schema, answer) => this.api(app, call, schema, answer));
    app.post(`${API_BASE}/login/operatorLogin`, async (request, reply) => {
      const body = params.login.safeParse(request.body);
      if (!body.success || body.data.username !== this.username || body.data.password !== this.password) {
        this.stats.rejectedLogins += 1;
        return reply.code(401).send(vcoError(-32000, 'Invalid username or password'));
      }
      const session = randomUUID();
      this.sessions.add(session);
      this.stats.logins += 1;
      return reply.header('set-cookie', `${SESSION_COOKIE}=${session}; Path=/; HttpOnly`).send({});
    });

    this.api(app, 'monitoring/getAggregates', z.object({}).passthrough(), () => {
      const enterprises = this.fleet.enterprises();
      const edges: Record<string, number> = {};
      for (const e of enterprises) for (const edge of e.edges) edges[edge.edgeState] = (edges[edge.edgeState] ?? 0) + 1;
      return {
        edgeCount: this.fleet.edgeCount(),
        edges,
        enterprises: enterprises.map((e) => ({ id: e.id, name: e.name, edgeCount: e.edges.length })),
      };
    });
    this.api(app, 'enterprise/getEnterprise', params.enterprise, ({ enterpriseId }) => {
      const enterprise = this.fleet.enterprise(enterpriseId);
      return enterprise ? { id: enterprise.id, name: enterprise.name, accountNumber: `ACC-${enterprise.id}` } : notFound('enterprise', enterpriseId);
    });
    this.api(app, 'enterprise/getEnterpriseEdges', params.enterprise, ({ enterpriseId }) => {
      const enterprise = this.fleet.enterprise(enterpriseId);
      return enterprise ? this.nullable(enterprise.edges.map((edge) => edgeJson(edge, this.malformedKind(edge)))) : notFound('enterprise', enterpriseId);
    });
    this.api(app, 'edge/getEdge', params.edge, ({ enterpriseId, id: edgeId }) => {
      const edge = this.countedEdge(edgeId, enterpriseId);
      return edge ? this.nullable([edgeJson(edge, this.malformedKind(edge))])[0] : notFound('edge', edgeId);
    });
    this.api(app, 'metrics/getEdgeLinkMetrics', params.edgeMetrics, ({ enterpriseId, id: edgeId }) => {
      const edge = this.countedEdge(edgeId, enterpriseId);
      return edge ? this.nullable(edge.links.map((link) => linkMetricsJson(edge, link, this.malformedKind(edge)))) : notFound('edge', edgeId);
    });
    this.api(app, 'metrics/getEdgeAppLinkMetrics', params.edge, ({ enterpriseId, id: edgeId }) => {
      const edge = this.countedEdge(edgeId, enterpriseId);
      return edge ? this.nullable(edge.links.map((link) => appLinkMetricsJson(edge, link, this.malformedKind(edge)))) : notFound('edge', edgeId);
    });
    this.api(app, 'event/getEnterpriseEvents', params.events, (query) => {
      const enterprise = this.fleet.enterprise(query.enterpriseId);
      if (!enterprise) return notFound('enterprise', query.enterpriseId);
      const wanted = query.edgeId?.length ? new Set(query.edgeId) : undefined;
      const limit = query.filter?.limit ?? DEFAULT_EVENT_LIMIT;
      const rows = enterprise.edges
        .filter((edge) => !wanted || wanted.has(edge.id))
        .flatMap((edge) =>
          edge.events
            .filter((e) => within(e.eventTime, query.interval))
            .map((event) => ({ edge, event })),
        )
        .sort((a, b) => b.event.eventTime.localeCompare(a.event.eventTime));
      return { metaData: { limit, more: rows.length > limit }, data: rows.slice(0, limit).map(({ edge, event }) => eventJson(edge, event)) };
    });
    this.api(app, 'monitoring/getEnterpriseEdgeLinkStatus', params.linkStatus, ({ enterpriseId }) => {
      const enterprises = enterpriseId === undefined ? this.fleet.enterprises() : [this.fleet.enterprise(enterpriseId)].filter((e) => e !== undefined);
      return this.nullable(enterprises.flatMap((e) => e.edges.flatMap((edge) => edgeLinkStatusRows(e, edge, this.malformedKind(edge)))));
    });
    this.api(app, 'monitoring/getAggregateEdgeLinkMetrics', params.aggregateMetrics, ({ enterprises: ids }) => {
      const wanted = ids?.length ? new Set(ids) : undefined;
      const enterprises = this.fleet.enterprises().filter((e) => !wanted || wanted.has(e.id));
      return this.nullable(
        enterprises.flatMap((e) =>
          e.edges.flatMap((edge) => edge.links.map((link) => aggregateLinkMetricsJson(e, edge, link, this.malformedKind(edge)))),
        ),
      );
    });
  }

  /** An API call: session checked, parameters validated, then answered from the fleet. */
  private api<P>(app: FastifyInstance, call: string, schema: z.ZodType<P>, answer: (params: P) => unknown): void {
    app.post(`${API_BASE}/${call}`, async (request: FastifyRequest, reply: FastifyReply) => {
      if (!this.hasSession(request)) return reply.code(this.sessionErrorStatus).send(EXPIRED_SESSION_ERROR);
      const parsed = schema.safeParse(request.body ?? {});
      if (!parsed.success) {
        return reply.code(400).send(vcoError(-32602, `Invalid params: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`));
      }
      const result = answer(parsed.data);
      if (result instanceof NotFound) return reply.code(400).send(vcoError(-32000, result.message));
      return reply.send(result);
    });
  }

  /** The edge a per-edge call asks for, counted in edgeFetches when it exists. */
  private countedEdge(edgeId: number, enterpriseId: number): ReturnType<FleetState['edge']> {
    const edge = this.fleet.edge(edgeId, enterpriseId);
    if (edge) this.edgeFetches.set(edgeId, (this.edgeFetches.get(edgeId) ?? 0) + 1);
    return edge;
  }

  private malformedKind(edge: { id: number }): MalformedKind | undefined {
    return this.malformedEdges.get(edge.id);
  }

  /** The VCO's own faults, after the framework's (latency, 429, errors): proxy pages and overload bursts. */
  private async injectVcoFaults(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    if (reply.sent || request.url.startsWith('/__admin') || request.url.startsWith('/ui')) return undefined;
    const f = this.faults;
    if (f.pathContains && !request.url.includes(f.pathContains)) return undefined;
    if (f.rateLimitEveryMs && f.rateLimitEveryMs > 0) {
      const burstMs = f.rateLimitCoolDownMs > 0 ? f.rateLimitCoolDownMs : f.retryAfterSeconds * 1000;
      // The burst closes each period, so the first calls after the faults are set go through.
      if ((Date.now() - this.faultsSetAt) % f.rateLimitEveryMs >= f.rateLimitEveryMs - burstMs) {
        return reply.code(429).header('retry-after', String(f.retryAfterSeconds)).send(vcoError(429, 'Too many requests'));
      }
    }
    if (f.nonJsonNext && f.nonJsonNext > 0 && !request.url.includes('/login/')) {
      f.nonJsonNext -= 1;
      return reply.code(f.nonJsonStatus ?? 502).type('text/html').send(PROXY_ERROR_PAGE);
    }
    return undefined;
  }

  private hasSession(request: FastifyRequest): boolean {
    const session = readCookie(request.headers.cookie, SESSION_COOKIE);
    return session !== undefined && this.sessions.has(session);
  }

  private nullable(rows: Record<string, unknown>[]): Record<string, unknown>[] {
    if (!this.faults.nullFieldsNext || this.faults.nullFieldsNext <= 0) return rows;
    this.faults.nullFieldsNext -= 1;
    return withNullFields(rows);
  }
}

class NotFound {
  constructor(readonly message: string) {}
}

function notFound(what: string, id: number): NotFound {
  return new NotFound(`${what} [${id}] not found`);
}

function within(isoTime: string, range: { start: number; end: number }): boolean {
  const at = Date.parse(isoTime);
  return at >= range.start && at <= range.end;
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
