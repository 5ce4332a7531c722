/**
 * The fleet fan-out shared by P1 (monitoring) and P2 (outage detection).
 *
 *   parent:  settings ─▶ per host, pages of enterprises (ids and names) ─▶ chunks of enterprises
 *            (≈ chunkSize edges each) ─▶ one child workflow per chunk, maxChildren at a time
 *   child:   per enterprise, pages of its listing (state, serial, name, last contact of each edge)
 *            ─▶ one activity per edge for its links ─▶ tally (+ P2: quarantine the outages)
 *
 * The activity per edge is a local activity by default (EDGE_FETCH_ACTIVITY=local): Temporal
 * retries it like any other, records its result in the child's history, and bills every local
 * activity completed in one workflow task as one action, so a cycle of 10,000 edges costs about a
 * hundred actions instead of ten thousand. `remote` runs the same activity as a task of its own.
 *
 * Nothing carried grows with the fleet: the parent never sees an edge id (children list their own
 * enterprises), it continues as new with a cursor per host (the last enterprise handed to a chunk)
 * and a bounded tally, and a child with a huge enterprise continues as new with its own cursor.
 * Nothing small fails the whole run: a host or an enterprise that cannot be listed, a listing row
 * that breaks the contract, a chunk or an edge that fails are counted in the tally, and the rest is
 * processed.
 *
 * Runs recorded before FANOUT_BY_ENTERPRISE_PATCH (every edge id listed by the parent, one remote
 * activity per edge with three VCO calls) replay through the code kept at the end of this file.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  TemporalFailure,
  continueAsNew,
  executeChild,
  patched,
  proxyActivities,
  proxyLocalActivities,
  workflowInfo,
  log,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { EdgeGroup, EnterprisePage, HostListing } from '../activities/velocloud';
import type { EdgeFetchActivity } from '../config';
import { isOutage, type EdgeSummary } from '../domain/edges';
import {
  addEdge,
  addFailure,
  addUnlisted,
  boundTally,
  completeTally,
  emptyTally,
  mergeTally,
  type FleetTally,
} from '../domain/fleet-tally';

export type FanOutPurpose = 'monitoring' | 'outage-detection';

export interface FanOutOptions {
  /** Edges per child workflow, roughly: a chunk takes whole enterprises until it expects this many. */
  chunkSize?: number;
  /** Child workflows running at once. */
  maxChildren?: number;
  /** History length past which a parent or a child continues as new (tests lower it to exercise that path). */
  historyLimit?: number;
  /** Edges listed and fetched at once in a child (a page of an enterprise's listing). */
  pageSize?: number;
}

/** Where one host's listing stands: the last enterprise handed to a chunk. */
export interface HostCursor {
  host: string;
  after?: number;
  done: boolean;
}

/** What a fan-out carries across continue-as-new: a cursor per host and a bounded tally, never edge ids. */
export interface FanOutCursor {
  startedAt: number;
  edgeFetch: EdgeFetchActivity;
  hosts: HostCursor[];
  /** Index of the next chunk (child workflow ids stay unique across runs). */
  nextChunk: number;
  tally: FleetTally;
}

/** Before FANOUT_BY_ENTERPRISE_PATCH: what a run carried across continue-as-new (every chunk's edge ids). */
export interface FanOutProgress {
  chunks: EdgeGroup[][];
  nextChunk: number;
  tally: FleetTally;
  startedAt: number;
  listed: number;
}

export interface FanOutOutcome {
  tally: FleetTally;
  listed: number;
  startedAt: number;
  /** The run followed the code before FANOUT_BY_ENTERPRISE_PATCH (a history recorded by an earlier release). */
  legacy: boolean;
}

export interface ChunkEnterprise {
  id: number;
  name: string;
}

export interface EdgeChunkInput {
  purpose: FanOutPurpose;
  /** One host's enterprises, listed and fetched by the chunk itself. */
  host?: string;
  enterprises?: ChunkEnterprise[];
  edgeFetch?: EdgeFetchActivity;
  pageSize?: number;
  historyLimit?: number;
  /** Set by the chunk's own continue-as-new: the enterprise it was on, the last edge done, and its tally. */
  resume?: { enterprise: number; afterEdgeId?: number; tally: FleetTally };
  /** Before FANOUT_BY_ENTERPRISE_PATCH: the edge ids to fetch, grouped by enterprise. */
  groups?: EdgeGroup[];
}

export const DEFAULT_CHUNK_SIZE = 500;
export const DEFAULT_MAX_CHILDREN = 8;
export const DEFAULT_PAGE_SIZE = 500;
/** Continue as new well before Temporal's 10,240-event warning. */
export const DEFAULT_HISTORY_LIMIT = 4_000;
/** Enterprises per page of a host's listing: a few tens of KB. */
const ENTERPRISE_PAGE_SIZE = 500;
/**
 * Local activities one chunk run records at most. Their markers reach the history only when the
 * workflow task completes, which a busy chunk keeps open for seconds: this bounds both the run's
 * history and the size of one task's completion (~500 bytes a marker).
 */
const MAX_LOCAL_ACTIVITIES_PER_RUN = 2_000;
/** Runs that started before the listing went per host list with one listEdges activity (README, "The replay corpus"). */
export const LISTING_PER_HOST_PATCH = 'listing-per-host';
/** Runs that started before children listed their own enterprises carry every edge id (README, "The replay corpus"). */
export const FANOUT_BY_ENTERPRISE_PATCH = 'fanout-by-enterprise';

/** Settings and listing pages: one call each, retried five times from 1 s to 10 s apart. */
const { velocloudFanOutSettings, listEnterprisesPage, listEnterpriseEdges } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 5 },
});

/**
 * An edge's fetch is one call: with 10 % of calls failing, ten attempts leave about one edge in
 * ten billion unfetched. Backing off from 1 s by 1.5 up to 10 s, the ten attempts are spread over
 * ~50 s, inside the cycle's 2-minute interval. A 429 is not an attempt's failure: the client waits
 * out the host's cool-down, shared by every call to the host.
 */
const EDGE_FETCH = {
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '3m',
  retry: { initialInterval: '1s', backoffCoefficient: 1.5, maximumInterval: '10s', maximumAttempts: 10 },
} as const;
const localFetch = proxyLocalActivities<Activities>(EDGE_FETCH).fetchListedEdgeStatus;
const remoteFetch = proxyActivities<Activities>(EDGE_FETCH).fetchListedEdgeStatus;

const { quarantineOutages } = proxyActivities<Activities>({
  startToCloseTimeout: '2m',
  heartbeatTimeout: '30s',
  retry: { initialInterval: '2s', maximumAttempts: 10 },
});

/**
 * Runs (or resumes) the fan-out. Returns the tally, or continues the calling workflow as new with
 * its cursor when the history grows too long — `resume` rebuilds that workflow's input.
 */
export async function fanOutOverFleet(
  purpose: FanOutPurpose,
  options: FanOutOptions,
  resumed: FanOutCursor | FanOutProgress | undefined,
  resume: (state: FanOutCursor | FanOutProgress) => unknown[],
): Promise<FanOutOutcome> {
  if (resumed && 'chunks' in resumed) return fanOutOverListing(purpose, options, resumed, resume);
  if (!resumed && !patched(FANOUT_BY_ENTERPRISE_PATCH)) return fanOutOverListing(purpose, options, undefined, resume);
  return fanOutByEnterprise(purpose, options, resumed, resume);
}

interface ChunkPlan {
  host: string;
  enterprises: ChunkEnterprise[];
}

/** Enterprises listed but not handed to a chunk yet: never carried (the next run lists them again from the cursor). */
interface HostQueue {
  enterprises: ChunkEnterprise[];
  edgesPerEnterprise: number;
  more: boolean;
}

async function fanOutByEnterprise(
  purpose: FanOutPurpose,
  options: FanOutOptions,
  resumed: FanOutCursor | undefined,
  resume: (state: FanOutCursor) => unknown[],
): Promise<FanOutOutcome> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const maxChildren = options.maxChildren ?? DEFAULT_MAX_CHILDREN;
  const historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  let state: FanOutCursor;
  if (resumed) {
    state = { ...resumed, tally: completeTally(resumed.tally) };
  } else {
    const startedAt = Date.now();
    const settings = await velocloudFanOutSettings();
    state = { startedAt, edgeFetch: settings.edgeFetch, hosts: settings.hosts.map((host) => ({ host, done: false })), nextChunk: 0, tally: emptyTally() };
  }
  const { workflowId } = workflowInfo();
  const queues = new Map<string, HostQueue>();
  const running = new Map<number, Promise<void>>();
  const runningOn = new Map<string, number>();

  /** Lists the host's next page of enterprises when its queue is empty; a host that cannot be listed is counted. */
  const fill = async (cursor: HostCursor): Promise<void> => {
    const queue = queues.get(cursor.host);
    if (cursor.done || queue?.enterprises.length) return;
    if (queue && !queue.more) {
      cursor.done = true;
      return;
    }
    let page: EnterprisePage;
    try {
      page = await listEnterprisesPage({ host: cursor.host, after: cursor.after, limit: ENTERPRISE_PAGE_SIZE });
    } catch (error) {
      if (!isActivityFailure(error)) throw error;
      addUnlisted(state.tally, { host: cursor.host, error: failureMessage(error) });
      cursor.done = true;
      return;
    }
    queues.set(cursor.host, { enterprises: page.enterprises, edgesPerEnterprise: page.edgesPerEnterprise, more: page.more });
    if (!page.enterprises.length) cursor.done = true;
  };

  /** The next chunk of a host: whole enterprises until the chunk expects `chunkSize` edges. */
  const nextChunk = async (cursor: HostCursor): Promise<ChunkPlan | undefined> => {
    await fill(cursor);
    const queue = queues.get(cursor.host);
    if (cursor.done || !queue?.enterprises.length) return undefined;
    const take = Math.max(1, Math.floor(chunkSize / Math.max(1, queue.edgesPerEnterprise)));
    const enterprises = queue.enterprises.splice(0, take);
    cursor.after = enterprises.at(-1)!.id;
    return { host: cursor.host, enterprises };
  };

  const start = (plan: ChunkPlan) => {
    const index = state.nextChunk;
    state.nextChunk += 1;
    const input: EdgeChunkInput = { purpose, host: plan.host, enterprises: plan.enterprises, edgeFetch: state.edgeFetch, pageSize, historyLimit };
    const child = executeChild(edgeStatusChunkWorkflow, { workflowId: `${workflowId}-chunk-${index}`, args: [input] }).then(
      (tally) => mergeTally(state.tally, tally),
      // A chunk that failed as a whole costs its enterprises, not the cycle.
      (error: Error) => {
        for (const e of plan.enterprises) {
          addUnlisted(state.tally, { host: plan.host, enterpriseId: e.id, enterpriseName: e.name, error: `chunk ${index} failed: ${failureMessage(error)}` });
        }
      },
    );
    runningOn.set(plan.host, (runningOn.get(plan.host) ?? 0) + 1);
    running.set(
      index,
      child.finally(() => {
        running.delete(index);
        runningOn.set(plan.host, (runningOn.get(plan.host) ?? 1) - 1);
      }),
    );
  };

  // Every host's first page at once, so the orchestrators start working together.
  await Promise.all(state.hosts.map(fill));
  let startedInThisRun = 0;
  for (;;) {
    // Every run starts at least one chunk, so a low limit still makes progress.
    const tooLong = startedInThisRun > 0 && (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > historyLimit);
    if (tooLong) {
      // Let the children in flight finish, then carry on in a fresh history from the cursors.
      await Promise.all(running.values());
      if (state.hosts.some((h) => !h.done)) {
        log.info('continuing as new', { nextChunk: state.nextChunk, hosts: state.hosts });
        boundTally(state.tally);
        await continueAsNew(...resume(state));
      }
      break;
    }
    // Fill the window, the host with the fewest chunks running first, so every orchestrator stays busy.
    while (running.size < maxChildren) {
      const open = state.hosts.filter((h) => !h.done);
      if (!open.length) break;
      const cursor = open.reduce((a, b) => ((runningOn.get(b.host) ?? 0) < (runningOn.get(a.host) ?? 0) ? b : a));
      const plan = await nextChunk(cursor);
      if (!plan) continue;
      start(plan);
      startedInThisRun += 1;
    }
    if (!running.size) break;
    await Promise.race(running.values());
  }
  return { tally: state.tally, listed: state.tally.listed, startedAt: state.startedAt, legacy: false };
}

/**
 * An activity that failed for good (its retries spent, or not retryable): a local activity's failure
 * arrives as the ApplicationFailure or TimeoutFailure itself, a remote one's wrapped in an
 * ActivityFailure. The run's own cancellation is not one of them.
 */
function isActivityFailure(error: unknown): boolean {
  return error instanceof TemporalFailure && !(error instanceof CancelledFailure);
}

/** What an activity's failure says: the client's error (host, call, what was wrong), not "activity task failed". */
function failureMessage(error: unknown): string {
  const { cause, message } = error as { cause?: { message?: string }; message?: string };
  return cause?.message ?? message ?? String(error);
}

/**
 * One chunk of one host's enterprises: each enterprise listed a page at a time, one activity per
 * edge of the page, all at once; failures are counted, not fatal. P2 quarantines a page's outages
 * before the next page. Continues as new between pages when its history grows (an enterprise of
 * tens of thousands of edges), carrying where it stands and its bounded tally.
 */
export async function edgeStatusChunkWorkflow(input: EdgeChunkInput): Promise<FleetTally> {
  if (input.groups) return chunkOfListedEdges(input);
  const host = input.host as string;
  const enterprises = input.enterprises ?? [];
  const pageSize = input.pageSize ?? DEFAULT_PAGE_SIZE;
  const historyLimit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  const fetchEdge = input.edgeFetch === 'remote' ? remoteFetch : localFetch;
  const tally = input.resume ? completeTally(input.resume.tally) : emptyTally();
  const first = input.resume?.enterprise ?? 0;
  let pages = 0;
  /** Activities this run has completed: their markers are not in historyLength while the task stays open. */
  let recorded = 0;

  for (let e = first; e < enterprises.length; e++) {
    const enterprise = enterprises[e] as ChunkEnterprise;
    let after = e === first ? input.resume?.afterEdgeId : undefined;
    do {
      const { continueAsNewSuggested, historyLength } = workflowInfo();
      const tooLong =
        pages > 0 && (continueAsNewSuggested || historyLength + recorded > historyLimit || recorded >= MAX_LOCAL_ACTIVITIES_PER_RUN);
      if (tooLong) {
        await continueAsNew<typeof edgeStatusChunkWorkflow>({ ...input, resume: { enterprise: e, afterEdgeId: after, tally: boundTally(tally) } });
      }
      pages += 1;
      const ref = { host, enterpriseId: enterprise.id, enterpriseName: enterprise.name };
      let page: Awaited<ReturnType<typeof listEnterpriseEdges>>;
      try {
        page = await listEnterpriseEdges({ ...ref, afterEdgeId: after, limit: pageSize });
      } catch (error) {
        if (!isActivityFailure(error)) throw error;
        addUnlisted(tally, { host, enterpriseId: enterprise.id, enterpriseName: enterprise.name, error: failureMessage(error) });
        break;
      }
      tally.listed += page.edges.length + page.broken.length + page.unfetchable.length;
      for (const broken of page.broken) addFailure(tally, { host, enterpriseId: enterprise.id, edgeId: broken.edgeId }, broken.error);
      for (const error of page.unfetchable) addFailure(tally, { host, enterpriseId: enterprise.id }, error);
      const results = await Promise.allSettled(page.edges.map((edge) => fetchEdge({ ...ref, edge })));
      recorded += 1 + page.edges.length;
      const outages: EdgeSummary[] = [];
      results.forEach((result, i) => {
        if (result.status === 'fulfilled') {
          addEdge(tally, result.value);
          if (isOutage(result.value)) outages.push(result.value);
        } else {
          addFailure(tally, { host, enterpriseId: enterprise.id, edgeId: page.edges[i]!.id }, failureMessage(result.reason));
        }
      });
      if (input.purpose === 'outage-detection' && outages.length) await quarantineOutages(outages);
      after = page.nextAfter;
    } while (after !== undefined);
  }
  return boundTally(tally);
}

// ---------------------------------------------------------------------------------------------
// Before FANOUT_BY_ENTERPRISE_PATCH: the parent listed every edge id and carried them in chunks;
// each edge was one remote activity of three calls. Kept for the runs recorded that way.
// ---------------------------------------------------------------------------------------------

/** Before LISTING_PER_HOST_PATCH: every host and enterprise in one activity, failing the run on any error. */
const { listEdges } = proxyActivities<Activities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '2s', maximumAttempts: 5 },
});

const { velocloudHostsToList } = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', maximumAttempts: 5 },
});

const { listHostEdges } = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  heartbeatTimeout: '20s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 5 },
});

const { fetchEdgeStatus } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '3m',
  retry: { initialInterval: '1s', backoffCoefficient: 1.5, maximumInterval: '10s', maximumAttempts: 10 },
});

/** The chunk size of runs before FANOUT_BY_ENTERPRISE_PATCH. */
const LEGACY_CHUNK_SIZE = 250;

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

async function fanOutOverListing(
  purpose: FanOutPurpose,
  options: FanOutOptions,
  progress: FanOutProgress | undefined,
  resume: (progress: FanOutProgress) => unknown[],
): Promise<FanOutOutcome> {
  const chunkSize = options.chunkSize ?? LEGACY_CHUNK_SIZE;
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
    const tooLong =
      startedInThisRun > 0 && (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > historyLimit);
    if (tooLong) {
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
  return { tally: state.tally, listed: state.listed, startedAt: state.startedAt, legacy: true };
}

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

async function chunkOfListedEdges(input: EdgeChunkInput): Promise<FleetTally> {
  const refs = (input.groups ?? []).flatMap((group) =>
    group.edgeIds.map((edgeId) => ({
      host: group.host,
      enterpriseId: group.enterpriseId,
      enterpriseName: group.enterpriseName,
      edgeId,
    })),
  );
  if (refs.length > LEGACY_CHUNK_SIZE * 2) {
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
