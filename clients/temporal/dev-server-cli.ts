/**
 * `npm run temporal`: the dev server for local work, with its state kept in .data/temporal.db,
 * the Web UI on 8233 and our search attributes registered. Ctrl-C stops it.
 */
import { join } from 'node:path';
import { projectRoot } from './project';
import { startDevServer } from './dev-server';

async function main(): Promise<void> {
  const port = Number(process.env.TEMPORAL_PORT ?? 7233);
  const uiPort = Number(process.env.TEMPORAL_UI_PORT ?? 8233);
  const server = await startDevServer({
    port,
    uiPort,
    dbFile: join(projectRoot(), '.data', 'temporal.db'),
    inheritOutput: true,
  });
  process.stdout.write(`Temporal dev server on ${server.address}\nWeb UI: ${server.uiUrl}\nPress Ctrl-C to stop.\n`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  server.process.once('exit', (code) => process.exit(code ?? 1));
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
