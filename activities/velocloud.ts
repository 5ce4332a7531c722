/**
 * Reading the fleet from the orchestrators. Activities return compact summaries (EdgeSummary,
 * EdgeGroup), never raw VCO payloads, so workflow histories stay small.
 */
import { Context } from '@temporalio/activity';
import { ExternalCallError } from '../clients/errors';
import type { VelocloudClient, VelocloudEdge, VelocloudEnterprise } from '../clients/velocloud';
import type { EdgeFetchActivity } from '../config';
import { isWireless, type EdgeRef, type EdgeSummary, type ListedEdge } from '../domain/edges';
import type { UnlistedEnterprise } from '../domain/fleet-tally';
import { mapWithConcurrency } from '../domain/concurrency';
import { previousProgress, recordProgress } from './attempt';
import type { ActivityDeps } from './deps';

/** The edges of one enterprise on one host, by id: the compact listing the fan-out chunks. */
export interface EdgeGroup {
  host: string;
  enterpriseId: number;
  enterpriseName: string;
  edgeIds: number[];
}

/** A listing row that names no usable edge id: the VCO listed an edge nobody can fetch. */
export interface UnfetchableRow {
  enterpriseId: number;
  error: string;
}

/** One host's listing: what could be listed, and what could not. */
export interface HostListing {
  host: string;
  groups: EdgeGroup[];
  /** Enterprises whose edges could not be listed after every attempt (or at once, when no attempt can help). */
  unlisted: UnlistedEnterprise[];
  /** Each counts as a failed edge of the cycle. */
  unfetchable: UnfetchableRow[];
}

export interface EdgeStatusRequest extends EdgeRef {
  enterpriseName: string;
}

/** What a fan-out needs to know before it starts: which orchestrators, and how it fetches an edge. */
export interface FanOutSettings {
  hosts: string[];
  /** EDGE_FETCH_ACTIVITY, read once here so that every chunk of a cycle runs the same way. */
  edgeFetch: EdgeFetchActivity;
}

/** A page of one host's enterprises, in id order. */
export interface EnterprisePage {
  host: string;
  enterprises: VelocloudEnterprise[];
  /** More enterprises follow the last of these. */
  more: boolean;
  /** The host's edges per enterprise on average (getAggregates), to size chunks before their edges are listed. */
  edgesPerEnterprise: number;
}

export interface EnterpriseEdgesRequest {
  host: string;
  enterpriseId: number;
  enterpriseName: string;
  /** Only edges with a larger id (the previous page's `nextAfter`). */
  afterEdgeId?: number;
  /** At most this many edges in the page. */
  limit: number;
}

/** A page of one enterprise's edges, in id order: what the listing says of each, so only links remain to fetch. */
export interface EnterpriseEdgesPage {
  edges: ListedEdge[];
  /** Rows with an edge id that broke the contract: each counts as a failed edge. */
  broken: { edgeId: number; error: string }[];
  /** Rows without a usable id (first page only): each counts as a failed edge nobody can fetch. */
  unfetchable: string[];
  /** Set when more edges follow: the last edge id of this page. */
  nextAfter?: number;
}

export interface ListedEdgeStatusRequest {
  host: string;
  enterpriseId: number;
  enterpriseName: string;
  edge: ListedEdge;
}

/** What an attempt of listHostEdges leaves for the next one: the enterprises, and those already done. */
interface ListingProgress {
  enterprises: VelocloudEnterprise[];
  done: number[];
  listing: HostListing;
}

/** How far back link metrics are read for an edge's status. */
const LINK_METRICS_WINDOW_MS = 10 * 60_000;
const ENTERPRISE_LISTING_CONCURRENCY = 8;

export function createVelocloudActivities({ config, velocloud, logger }: ActivityDeps) {
  const hostsToList = () => {
    const filter = config.velocloud.filter;
    return config.velocloud.hosts.map((h) => h.host).filter((host) => !Object.keys(filter).length || host in filter);
  };
  const selected = (host: string, enterprises: VelocloudEnterprise[]) => {
    const wanted = config.velocloud.filter[host] ?? [];
    return enterprises.filter((e) => !wanted.length || wanted.includes(e.id));
  };

  return {
    /** The orchestrators a listing covers: every configured one, narrowed by VELOCLOUD_FILTER. */
    async velocloudHostsToList(): Promise<string[]> {
      return hostsToList();
    },

    /** The fan-out's settings, read from the configuration once per cycle (and carried in its inputs). */
    async velocloudFanOutSettings(): Promise<FanOutSettings> {
      return { hosts: hostsToList(), edgeFetch: config.velocloud.edgeFetch };
    },

    /**
     * A page of a host's enterprises (narrowed by VELOCLOUD_FILTER), in id order, after `after`. One
     * call whatever the page: the VCO lists every enterprise at once, the page bounds what travels.
     */
    async listEnterprisesPage(request: { host: string; after?: number; limit: number }): Promise<EnterprisePage> {
      const aggregates = await velocloud.forHost(request.host).getAggregates();
      const all = selected(request.host, aggregates.enterprises).sort((a, b) => a.id - b.id);
      const after = all.filter((e) => request.after === undefined || e.id > request.after);
      return {
        host: request.host,
        enterprises: after.slice(0, request.limit),
        more: after.length > request.limit,
        edgesPerEnterprise: aggregates.enterprises.length ? aggregates.edgeCount / aggregates.enterprises.length : 0,
      };
    },

    /**
     * A page of one enterprise's edges with what the listing says of each (state, serial, name, last
     * contact). The VCO lists the whole enterprise in one call; the page bounds what travels, so an
     * enterprise of any size fits a workflow's payloads. A row that breaks the contract costs its
     * edge only: with an id it is a failed edge named by its error, without one it is unfetchable.
     */
    async listEnterpriseEdges(request: EnterpriseEdgesRequest): Promise<EnterpriseEdgesPage> {
      const answer = await velocloud.forHost(request.host).getEnterpriseEdges(request.enterpriseId);
      const entries: Array<{ id: number; edge?: VelocloudEdge; error?: string }> = [
        ...answer.rows.map((edge) => ({ id: edge.id, edge })),
        ...answer.problems.flatMap((p) => (p.edgeId === undefined ? [] : [{ id: p.edgeId, error: p.message }])),
      ]
        .filter((entry) => request.afterEdgeId === undefined || entry.id > request.afterEdgeId)
        .sort((a, b) => a.id - b.id);
      const page = entries.slice(0, request.limit);
      const more = entries.length > request.limit;
      return {
        edges: page.flatMap(({ edge }) => (edge ? [listedEdge(edge)] : [])),
        broken: page.flatMap(({ id, error }) => (error === undefined ? [] : [{ edgeId: id, error }])),
        unfetchable:
          request.afterEdgeId === undefined
            ? answer.problems.flatMap((p) => (p.edgeId === undefined ? [`${p.message} (no usable edge id: cannot be fetched)`] : []))
            : [],
        ...(more ? { nextAfter: page.at(-1)!.id } : {}),
      };
    },

    /**
     * One listed edge's status: its links (state and backup state, which only the per-edge call
     * carries), beside what the listing already said. One VCO call; P1 and P2 read no service groups.
     */
    async fetchListedEdgeStatus(request: ListedEdgeStatusRequest): Promise<EdgeSummary> {
      const { host, enterpriseId, enterpriseName, edge } = request;
      const end = new Date();
      const interval = { start: new Date(end.getTime() - LINK_METRICS_WINDOW_MS), end };
      const links = await velocloud.forHost(host).getEdgeLinkMetrics(enterpriseId, edge.id, interval);
      return {
        host,
        enterpriseId,
        edgeId: edge.id,
        enterpriseName,
        name: edge.name,
        serial: edge.serial,
        state: edge.state,
        lastContact: edge.lastContact,
        links: links.map((link) => ({
          interface: link.interface,
          displayName: link.displayName,
          state: link.state,
          backupState: link.backupState,
        })),
      };
    },

    /**
     * One host's edges, grouped by enterprise. An enterprise that fails is left for the next
     * attempt, and the attempt fails once every other enterprise is listed; the progress it records
     * lets the next attempt list only what is left, so Temporal's retries work per enterprise
     * without an activity per enterprise. On the last attempt, what still fails is returned as
     * unlisted rather than failing the host. A row that breaks the contract costs its edge only:
     * with an id it is listed (its own fetch will say what is wrong), without one it is unfetchable.
     */
    async listHostEdges(request: { host: string }): Promise<HostListing> {
      const { info } = Context.current();
      const client = velocloud.forHost(request.host);
      const progress = previousProgress<ListingProgress>() ?? {
        enterprises: selected(request.host, (await client.getAggregates()).enterprises),
        done: [],
        listing: { host: request.host, groups: [], unlisted: [], unfetchable: [] },
      };
      const { listing } = progress;
      const done = new Set(progress.done);
      const lastAttempt = !!info.retryPolicy?.maximumAttempts && info.attempt >= info.retryPolicy.maximumAttempts;
      const failed: { enterprise: VelocloudEnterprise; error: ExternalCallError }[] = [];
      recordProgress(progress);
      await mapWithConcurrency(
        progress.enterprises.filter((e) => !done.has(e.id)),
        ENTERPRISE_LISTING_CONCURRENCY,
        async (enterprise) => {
          try {
            listEnterprise(client, enterprise, listing, await client.getEnterpriseEdges(enterprise.id));
          } catch (error) {
            const retryable = error instanceof ExternalCallError && error.kind !== 'non-retryable';
            if (retryable && !lastAttempt) {
              failed.push({ enterprise, error });
              return;
            }
            listing.unlisted.push({ host: request.host, enterpriseId: enterprise.id, enterpriseName: enterprise.name, error: messageOf(error) });
          }
          progress.done.push(enterprise.id);
          recordProgress(progress);
        },
      );
      const [first] = failed;
      if (first) {
        throw new ExternalCallError({
          system: 'velocloud',
          target: request.host,
          call: first.error.call,
          kind: first.error.kind,
          retryAfterMs: Math.max(0, ...failed.map((f) => f.error.retryAfterMs ?? 0)) || undefined,
          message: `${failed.length} of ${progress.enterprises.length} enterprises not listed yet (listed again on the next attempt); enterprise ${first.enterprise.id}: ${first.error.message}`,
        });
      }
      if (listing.unfetchable.length || listing.unlisted.length) {
        logger.warn(
          { host: request.host, unlisted: listing.unlisted.slice(0, 5), unfetchable: listing.unfetchable.slice(0, 5) },
          'listing incomplete',
        );
      }
      return listing;
    },

    /**
     * Every edge of every configured orchestrator in one go, failing as a whole on any error.
     * Kept only for cycles that started before listHostEdges (their histories schedule it).
     */
    async listEdges(): Promise<EdgeGroup[]> {
      const groups: EdgeGroup[] = [];
      for (const host of hostsToList()) {
        const client = velocloud.forHost(host);
        const enterprises = selected(host, (await client.getAggregates()).enterprises);
        const listing: HostListing = { host, groups: [], unlisted: [], unfetchable: [] };
        await mapWithConcurrency(enterprises, ENTERPRISE_LISTING_CONCURRENCY, async (enterprise) =>
          listEnterprise(client, enterprise, listing, await client.getEnterpriseEdges(enterprise.id)),
        );
        groups.push(...listing.groups);
      }
      return groups;
    },

    /**
     * One edge's state and links, with wired/wireless told apart by the links' service groups: three
     * calls. P2's re-check after quarantine uses it, and cycles that started before the listing
     * carried each edge's state (their histories schedule it).
     */
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

function listedEdge(edge: VelocloudEdge): ListedEdge {
  return { id: edge.id, name: edge.name, serial: edge.serialNumber, state: edge.edgeState, lastContact: edge.lastContact };
}

/** Adds one enterprise's answer to the listing: every edge with an id, and the rows without one. */
function listEnterprise(
  client: VelocloudClient,
  enterprise: VelocloudEnterprise,
  listing: HostListing,
  answer: Awaited<ReturnType<VelocloudClient['getEnterpriseEdges']>>,
): void {
  const edgeIds = [...answer.rows.map((e) => e.id), ...answer.problems.flatMap((p) => (p.edgeId === undefined ? [] : [p.edgeId]))];
  if (edgeIds.length) listing.groups.push({ host: client.host, enterpriseId: enterprise.id, enterpriseName: enterprise.name, edgeIds });
  for (const problem of answer.problems) {
    if (problem.edgeId === undefined) listing.unfetchable.push({ enterpriseId: enterprise.id, error: `${problem.message} (no usable edge id: cannot be fetched)` });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
