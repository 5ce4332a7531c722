/**
 * A loopback T7 prediction service.
 *
 *   GET /api/v1/suggestions?ticketId=N   headers X-Client-Name, X-Client-Version, X-Auth-Token
 *
 *   PUT    /__admin/predictions/:ticketId   {assets:[{asset, predictions:[{name, probability}]}]}
 *   DELETE /__admin/predictions/:ticketId   back to invented predictions
 *   PUT    /__admin/assets/:ticketId        {assets:[serial]} the serials T7 invents predictions for
 *   PUT    /__admin/shape                   {shape: "task_results" | "legacy"} the response version
 *   GET    /__admin/callers                 client name, version and ticket of accepted requests
 *
 * Without explicit predictions the sandbox invents them for the ticket's assets: those set by
 * admin, else those `assetsForTicket` names (e.g. from a Bruin sandbox), else one `T7-<ticketId>`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SandboxServer, type SandboxOptions } from '../server';
import { inventedPredictions, type SandboxAssetPredictions } from './predictions';

/** `task_results` is what current T7 sends; `legacy` the older `{assetId, predictions}` entries. */
export type T7ResponseShape = 'task_results' | 'legacy';

export interface T7SandboxOptions extends SandboxOptions {
  token?: string;
  assetsForTicket?: (ticketId: number) => string[] | undefined;
}

export class T7Sandbox extends SandboxServer {
  readonly token: string;
  shape: T7ResponseShape = 'task_results';
  /** Who asked for what, from the client headers of accepted requests. */
  readonly callers: { clientName: string; clientVersion: string; ticketId: number }[] = [];
  private readonly predictions = new Map<number, SandboxAssetPredictions[]>();
  private readonly assets = new Map<number, string[]>();
  private readonly inventionSeed: number;
  private readonly assetsForTicket?: T7SandboxOptions['assetsForTicket'];

  constructor(options: T7SandboxOptions = {}) {
    super('t7', options);
    this.token = options.token ?? 't7-sandbox-token';
    this.inventionSeed = options.seed ?? 42;
    this.assetsForTicket = options.assetsForTicket;
  }

  /** What to put in T7_BASE_URL and T7_TOKEN, once started. */
  get config(): { baseUrl: string; token: string } {
    return { baseUrl: this.url, token: this.token };
  }

  setPredictions(ticketId: number, assets: SandboxAssetPredictions[]): void {
    this.predictions.set(ticketId, structuredClone(assets));
  }

  clearPredictions(ticketId: number): void {
    this.predictions.delete(ticketId);
  }

  setAssets(ticketId: number, serials: string[]): void {
    this.assets.set(ticketId, [...serials]);
  }

  setShape(shape: T7ResponseShape): void {
    this.shape = shape;
  }

  /** The predictions the sandbox answers for a ticket, most probable first. */
  predictionsFor(ticketId: number): SandboxAssetPredictions[] {
    const set = this.predictions.get(ticketId);
    if (set) return structuredClone(set);
    const serials = this.assets.get(ticketId) ?? this.assetsForTicket?.(ticketId) ?? [`T7-${ticketId}`];
    return serials.map((serial) => inventedPredictions(this.inventionSeed, ticketId, serial));
  }

  protected resetState(): void {
    this.predictions.clear();
    this.assets.clear();
    this.shape = 'task_results';
    this.callers.length = 0;
  }

  protected routes(app: FastifyInstance): void {
    app.get('/api/v1/suggestions', async (request, reply) => {
      const headers = request.headers;
      if (headers['x-auth-token'] !== this.token) return reply.code(401).send({ message: 'Invalid token' });
      if (!headers['x-client-name'] || !headers['x-client-version']) {
        return reply.code(400).send({ message: 'X-Client-Name and X-Client-Version are required' });
      }
      const { ticketId } = request.query as { ticketId?: string };
      if (!ticketId || !/^\d+$/.test(ticketId)) return reply.code(400).send({ message: 'ticketId must be a number' });
      this.callers.push({ clientName: String(headers['x-client-name']), clientVersion: String(headers['x-client-version']), ticketId: Number(ticketId) });
      return { assets: this.predictionsFor(Number(ticketId)).map((a) => this.entry(a)) };
    });

    app.put('/__admin/predictions/:ticketId', async (request, reply) => {
      const ticketId = ticketParam(request);
      const { assets } = (request.body ?? {}) as { assets?: SandboxAssetPredictions[] };
      if (ticketId === undefined || !Array.isArray(assets)) return reply.code(400).send({ message: 'ticket id and assets are required' });
      this.setPredictions(ticketId, assets);
      return { ticketId, assets: this.predictionsFor(ticketId) };
    });
    app.delete('/__admin/predictions/:ticketId', async (request, reply) => {
      const ticketId = ticketParam(request);
      if (ticketId === undefined) return reply.code(400).send({ message: 'ticket id is required' });
      this.clearPredictions(ticketId);
      return { ok: true };
    });
    app.put('/__admin/assets/:ticketId', async (request, reply) => {
      const ticketId = ticketParam(request);
      const { assets } = (request.body ?? {}) as { assets?: unknown };
      if (ticketId === undefined || !Array.isArray(assets) || !assets.every((a) => typeof a === 'string')) {
        return reply.code(400).send({ message: 'ticket id and a list of serials are required' });
      }
      this.setAssets(ticketId, assets);
      return { ticketId, assets: this.predictionsFor(ticketId) };
    });
    app.get('/__admin/callers', async () => this.callers);
    app.put('/__admin/shape', async (request, reply) => {
      const { shape } = (request.body ?? {}) as { shape?: unknown };
      if (shape !== 'task_results' && shape !== 'legacy') return reply.code(400).send({ message: 'shape is task_results or legacy' });
      this.setShape(shape);
      return { shape };
    });
  }

  private entry(asset: SandboxAssetPredictions): Record<string, unknown> {
    return this.shape === 'legacy'
      ? { assetId: asset.asset, predictions: asset.predictions }
      : { asset: asset.asset, task_results: asset.predictions };
  }
}

export async function startT7Sandbox(
  options: { port?: number; token?: string; seed?: number; assetsForTicket?: T7SandboxOptions['assetsForTicket'] } = {},
): Promise<T7Sandbox> {
  const sandbox = new T7Sandbox(options);
  await sandbox.start();
  return sandbox;
}

function ticketParam(request: FastifyRequest): number | undefined {
  const raw = (request.params as { ticketId?: string }).ticketId;
  return raw && /^\d+$/.test(raw) ? Number(raw) : undefined;
}
