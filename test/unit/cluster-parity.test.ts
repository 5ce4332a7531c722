/**
 * The self-hosted tier (`npm run cluster`, `npm run test:cluster`) runs what the compose stack runs:
 * the same server and Web UI versions, the same persistence plugin and shard count, the same dynamic
 * config file and the same set-up script. Fails when docker-compose.yml and the cluster drift apart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DEFAULT_HISTORY_SHARDS, serverConfig, type ClusterState } from '../../clients/temporal/cluster';
import { TEMPORAL_SERVER_VERSION, TEMPORAL_UI_VERSION } from '../../clients/temporal/cluster-tools';
import { ROOT } from '../support/paths';

interface Service {
  image?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  entrypoint?: string[];
}

const services = (parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> }).services;
/** `${VAR:-default}` → default. */
const composeDefault = (value: string | undefined): string | undefined => /\$\{\w+:-([^}]*)\}/.exec(value ?? '')?.[1];

const state: ClusterState = {
  serverVersion: TEMPORAL_SERVER_VERSION,
  shards: DEFAULT_HISTORY_SHARDS,
  namespace: 'default',
  postgresPassword: 'secret',
  ports: {
    frontend: 7233,
    frontendHttp: 7243,
    frontendMembership: 6933,
    history: 7234,
    historyMembership: 6934,
    matching: 7235,
    matchingMembership: 6935,
    worker: 7239,
    workerMembership: 6939,
    metrics: 8000,
    postgres: 5432,
    ui: 8080,
  },
};
const config = parse(serverConfig(state, ROOT)) as {
  persistence: { numHistoryShards: number; defaultStore: string; visibilityStore: string; datastores: Record<string, { sql: { pluginName: string; databaseName: string } }> };
  dynamicConfigClient: { filepath: string };
  services: Record<string, unknown>;
};

describe('npm run cluster and docker-compose.yml', () => {
  it('run the same Temporal server and Web UI versions', () => {
    expect(services.temporal?.image).toMatch(/^temporalio\/auto-setup:/);
    expect(composeDefault(services.temporal?.image)).toBe(TEMPORAL_SERVER_VERSION);
    expect(services['temporal-ui']?.image).toMatch(/^temporalio\/ui:/);
    expect(composeDefault(services['temporal-ui']?.image)).toBe(TEMPORAL_UI_VERSION);
  });

  it('run the same persistence: PostgreSQL (postgres12 plugin), SQL visibility, the same shard count', () => {
    expect(services.temporal?.environment?.DB).toBe('postgres12');
    expect(Number(composeDefault(services.temporal?.environment?.NUM_HISTORY_SHARDS))).toBe(DEFAULT_HISTORY_SHARDS);
    expect(config.persistence.numHistoryShards).toBe(DEFAULT_HISTORY_SHARDS);
    const stores = config.persistence.datastores;
    expect(stores[config.persistence.defaultStore]?.sql).toMatchObject({ pluginName: 'postgres12', databaseName: 'temporal' });
    // auto-setup without Elasticsearch keeps visibility in PostgreSQL, in the temporal_visibility database.
    expect(stores[config.persistence.visibilityStore]?.sql).toMatchObject({ pluginName: 'postgres12', databaseName: 'temporal_visibility' });
  });

  it('read the same dynamic config file', () => {
    const mounted = services.temporal?.volumes?.find((v) => v.includes('dynamicconfig'));
    expect(mounted?.split(':')[0]).toBe('./temporal-config/dynamic-config.yaml');
    expect(config.dynamicConfigClient.filepath).toBe(join(ROOT, 'temporal-config', 'dynamic-config.yaml'));
  });

  it('run every service of the server and make the namespace and search attributes with the same script', () => {
    expect(Object.keys(config.services).sort()).toEqual(['frontend', 'history', 'matching', 'worker']);
    expect(services['temporal-setup']?.entrypoint).toEqual(['/bin/sh', '/etc/automation-engine/temporal-config/setup-temporal.sh']);
    expect(readFileSync(join(ROOT, 'clients', 'temporal', 'cluster.ts'), 'utf8')).toContain("join(root, 'temporal-config', 'setup-temporal.sh')");
  });

  it('leaves no placeholder unfilled in the server config', () => {
    expect(serverConfig(state, ROOT)).not.toMatch(/\$\{/);
  });
});
