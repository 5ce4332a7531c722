/**
 * Structured JSON logs (pino) for the worker and the commands. Every line passes through the one
 * redactor (clients/redact.ts), which replaces each configured secret value whatever its length, so
 * a secret that sneaks into an error message (a URL with a password, a token echoed by a server)
 * never reaches the log.
 */
import pino, { type Logger } from 'pino';
import { DefaultLogger, type LogEntry, type LogLevel } from '@temporalio/worker';
import { redactor } from '../clients/redact';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  secrets?: string[];
  /** Where lines go; stdout by default. Tests pass a collector. */
  write?: (line: string) => void;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const scrub = redactor(options.secrets ?? []);
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
