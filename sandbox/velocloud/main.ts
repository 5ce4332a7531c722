/**
 * Runs a sandbox fleet by hand, e.g. for a demo worker:
 *   node dist/sandbox/velocloud/main.js --hosts 2 --enterprises 5 --edges 2000 --seed 7 [--faulty 0.1]
 * and prints the VELOCLOUD_CREDENTIALS that reach it. Ctrl-C stops it.
 */
import { parseArgs } from 'node:util';
import { generateFleet } from './fleet';
import { startVelocloudSandboxes } from './start';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      hosts: { type: 'string', default: '2' },
      enterprises: { type: 'string', default: '5' },
      edges: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '7' },
      faulty: { type: 'string', default: '0.1' },
    },
  });
  const hostCount = Number(values.hosts);
  const fleet = generateFleet({
    seed: Number(values.seed),
    hosts: Array.from({ length: hostCount }, (_, i) => `vco${i + 1}.sandbox`),
    enterprisesPerHost: Number(values.enterprises),
    totalEdges: Number(values.edges),
    faultyShare: Number(values.faulty),
  });
  const running = await startVelocloudSandboxes(fleet);
  for (const sandbox of running.sandboxes) {
    const counts = sandbox.fleetCounts();
    process.stdout.write(`${sandbox.logicalHost} → ${sandbox.url} (${counts.edges} edges: ${JSON.stringify(counts.byState)})\n`);
  }
  process.stdout.write(`VELOCLOUD_CREDENTIALS='${running.credentials}'\n`);
  const stop = () => {
    void running.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
