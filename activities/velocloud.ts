/**
 * Reading the fleet from the orchestrators. Activities return compact summaries (EdgeSummary,
 * EdgeGroup), never raw VCO payloads, so workflow histories stay small.
 */
import { Context } from '@temporalio/activity';
import { ExternalCallError } from '../clients/errors';
import type { VelocloudClient, VelocloudEnterprise } from '../clients/velocloud';
import { isWireless, type EdgeRef, type EdgeSummary } from '../domain/edges';
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
