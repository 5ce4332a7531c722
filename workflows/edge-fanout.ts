/**
 * The fleet fan-out shared by P1 (monitoring) and P2 (outage detection): list the edges, cut them
 * into chunks, run one child workflow per chunk in a sliding window, and in each child one
 * activity per edge. No workflow has more than CHUNK_SIZE activities in flight, and the parent
 * continues as new when its own history grows large. Nothing small fails the whole run: a host or
 * an enterprise that cannot be listed, a listing row without an id, a chunk or an edge that fails
 * are counted in the tally, and the rest is processed.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  continueAsNew,
  executeChild,
  patched,
  proxyActivities,
  workflowInfo,
  log,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { EdgeGroup, HostListing } from '../activities/velocloud';
import { isOutage, type EdgeSummary } from '../domain/edges';
import { addEdge, addFailure, addUnlisted, completeTally, emptyTally, mergeTally, type FleetTally } from '../domain/fleet-tally';

export type FanOutPurpose = 'monitoring' | 'outage-detection';

export interface FanOutOptions {
  /** Edges per child workflow (= activities in flight per child). */
  chunkSize?: number;
  /** Child workflows running at once. */
  maxChildren?: number;
  /** History length past which the parent continues as new (tests lower it to exercise that path). */
  historyLimit?: number;
}

export interface FanOutProgress {
  chunks: EdgeGroup[][];
  nextChunk: number;
  tally: FleetTally;
  startedAt: number;
  listed: number;
}

export interface EdgeChunkInput {
  groups: EdgeGroup[];
  purpose: FanOutPurpose;
}

export const DEFAULT_CHUNK_SIZE = 250;
export const DEFAULT_MAX_CHILDREN = 8;
/** Continue as new well before Temporal's 10,240-event warning. */
export const DEFAULT_HISTORY_LIMIT = 4_000;
/** Runs that started before the listing went per host list with one listEdges activity (README, "The replay corpus"). */
export const LISTING_PER_HOST_PATCH = 'listing-per-host';

/** Before LISTING_PER_HOST_PATCH: every host and enterprise in one activity, failing the run on any error. */
const { listEdges } = proxyActivities<Activities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '2s', maximumAttempts: 5 },
});

const { velocloudHostsToList } = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', maximumAttempts: 5 },
});

/**
 * One listing activity per host, not one per enterprise or per call: a 10,000-edge fleet on a few
 * hosts lists in a few billable actions, which leaves the action budget for the edges. Retries
 * still work per enterprise: an attempt records what it listed and the next one lists only what
 * failed (activities/velocloud.ts). Five attempts, 1 s to 8 s apart, fit in the cycle's 2 minutes.
 */
const { listHostEdges } = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  heartbeatTimeout: '20s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 5 },
});

const { quarantineOutages } = proxyActivities<Activities>({
  startToCloseTimeout: '2m',
  heartbeatTimeout: '30s',
  retry: { initialInterval: '2s', maximumAttempts: 10 },
});

/**
 * An edge's fetch is three calls: with 10 % of calls failing, an attempt fails about one time in
 * four, and ten attempts leave about one edge in 500,000 unfetched. Backing off from 1 s by 1.5 up
 * to 10 s, the ten attempts are spread over ~50 s, inside the cycle's 2-minute interval. A 429 is
 * not an attempt's failure: the client waits out the host's cool-down.
 */
const { fetchEdgeStatus } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '3m',
  retry: { initialInterval: '1s', backoffCoefficient: 1.5, maximumInterval: '10s', maximumAttempts: 10 },
});

/** Cuts host/enterprise groups into chunks of at most `size` edges, keeping group boundaries where it can. */
export function chunkGroups(groups: EdgeGroup[], size: number): EdgeGroup[][] {
  const chunks: EdgeGroup[][] = [];
  let current: EdgeGroup[] = [];
  let count = 0;
  for (const group of groups) {
    for (let i = 0; i < group.edgeIds.length; ) {
      const take = Math.min(size - count, group.edgeIds.length - i);
      current.push({ ...group, edgeIds: group.edgeIds.slice(i, i + take) });
      count += take;
      i += take;
      if (count === size) {
        chunks.push(current);
        current = [];
        count = 0;
      }
    }
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/**
 * Runs (or resumes) the fan-out. Returns the tally, or continues the calling workflow as new with
 * its progress when the history grows too long — `resume` rebuilds that workflow's input.
 */
export async function fanOutOverFleet(
  purpose: FanOutPurpose,
  options: FanOutOptions,
  progress: FanOutProgress | undefined,
  resume: (progress: FanOutProgress) => unknown[],
): Promise<FanOutProgress> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const maxChildren = options.maxChildren ?? DEFAULT_MAX_CHILDREN;
  const historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  let state = progress && { ...progress, tally: completeTally(progress.tally) };
  if (!state) {
    const startedAt = Date.now();
    const tally = emptyTally();
    const groups = patched(LISTING_PER_HOST_PATCH) ? await listFleet(tally) : await listEdges();
    state = {
      chunks: chunkGroups(groups, chunkSize),
      nextChunk: 0,
      tally,
      startedAt,
      // Rows without an id were listed too: they are already counted as failed edges.
      listed: groups.reduce((n, g) => n + g.edgeIds.length, 0) + tally.failed,
    };
  }
  const { workflowId } = workflowInfo();
  const running = new Map<number, Promise<void>>();
  const start = (index: number) => {
    const groups = state.chunks[index] as EdgeGroup[];
    const child = executeChild(edgeStatusChunkWorkflow, {
      workflowId: `${workflowId}-chunk-${index}`,
      args: [{ groups, purpose }],
    }).then(
      (tally) => mergeTally(state.tally, tally),
      // A chunk that failed as a whole costs its edges, not the cycle.
      (error: Error) => {
        for (const group of groups) {
          for (const edgeId of group.edgeIds) {
            addFailure(state.tally, { host: group.host, enterpriseId: group.enterpriseId, edgeId }, `chunk ${index} failed: ${error.message}`);
          }
        }
      },
    );
    running.set(index, child.finally(() => running.delete(index)));
  };

  let startedInThisRun = 0;
  while (state.nextChunk < state.chunks.length || running.size) {
    // Every run starts at least one chunk, so a low limit still makes progress.
    const tooLong =
      startedInThisRun > 0 && (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > historyLimit);
    if (tooLong) {
      // Let the children in flight finish, then carry on in a fresh history.
      await Promise.all(running.values());
      if (state.nextChunk < state.chunks.length) {
        log.info('continuing as new', { nextChunk: state.nextChunk, chunks: state.chunks.length });
        await continueAsNew(...resume(state));
      }
      break;
    }
    while (running.size < maxChildren && state.nextChunk < state.chunks.length) {
      start(state.nextChunk);
      state.nextChunk += 1;
      startedInThisRun += 1;
    }
    await Promise.race(running.values());
  }
  return state;
}

/**
 * Lists every host at once, one activity each. A host that cannot be listed after its retries, the
 * enterprises it could not list and the rows without an id go into the tally; the rest is listed.
 */
async function listFleet(tally: FleetTally): Promise<EdgeGroup[]> {
  const hosts = await velocloudHostsToList();
  const listings = await Promise.all(
    hosts.map(async (host): Promise<HostListing> => {
      try {
        return await listHostEdges({ host });
      } catch (error) {
        if (!(error instanceof ActivityFailure)) throw error;
        return { host, groups: [], unlisted: [{ host, error: failureMessage(error) }], unfetchable: [] };
      }
    }),
  );
  for (const listing of listings) {
    for (const unlisted of listing.unlisted) addUnlisted(tally, unlisted);
    for (const row of listing.unfetchable) addFailure(tally, { host: listing.host, enterpriseId: row.enterpriseId }, row.error);
  }
  return listings.flatMap((listing) => listing.groups);
}

/** What an activity's failure says: the client's error (host, call, what was wrong), not "activity task failed". */
function failureMessage(error: unknown): string {
  const { cause, message } = error as { cause?: { message?: string }; message?: string };
  return cause?.message ?? message ?? String(error);
}

/** One chunk of edges: one activity per edge, all at once; failures are counted, not fatal. */
export async function edgeStatusChunkWorkflow(input: EdgeChunkInput): Promise<FleetTally> {
  const refs = input.groups.flatMap((group) =>
    group.edgeIds.map((edgeId) => ({
      host: group.host,
      enterpriseId: group.enterpriseId,
      enterpriseName: group.enterpriseName,
      edgeId,
    })),
  );
  if (refs.length > DEFAULT_CHUNK_SIZE * 2) {
    throw ApplicationFailure.nonRetryable(`chunk of ${refs.length} edges exceeds the per-workflow bound`);
  }
  const results = await Promise.allSettled(refs.map((ref) => fetchEdgeStatus(ref)));
  const tally = emptyTally();
  const outages: EdgeSummary[] = [];
  results.forEach((result, i) => {
    const ref = refs[i] as (typeof refs)[number];
    if (result.status === 'fulfilled') {
      addEdge(tally, result.value);
      if (isOutage(result.value)) outages.push(result.value);
    } else {
      addFailure(tally, { host: ref.host, enterpriseId: ref.enterpriseId, edgeId: ref.edgeId }, failureMessage(result.reason));
    }
  });
  if (input.purpose === 'outage-detection' && outages.length) await quarantineOutages(outages);
  return tally;
}
