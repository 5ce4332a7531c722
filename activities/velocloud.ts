/**
 * Reading the fleet from the orchestrators. Activities return compact summaries (EdgeSummary,
 * EdgeGroup), never raw VCO payloads, so workflow histories stay small.
 */
import { heartbeat } from '@temporalio/activity';
import { isWireless, type EdgeRef, type EdgeSummary } from '../domain/edges';
import { mapWithConcurrency } from '../domain/concurrency';
import type { ActivityDeps } from './deps';

/** The edges of one enterprise on one host, by id: the compact listing the fan-out chunks. */
export interface EdgeGroup {
  host: string;
  enterpriseId: number;
  enterpriseName: string;
  edgeIds: number[];
}

export interface EdgeStatusRequest extends EdgeRef {
  enterpriseName: string;
}

/** How far back link metrics are read for an edge's status. */
const LINK_METRICS_WINDOW_MS = 10 * 60_000;
const ENTERPRISE_LISTING_CONCURRENCY = 8;

export function createVelocloudActivities({ config, velocloud }: ActivityDeps) {
  return {
    /** Every edge of every configured orchestrator, narrowed by VELOCLOUD_FILTER, grouped by enterprise. */
    async listEdges(): Promise<EdgeGroup[]> {
      const filter = config.velocloud.filter;
      const hosts = config.velocloud.hosts.filter((h) => !Object.keys(filter).length || h.host in filter);
      const groups: EdgeGroup[] = [];
      for (const { host } of hosts) {
        const client = velocloud.forHost(host);
        const wanted = filter[host] ?? [];
        const { enterprises } = await client.getAggregates();
        const selected = enterprises.filter((e) => !wanted.length || wanted.includes(e.id));
        const listed = await mapWithConcurrency(selected, ENTERPRISE_LISTING_CONCURRENCY, async (enterprise) => {
          const edges = await client.getEnterpriseEdges(enterprise.id);
          heartbeat();
          return { host, enterpriseId: enterprise.id, enterpriseName: enterprise.name, edgeIds: edges.map((e) => e.id) };
        });
        groups.push(...listed.filter((g) => g.edgeIds.length));
      }
      return groups;
    },

    /** One edge's state and links, with wired/wireless told apart by the links' service groups. */
    async fetchEdgeStatus(request: EdgeStatusRequest): Promise<EdgeSummary> {
      const client = velocloud.forHost(request.host);
      const end = new Date();
      const interval = { start: new Date(end.getTime() - LINK_METRICS_WINDOW_MS), end };
      const [edge, links, appLinks] = await Promise.all([
        client.getEdge(request.enterpriseId, request.edgeId),
        client.getEdgeLinkMetrics(request.enterpriseId, request.edgeId, interval),
        client.getEdgeAppLinkMetrics(request.enterpriseId, request.edgeId),
      ]);
      const groupsByLink = new Map(appLinks.map((l) => [l.linkId, l.serviceGroups]));
      return {
        host: request.host,
        enterpriseId: request.enterpriseId,
        edgeId: request.edgeId,
        enterpriseName: request.enterpriseName,
        name: edge.name,
        serial: edge.serialNumber,
        state: edge.edgeState,
        lastContact: edge.lastContact,
        links: links.map((link) => ({
          interface: link.interface,
          displayName: link.displayName,
          state: link.state,
          backupState: link.backupState,
          wireless: isWireless(groupsByLink.get(link.linkId) ?? []),
        })),
      };
    },
  };
}
