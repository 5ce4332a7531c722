/** Starting orchestrator stand-ins: one for a unit test, or one per host of a generated fleet. */
import { generateFleet } from './fleet';
import type { Fleet } from './fleet-model';
import type { OrchestratorEntry } from './fleet-state';
import { VelocloudSandbox } from './orchestrator';

export interface StartVelocloudSandboxOptions {
  /** Which logical host of the fleet to serve (default: the first). */
  host?: string;
  port?: number;
  seed?: number;
  /** Default: a small fleet from `seed` (3 enterprises × 8 edges). */
  fleet?: Fleet;
  username?: string;
  password?: string;
}

export async function startVelocloudSandbox(options: StartVelocloudSandboxOptions = {}): Promise<VelocloudSandbox> {
  const seed = options.seed ?? 42;
  const fleet =
    options.fleet ?? generateFleet({ seed, hosts: [options.host ?? 'vco.sandbox'], enterprisesPerHost: 3, edgesPerEnterprise: 8 });
  const fleetHost = options.host ? fleet.hosts.find((h) => h.name === options.host) : fleet.hosts[0];
  if (!fleetHost) {
    throw new Error(`the fleet has no host ${options.host ?? ''} (hosts: ${fleet.hosts.map((h) => h.name).join(', ') || 'none'})`);
  }
  const sandbox = new VelocloudSandbox({ fleetHost, seed, port: options.port, username: options.username, password: options.password });
  await sandbox.start();
  return sandbox;
}

export interface VelocloudSandboxFleet {
  sandboxes: VelocloudSandbox[];
  /** The engine's configuration of these orchestrators; host names are `127.0.0.1:PORT`. */
  hosts: OrchestratorEntry[];
  /** VELOCLOUD_CREDENTIALS for the engine: `http://127.0.0.1:PORT+user+pass;...`. */
  credentials: string;
  /** The sandbox serving a logical host of the fleet. */
  byLogicalHost(name: string): VelocloudSandbox;
  /** The sandbox the engine knows as `127.0.0.1:PORT`. */
  byHostName(hostName: string): VelocloudSandbox;
  stop(): Promise<void>;
}

/** One orchestrator per host of the fleet, each on its own loopback port. */
export async function startVelocloudSandboxes(
  fleet: Fleet,
  options: Pick<StartVelocloudSandboxOptions, 'username' | 'password' | 'seed'> = {},
): Promise<VelocloudSandboxFleet> {
  const sandboxes: VelocloudSandbox[] = [];
  try {
    for (const fleetHost of fleet.hosts) {
      sandboxes.push(await startVelocloudSandbox({ ...options, fleet, host: fleetHost.name }));
    }
  } catch (error) {
    await Promise.all(sandboxes.map((s) => s.stop()));
    throw error;
  }
  const find = (what: string, match: (s: VelocloudSandbox) => boolean) => {
    const sandbox = sandboxes.find(match);
    if (!sandbox) throw new Error(`no velocloud sandbox for ${what}`);
    return sandbox;
  };
  return {
    sandboxes,
    hosts: sandboxes.map((s) => s.velocloudHost()),
    credentials: sandboxes.map((s) => s.credentialsEntry).join(';'),
    byLogicalHost: (name) => find(name, (s) => s.logicalHost === name),
    byHostName: (hostName) => find(hostName, (s) => s.hostName === hostName),
    stop: async () => {
      await Promise.all(sandboxes.map((s) => s.stop()));
    },
  };
}
