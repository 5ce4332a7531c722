/**
 * `npm run temporal`: the dev server for local work, with its state kept in .data/temporal.db,
 * the Web UI on 8233 and our search attributes registered, and a codec server on
 * CODEC_SERVER_PORT (8081) with the local payload keys (TEMPORAL_CODEC_KEYS, else .data/codec-keys),
 * which the Web UI decodes payloads through. Ctrl-C stops both.
 */
import 'dotenv/config';
import { join } from 'node:path';
import { projectRoot } from './project';
import { startDevServer } from './dev-server';
import { startCodecServer } from './codec/codec-server';
import { localCodecKeys } from './codec/local-keys';
import { isPortFree } from './free-port';

async function main(): Promise<void> {
  const port = Number(process.env.TEMPORAL_PORT ?? 7233);
  const uiPort = Number(process.env.TEMPORAL_UI_PORT ?? 8233);
  const codecPort = Number(process.env.CODEC_SERVER_PORT ?? 8081);
  if (!(await isPortFree(codecPort))) throw new Error(`codec server: port ${codecPort} is in use (set CODEC_SERVER_PORT)`);
  const keys = localCodecKeys();
  const codec = await startCodecServer({
    keys: keys.keys,
    port: codecPort,
    corsOrigins: [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`],
  });
  const server = await startDevServer({
    port,
    uiPort,
    dbFile: join(projectRoot(), '.data', 'temporal.db'),
    inheritOutput: true,
    codecEndpoint: codec.url,
  }).catch(async (error: unknown) => {
    await codec.close();
    throw error;
  });
  process.stdout.write(
    `Temporal dev server on ${server.address}\nWeb UI: ${server.uiUrl}\n` +
      `Codec server: ${codec.url} (keys from ${keys.source}; give workers TEMPORAL_CODEC_KEYS from there)\n` +
      `  temporal workflow show --address ${server.address} --codec-endpoint ${codec.url} --workflow-id <id>\nPress Ctrl-C to stop.\n`,
  );
  const stop = () => void Promise.all([server.stop(), codec.close()]).then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  server.process.once('exit', (code) => process.exit(code ?? 1));
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
