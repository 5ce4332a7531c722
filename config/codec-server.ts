/**
 * The codec server's configuration (`npm run codec-server`, the compose `codec-server` service).
 * It needs the payload keys and where to listen, nothing of the engine's outside systems.
 */
import { ConfigError } from './index';
import { parseCodecKeys, type CodecKey } from './codec-keys';

export interface CodecServerConfig {
  host: string;
  port: number;
  /** When set, /encode and /decode need `Authorization: Bearer <token>`. */
  token?: string;
  /** Browser origins (the Web UI's) allowed to call it. */
  corsOrigins: string[];
  keys: CodecKey[];
}

/** The Web UI of `npm run temporal` / `npm run demo` (8233) and of the compose stack (8080). */
export const DEFAULT_CORS_ORIGINS = ['http://localhost:8233', 'http://127.0.0.1:8233', 'http://localhost:8080', 'http://127.0.0.1:8080'];

export const CODEC_SERVER_VARIABLES = ['TEMPORAL_CODEC_KEYS', 'CODEC_SERVER_HOST', 'CODEC_SERVER_PORT', 'CODEC_SERVER_TOKEN', 'CODEC_SERVER_CORS_ORIGINS'] as const;
export const CODEC_SERVER_SECRET_VARIABLES = ['TEMPORAL_CODEC_KEYS', 'CODEC_SERVER_TOKEN'] as const;

type Env = Record<string, string | undefined>;

export function loadCodecServerConfig(env: Env = process.env): CodecServerConfig {
  const problems: string[] = [];
  const keys = parseCodecKeys(env.TEMPORAL_CODEC_KEYS, problems);
  const rawPort = env.CODEC_SERVER_PORT?.trim() || '8081';
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`CODEC_SERVER_PORT must be a port number (got "${rawPort}")`);
  const host = env.CODEC_SERVER_HOST?.trim() || '127.0.0.1';
  if (!/^[A-Za-z0-9.:_-]+$/.test(host)) problems.push('CODEC_SERVER_HOST must be an interface address such as 127.0.0.1 or 0.0.0.0');
  const corsOrigins = (env.CODEC_SERVER_CORS_ORIGINS?.trim() ? env.CODEC_SERVER_CORS_ORIGINS.split(',') : DEFAULT_CORS_ORIGINS)
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  for (const origin of corsOrigins) {
    if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
      problems.push(`CODEC_SERVER_CORS_ORIGINS has "${origin}", which is not an origin like http://localhost:8080`);
    }
  }
  const token = env.CODEC_SERVER_TOKEN?.trim() || undefined;
  if (problems.length) throw new ConfigError(problems);
  return { host, port, corsOrigins, keys, ...(token ? { token } : {}) };
}
