/**
 * Structured JSON logs (pino) for the worker and the commands. Every line passes through a scrubber
 * that replaces each configured secret value, so a secret that sneaks into an error message
 * (a URL with a password, a token echoed by a server) never reaches the log.
 */
import pino, { type Logger } from 'pino';
import { DefaultLogger, type LogEntry, type LogLevel } from '@temporalio/worker';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  secrets?: string[];
  /** Where lines go; stdout by default. Tests pass a collector. */
  write?: (line: string) => void;
}

export function scrubber(secrets: string[]): (text: string) => string {
  const values = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  const encoded = values.flatMap((s) => [JSON.stringify(s).slice(1, -1), encodeURIComponent(s)]);
  const all = [...new Set([...values, ...encoded])];
  if (!all.length) return (text) => text;
  const pattern = new RegExp(all.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return (text) => text.replace(pattern, '***');
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const scrub = scrubber(options.secrets ?? []);
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { service: 'automation-engine' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    { write: (line: string) => write(scrub(line)) },
  );
}

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** The Temporal SDK's logger (worker, workflow and activity logs) writing into our JSON log. */
export function temporalLogger(logger: Logger): DefaultLogger {
  return new DefaultLogger('INFO', (entry: LogEntry) => {
    const { meta } = entry;
    logger[LEVELS[entry.level]]({ ...meta, sdk: 'temporal' }, entry.message);
  });
}
