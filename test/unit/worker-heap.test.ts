/**
 * The worker process starts as the image starts it: the bench and the Dockerfile give it the same
 * NODE_OPTIONS (workers/heap-policy.ts), so the bench's memory figures are the image's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKER_NODE_OPTIONS } from '../../workers/heap-policy';
import { ROOT } from '../support/paths';

describe('worker heap policy', () => {
  it('is what the image starts the worker with', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect(runtime).toContain(`ENV NODE_OPTIONS=${WORKER_NODE_OPTIONS}\n`);
    expect(readFileSync(join(ROOT, 'bench', 'p1.ts'), 'utf8')).toContain('NODE_OPTIONS: WORKER_NODE_OPTIONS');
  });
});
