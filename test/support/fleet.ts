import { clientIdOf } from '../../domain/edges';
import type { SandboxSet } from '../../sandbox';
import type { TruthEdge } from '../../sandbox/velocloud';

/** Every edge the sandbox orchestrators serve, keyed by the engine's host names. */
export function truthEdges(sandboxes: SandboxSet): TruthEdge[] {
  return sandboxes.velocloud.sandboxes.flatMap((s) => s.fleetTruth().edges);
}

/** Brings every edge and link of the fleet up, so a test starts from a known quiet state. */
export function makeFleetHealthy(sandboxes: SandboxSet): void {
  for (const edge of truthEdges(sandboxes)) {
    const sandbox = sandboxes.velocloud.byHostName(edge.host);
    if (edge.edgeState !== 'CONNECTED') sandbox.setEdgeState(edge.id, 'CONNECTED');
    for (const link of edge.links) if (link.state === 'DISCONNECTED') sandbox.setLink(edge.id, link.interface, { state: 'STABLE' });
  }
}

/** Healthy edges of customer enterprises (with a Bruin client id) or of test enterprises. */
export function pickEdges(sandboxes: SandboxSet, kind: 'customer' | 'test', count: number): TruthEdge[] {
  const edges = truthEdges(sandboxes).filter((e) => (clientIdOf(e.enterpriseName) === undefined) === (kind === 'test') && e.serialNumber);
  if (edges.length < count) throw new Error(`the sandbox fleet has only ${edges.length} ${kind} edges`);
  return edges.slice(0, count);
}

export function setEdgeState(sandboxes: SandboxSet, edge: TruthEdge, state: string): void {
  sandboxes.velocloud.byHostName(edge.host).setEdgeState(edge.id, state);
}
