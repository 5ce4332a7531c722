/**
 * `npm run cluster -- up|down|status|reset|build [--shards N] [--port P] [--ui-port P] [--no-ui] [--dir D]`
 *
 * The real Temporal server on a PostgreSQL of its own, without Docker (clients/temporal/cluster.ts):
 *   up       builds what is missing (once, into .tools/), starts PostgreSQL, the schema, the server,
 *            the namespace and search attributes (temporal-config/setup-temporal.sh) and the Web UI;
 *            prints the address. Safe to re-run.
 *   down     stops what `up` started (by pid file); the data stays in .data/cluster
 *   status   what runs
 *   reset    down, then deletes the data (the only way to change --shards)
 *   build    only builds the binaries
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { clusterDown, clusterReset, clusterStatus, clusterUp, defaultClusterDir } from './cluster';
import { ensureClusterTools } from './cluster-tools';

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      shards: { type: 'string' },
      port: { type: 'string' },
      'ui-port': { type: 'string' },
      'no-ui': { type: 'boolean', default: false },
      'codec-endpoint': { type: 'string' },
      dir: { type: 'string' },
    },
  });
  const dir = resolve(values.dir ?? process.env.TEMPORAL_CLUSTER_DIR ?? defaultClusterDir());
  const command = positionals[0] ?? 'status';
  const number = (name: string, value: string | undefined) => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number, not ${value}`);
    return n;
  };
  switch (command) {
    case 'build': {
      const tools = await ensureClusterTools({ ui: !values['no-ui'] });
      process.stdout.write(`${Object.values(tools).join('\n')}\n`);
      return;
    }
    case 'up': {
      const cluster = await clusterUp({
        dir,
        shards: number('shards', values.shards ?? process.env.TEMPORAL_HISTORY_SHARDS),
        port: number('port', values.port),
        uiPort: number('ui-port', values['ui-port']),
        ui: !values['no-ui'],
        codecEndpoint: values['codec-endpoint'],
        log,
      });
      process.stdout.write(
        [
          `Temporal server (PostgreSQL, ${cluster.shards} history shards) on ${cluster.address}, namespace ${cluster.namespace}`,
          ...(cluster.uiUrl ? [`Web UI: ${cluster.uiUrl}`] : []),
          `Server metrics: ${cluster.metricsUrl}`,
          `PostgreSQL: ${cluster.postgres}, data in ${cluster.dir}`,
          `Workers: TEMPORAL_ADDRESS=${cluster.address} npm run worker`,
          'Stop with: npm run cluster -- down',
          '',
        ].join('\n'),
      );
      return;
    }
    case 'down':
      await clusterDown(dir, log);
      return;
    case 'reset':
      await clusterReset(dir, log);
      log(`deleted ${dir}`);
      return;
    case 'status': {
      const status = await clusterStatus(dir);
      if (!status.exists || !status.state) {
        process.stdout.write(`no cluster in ${dir} (npm run cluster -- up)\n`);
        return;
      }
      const p = status.state.ports;
      process.stdout.write(
        [
          `cluster in ${dir}: server ${status.state.serverVersion}, ${status.state.shards} history shards`,
          `PostgreSQL 127.0.0.1:${p.postgres}: ${status.postgres ? 'running' : 'stopped'}`,
          `Temporal 127.0.0.1:${p.frontend}: ${status.server ? `running (pid ${status.server})` : 'stopped'}`,
          `Web UI http://127.0.0.1:${p.ui}: ${status.ui ? `running (pid ${status.ui})` : 'stopped'}`,
          '',
        ].join('\n'),
      );
      return;
    }
    default:
      throw new Error(`unknown command ${command}: up, down, status, reset or build`);
  }
}

main().catch((error: Error) => {
  process.stderr.write(`cluster: ${error.message}\n`);
  process.exit(1);
});
