/**
 * The orchestrator's admin API, beside the framework's (faults, received requests, reset):
 *
 *   GET    /__admin/fleet                              the fleet truth: enterprises and every edge with its links
 *   GET    /__admin/fleet/counts                       edges by state, overall and per enterprise
 *   PUT    /__admin/edges/:edgeId/state                {edgeState}
 *   PUT    /__admin/edges/:edgeId/last-contact         {lastContact: ISO time | null (never)}
 *   PUT    /__admin/edges/:edgeId/links/:interface     {state?, backupState?, bestLatencyMsRx?, ..., bpsOfBestPathRx?, serviceGroups?}
 *                                                      (any state string: `{state: "WOBBLY"}` is an undocumented one)
 *   PUT    /__admin/edges/:edgeId/malformed            {kind: 'null-edgeState' | 'missing-serialNumber' | 'null-id'
 *                                                      | 'unknown-link-state' | null} the edge's rows in every call come
 *                                                      out broken that way (null: whole again); unknown-link-state
 *                                                      reports its first link as WOBBLY
 *   POST   /__admin/edges/:edgeId/events               {events: [{event, eventTime?, interface?, message?}]}
 *   POST   /__admin/sessions/expire                    every session cookie stops working (the next call gets the
 *                                                      VCO's tokenError; a fresh login works)
 *   PUT    /__admin/sessions                           {errorStatus: 200 | 400 | 401} how expired sessions are answered
 *   GET    /__admin/stats, DELETE /__admin/stats       logins, 429 and 5xx answers, the most requests in flight at once
 *
 * Faults ride on PUT /__admin/faults (the whole set is replaced each time):
 *   errorRate, errorStatus          that share of API calls answers errorStatus (5xx: 500 by default)
 *   errorNext                       the next N API calls answer errorStatus
 *   rateLimitNext, retryAfterSeconds, rateLimitCoolDownMs
 *                                   the next N calls answer 429 with Retry-After; after one, every call during
 *                                   the cool-down answers 429 too
 *   rateLimitEveryMs                periodic overload: every N ms a burst of 429s to every call (logins too) lasting
 *                                   rateLimitCoolDownMs (default Retry-After)
 *   nonJsonNext, nonJsonStatus      the next N calls (not logins) answer a proxy's HTML error page (502 by default)
 *   malformedNext                   the next N calls (not logins) answer a body of the wrong shape
 *   nullFieldsNext                  the next N edge or link answers have optional fields null or missing
 *   latencyMs, pathContains         delay on every call; only calls whose path contains the text are affected
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { UnknownFleetItemError } from './fleet-state';
import type { VelocloudSandbox } from './orchestrator';
import { MALFORMED_KINDS } from './responses';

const edgeParams = z.object({ edgeId: z.coerce.number().int() });
const linkParams = edgeParams.extend({ interface: z.string().min(1) });
const metric = z.number().nonnegative();
const linkChange = z
  .object({
    state: z.string().min(1),
    backupState: z.string().min(1),
    bestLatencyMsRx: metric,
    bestLatencyMsTx: metric,
    bestLossPctRx: metric,
    bestLossPctTx: metric,
    bestJitterMsRx: metric,
    bestJitterMsTx: metric,
    bytesRx: metric,
    bytesTx: metric,
    bpsOfBestPathRx: metric,
    bpsOfBestPathTx: metric,
    serviceGroups: z.array(z.string()),
  })
  .partial()
  .strict();
const newEvent = z.object({
  event: z.string().min(1),
  eventTime: z.iso.datetime({ offset: true }).optional(),
  interface: z.string().optional(),
  message: z.string().optional(),
  category: z.string().optional(),
  severity: z.string().optional(),
});
const bodies = {
  state: z.object({ edgeState: z.string().min(1) }),
  lastContact: z.object({ lastContact: z.iso.datetime({ offset: true }).nullable() }),
  events: z.object({ events: z.array(newEvent).min(1) }),
  sessions: z.object({ errorStatus: z.union([z.literal(200), z.literal(400), z.literal(401)]) }),
  malformed: z.object({ kind: z.enum(MALFORMED_KINDS).nullable() }),
};

export function registerVelocloudAdminRoutes(app: FastifyInstance, sandbox: VelocloudSandbox): void {
  app.get('/__admin/fleet', async () => sandbox.fleetTruth());
  app.get('/__admin/fleet/counts', async () => sandbox.fleetCounts());

  app.put('/__admin/edges/:edgeId/state', async (request, reply) =>
    act(reply, () => {
      const { edgeId } = edgeParams.parse(request.params);
      return sandbox.fleet.setEdgeState(edgeId, bodies.state.parse(request.body).edgeState);
    }),
  );
  app.put('/__admin/edges/:edgeId/last-contact', async (request, reply) =>
    act(reply, () => {
      const { edgeId } = edgeParams.parse(request.params);
      return sandbox.fleet.setLastContact(edgeId, bodies.lastContact.parse(request.body).lastContact);
    }),
  );
  app.put('/__admin/edges/:edgeId/links/:interface', async (request, reply) =>
    act(reply, () => {
      const { edgeId, interface: linkInterface } = linkParams.parse(request.params);
      return sandbox.fleet.setLink(edgeId, linkInterface, linkChange.parse(request.body));
    }),
  );
  app.put('/__admin/edges/:edgeId/malformed', async (request, reply) =>
    act(reply, () => {
      const { edgeId } = edgeParams.parse(request.params);
      const { kind } = bodies.malformed.parse(request.body);
      sandbox.setMalformed(edgeId, kind);
      return { edgeId, kind };
    }),
  );
  app.post('/__admin/edges/:edgeId/events', async (request, reply) =>
    act(reply, () => {
      const { edgeId } = edgeParams.parse(request.params);
      return sandbox.fleet.addEvents(edgeId, bodies.events.parse(request.body).events).events;
    }),
  );

  app.post('/__admin/sessions/expire', async () => {
    sandbox.expireSessions();
    return { ok: true };
  });
  app.put('/__admin/sessions', async (request, reply) =>
    act(reply, () => {
      sandbox.sessionErrorStatus = bodies.sessions.parse(request.body).errorStatus;
      return { errorStatus: sandbox.sessionErrorStatus };
    }),
  );

  app.get('/__admin/stats', async () => sandbox.stats);
  app.delete('/__admin/stats', async () => {
    sandbox.resetStats();
    return sandbox.stats;
  });
}

/** Bad input answers 400 with what was wrong; an unknown edge or link answers 404. */
function act(reply: FastifyReply, change: () => unknown): unknown {
  try {
    return change();
  } catch (error) {
    if (error instanceof z.ZodError) {
      return reply.code(400).send({ error: error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') });
    }
    if (error instanceof UnknownFleetItemError) return reply.code(404).send({ error: error.message });
    throw error;
  }
}
