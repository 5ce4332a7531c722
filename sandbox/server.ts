/**
 * The framework every loopback stand-in is built on: a Fastify app on 127.0.0.1 that records what
 * it received, injects faults on demand, and exposes an admin API under `/__admin/` so tests and
 * people can set state and read what arrived.
 *
 *   GET    /__admin/received        requests received (method, path, query, body), oldest first
 *   DELETE /__admin/received        forget them
 *   GET    /__admin/faults          the faults in force
 *   PUT    /__admin/faults          replace them (see Faults)
 *   POST   /__admin/reset           clear faults, received requests and the sandbox's own state
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AddressInfo } from 'node:net';
import { SeededRandom } from './random';

export interface Faults {
  /** Added to every API response. */
  latencyMs: number;
  /** Share of API requests answered with `errorStatus` (0..1). */
  errorRate: number;
  /** The next N API requests answer `errorStatus` (deterministic, unlike errorRate). */
  errorNext: number;
  errorStatus: number;
  /** The next N API requests answer 429 with `Retry-After: retryAfterSeconds`. */
  rateLimitNext: number;
  /** After a 429, every request during this many ms also answers 429. */
  rateLimitCoolDownMs: number;
  retryAfterSeconds: number;
  /** The next N API responses have a body that is not what the API promises. */
  malformedNext: number;
  /** Only requests whose path contains this text are affected (all when empty). */
  pathContains: string;
}

export const NO_FAULTS: Faults = {
  latencyMs: 0,
  errorRate: 0,
  errorNext: 0,
  errorStatus: 500,
  rateLimitNext: 0,
  rateLimitCoolDownMs: 0,
  retryAfterSeconds: 1,
  malformedNext: 0,
  pathContains: '',
};

export interface ReceivedRequest {
  at: string;
  method: string;
  path: string;
  query: Record<string, unknown>;
  body: unknown;
}

export interface SandboxOptions {
  port?: number;
  seed?: number;
  /** How many received requests to keep (oldest dropped first). */
  keepReceived?: number;
  /** Record request bodies (turn off for the high-volume fleet reads). */
  recordBodies?: boolean;
}

export abstract class SandboxServer {
  readonly app: FastifyInstance;
  faults: Faults = { ...NO_FAULTS };
  readonly received: ReceivedRequest[] = [];
  protected readonly random: SeededRandom;
  private rateLimitedUntil = 0;
  private baseUrl?: string;

  constructor(
    readonly name: string,
    private readonly sandboxOptions: SandboxOptions = {},
  ) {
    this.random = new SeededRandom(sandboxOptions.seed ?? 42);
    this.app = Fastify({ logger: false, bodyLimit: 10 * 1024 * 1024 });
    this.app.addHook('onRequest', (request, reply) => this.beforeApiRequest(request, reply));
    this.app.addHook('preHandler', async (request) => this.record(request));
    this.app.addHook('onSend', async (request, _reply, payload) => this.corrupt(request, payload));
    this.registerAdminRoutes();
  }

  /** Registers the sandbox's own API routes. */
  protected abstract routes(app: FastifyInstance): void;

  /** Clears the sandbox's own state (fleet, tickets, messages...). */
  protected abstract resetState(): void;

  /**
   * The body to send instead of a real one when a malformed response is asked for; undefined leaves
   * this response alone (e.g. a login, so the fault reaches the call under test).
   */
  protected malformedBody(_request: FastifyRequest): string | undefined {
    return JSON.stringify({ unexpected: 'shape', data: null });
  }

  get url(): string {
    if (!this.baseUrl) throw new Error(`${this.name} sandbox is not started`);
    return this.baseUrl;
  }

  async start(): Promise<string> {
    this.routes(this.app);
    await this.app.listen({ host: '127.0.0.1', port: this.sandboxOptions.port ?? 0 });
    const address = this.app.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${address.port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    await this.app.close();
  }

  setFaults(faults: Partial<Faults>): void {
    this.faults = { ...NO_FAULTS, ...faults };
    this.rateLimitedUntil = 0;
  }

  reset(): void {
    this.setFaults({});
    this.received.length = 0;
    this.resetState();
  }

  private isApi(request: FastifyRequest): boolean {
    return !request.url.startsWith('/__admin') && !request.url.startsWith('/ui');
  }

  private affected(request: FastifyRequest): boolean {
    return this.isApi(request) && (!this.faults.pathContains || request.url.includes(this.faults.pathContains));
  }

  private async beforeApiRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!this.affected(request)) return;
    const f = this.faults;
    if (f.latencyMs > 0) await sleep(f.latencyMs);
    const now = Date.now();
    if (f.rateLimitNext > 0 || now < this.rateLimitedUntil) {
      if (f.rateLimitNext > 0) f.rateLimitNext -= 1;
      if (f.rateLimitCoolDownMs > 0 && now >= this.rateLimitedUntil) this.rateLimitedUntil = now + f.rateLimitCoolDownMs;
      await reply
        .code(429)
        .header('retry-after', String(f.retryAfterSeconds))
        .send({ error: { code: 429, message: 'Too many requests' } });
      return;
    }
    if (f.errorNext > 0 || (f.errorRate > 0 && this.random.chance(f.errorRate))) {
      if (f.errorNext > 0) f.errorNext -= 1;
      await reply.code(f.errorStatus).send({ error: { code: f.errorStatus, message: 'Injected failure' } });
    }
  }

  private record(request: FastifyRequest): void {
    if (!this.isApi(request)) return;
    this.received.push({
      at: new Date().toISOString(),
      method: request.method,
      path: request.url.split('?')[0] ?? request.url,
      query: request.query as Record<string, unknown>,
      body: this.sandboxOptions.recordBodies === false ? undefined : request.body,
    });
    const keep = this.sandboxOptions.keepReceived ?? 10_000;
    if (this.received.length > keep) this.received.splice(0, this.received.length - keep);
  }

  private corrupt(request: FastifyRequest, payload: unknown): unknown {
    if (this.faults.malformedNext <= 0 || !this.affected(request)) return payload;
    const body = this.malformedBody(request);
    if (body === undefined) return payload;
    this.faults.malformedNext -= 1;
    return body;
  }

  private registerAdminRoutes(): void {
    this.app.get('/__admin/received', async (request) => {
      const { path } = request.query as { path?: string };
      return path ? this.received.filter((r) => r.path.includes(path)) : this.received;
    });
    this.app.delete('/__admin/received', async () => {
      this.received.length = 0;
      return { ok: true };
    });
    this.app.get('/__admin/faults', async () => this.faults);
    this.app.put('/__admin/faults', async (request) => {
      this.setFaults((request.body ?? {}));
      return this.faults;
    });
    this.app.post('/__admin/reset', async () => {
      this.reset();
      return { ok: true };
    });
  }
}
