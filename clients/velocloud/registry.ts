/** One VeloCloud client per configured orchestrator, so each host keeps its own session and connection bound. */
import type { VelocloudHost } from '../../config';
import { ExternalCallError } from '../errors';
import { VelocloudClient } from './client';
import type { VelocloudClientOptions } from './types';

export class VelocloudClients {
  private readonly clients = new Map<string, VelocloudClient>();

  constructor(hosts: readonly VelocloudHost[], options: VelocloudClientOptions = {}) {
    for (const host of hosts) {
      if (this.clients.has(host.host)) throw new Error(`VeloCloud host ${host.host} is configured twice`);
      this.clients.set(host.host, new VelocloudClient(host, options));
    }
  }

  /** Non-retryable when the host is unknown: a workflow input naming a host we do not watch cannot heal. */
  forHost(host: string): VelocloudClient {
    const client = this.clients.get(host);
    if (client) return client;
    throw new ExternalCallError({
      system: 'velocloud',
      target: host,
      call: 'forHost',
      kind: 'non-retryable',
      message: `no orchestrator configured under this name (configured: ${[...this.clients.keys()].join(', ') || 'none'})`,
    });
  }

  all(): VelocloudClient[] {
    return [...this.clients.values()];
  }

  get hosts(): string[] {
    return [...this.clients.keys()];
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((client) => client.close()));
  }
}
