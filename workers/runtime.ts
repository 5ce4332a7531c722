import { makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { temporalLogger, type Logger } from './logger';

/**
 * Installs the Temporal runtime once per process: SDK logs into our JSON log, and the SDK's
 * worker metrics on a loopback Prometheus exporter that /metrics merges in.
 */
export function installRuntime(logger: Logger, sdkMetricsPort: number): string {
  const bindAddress = `127.0.0.1:${sdkMetricsPort}`;
  Runtime.install({
    logger: temporalLogger(logger),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      metrics: { prometheus: { bindAddress, countersTotalSuffix: true, useSecondsForDurations: true } },
    },
  });
  return `http://${bindAddress}/metrics`;
}
