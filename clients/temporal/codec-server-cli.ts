/**
 * `npm run codec-server`: Temporal's remote codec protocol on CODEC_SERVER_HOST:CODEC_SERVER_PORT
 * (127.0.0.1:8081 by default) with the keys of TEMPORAL_CODEC_KEYS, for the Web UI and the CLI:
 *
 *   temporal workflow show --workflow-id <id> --codec-endpoint http://127.0.0.1:8081 [--codec-auth "Bearer $CODEC_SERVER_TOKEN"]
 */
import 'dotenv/config';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../../config';
import { loadCodecServerConfig } from '../../config/codec-server';
import { createLogger } from '../../workers/logger';
import { createCodecServer } from './codec/codec-server';

function main(): void {
  let config;
  try {
    config = loadCodecServerConfig();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(error instanceof ConfigError ? 1 : 2);
  }
  const logger = createLogger({ secrets: [config.token, ...config.keys.map((k) => k.key.toString('base64'))].filter((s): s is string => Boolean(s)) });
  const server = createCodecServer({ ...config, onError: (message) => logger.warn({ error: message }, 'codec request failed') });
  server.listen(config.port, config.host, () => {
    const { port } = server.address() as AddressInfo;
    logger.info(
      { url: `http://${config.host}:${port}`, keys: config.keys.map((k) => k.id), token: Boolean(config.token), corsOrigins: config.corsOrigins },
      config.keys.length ? 'codec server listening' : 'codec server listening WITHOUT keys: payloads pass through unchanged',
    );
  });
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main();
