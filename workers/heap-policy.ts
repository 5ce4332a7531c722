/**
 * How the worker's V8 heaps grow. A monitoring cycle allocates some tens of KB per edge (HTTP,
 * JSON, payloads, the SDK's bookkeeping) at hundreds of edges a second; left to its defaults, V8
 * lets such a heap grow to about four times what is alive between collections, and the young
 * generation to 32 MB per thread, so a worker whose live heap is ~70 MB peaked at ~500 MB of RSS.
 * These settings keep the heaps near what is alive, for a few percent of CPU in collections:
 *   - the old generation grows by 30 % over the live size after each full collection (main thread
 *     and the workflow thread alike: V8 reads this at every collection);
 *   - the workflow thread's young generation is capped at 4 MB per semi-space (it takes the flag
 *     when the SDK creates it, so this runs before Worker.create). The main thread's is fixed when
 *     the process starts: the image sets it with NODE_OPTIONS (Dockerfile), as the bench does.
 * Process-wide and idempotent; a test process that creates workers gets the same policy.
 */
import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_PERCENT = 30;
export const MAX_SEMI_SPACE_MB = 4;
/** What the worker process is started with (Dockerfile NODE_OPTIONS, the bench): the main thread's young generation. */
export const WORKER_NODE_OPTIONS = `--max-semi-space-size=${MAX_SEMI_SPACE_MB}`;

export function applyWorkerHeapPolicy(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  setFlagsFromString(`--max-semi-space-size=${MAX_SEMI_SPACE_MB}`);
}
