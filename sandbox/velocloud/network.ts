/**
 * HA pairs (SPEC §3 "VCO HA"): `network/getNetworkEnterprises {enterprises:[id], with:["edges"]}`
 * answers each enterprise with its edges' `haState` (READY: the partner is up, FAILED: the partner
 * is down, anything else: no HA pair), and the partner's serial reaches `getEnterpriseEdgeLinkStatus`
 * rows as `edgeHASerialNumber`. Edges are not in a pair until a test says so:
 *
 *   PUT /__admin/edges/:edgeId/ha   {haState: 'READY' | 'FAILED' | any text | null, partnerSerial?: string}
 *                                    (null: no HA pair again)
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { FleetState } from './fleet-state';
import type { FleetEdge } from './fleet-model';

type Api = <P>(call: string, schema: z.ZodType<P>, answer: (params: P) => unknown) => void;

const networkEnterprisesParams = z
  .object({
    enterprises: z.array(z.number().int()).optional(),
    with: z.array(z.string()).optional(),
  })
  .passthrough();

const haBody = z.object({ haState: z.string().min(1).nullable(), partnerSerial: z.string().min(1).optional() }).strict();
const edgeParams = z.object({ edgeId: z.coerce.number().int() });

function networkEdgeJson(edge: FleetEdge): Record<string, unknown> {
  return {
    id: edge.id,
    name: edge.name,
    serialNumber: edge.serialNumber,
    edgeState: edge.edgeState,
    haState: edge.ha?.state ?? 'UNCONFIGURED',
    haSerialNumber: edge.ha?.partnerSerial ?? null,
  };
}

export function registerNetworkRoutes(app: FastifyInstance, fleet: FleetState, api: Api): void {
  api('network/getNetworkEnterprises', networkEnterprisesParams, ({ enterprises: ids, with: include }) => {
    const wanted = ids?.length ? new Set(ids) : undefined;
    return fleet
      .enterprises()
      .filter((e) => !wanted || wanted.has(e.id))
      .map((e) => ({ id: e.id, name: e.name, ...(include?.includes('edges') ? { edges: e.edges.map(networkEdgeJson) } : {}) }));
  });

  app.put('/__admin/edges/:edgeId/ha', async (request, reply) => {
    const params = edgeParams.safeParse(request.params);
    const body = haBody.safeParse(request.body);
    if (!params.success || !body.success) return reply.code(400).send({ error: 'expected {haState: string | null, partnerSerial?: string}' });
    const edge = fleet.edge(params.data.edgeId);
    if (!edge) return reply.code(404).send({ error: `no edge ${params.data.edgeId}` });
    const { haState, partnerSerial } = body.data;
    if (haState === null) delete edge.ha;
    else edge.ha = { state: haState, partnerSerial: partnerSerial ?? edge.ha?.partnerSerial ?? '' };
    return { edgeId: edge.id, ha: edge.ha ?? null };
  });
}
