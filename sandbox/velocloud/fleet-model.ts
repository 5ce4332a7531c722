/**
 * The sandbox's truth about a fleet: hosts × enterprises × edges × links, with the events each edge
 * has raised. The orchestrator stand-in answers API calls from it; tests read it to know what the
 * engine should have seen.
 */

/** How the VCO writes "never" in date fields. */
export const NEVER_CONTACTED = '0000-00-00 00:00:00';

export interface FleetLink {
  linkId: number;
  interface: string;
  displayName: string;
  isp: string;
  ipAddress: string;
  state: string;
  backupState: string;
  serviceGroups: string[];
  bestLatencyMsRx: number;
  bestLatencyMsTx: number;
  bestLossPctRx: number;
  bestLossPctTx: number;
  bestJitterMsRx: number;
  bestJitterMsTx: number;
  bytesRx: number;
  bytesTx: number;
  bpsOfBestPathRx: number;
  bpsOfBestPathTx: number;
  lastActive: string;
}

/** The measurements of a link that the admin API can set and the generator varies. */
export type FleetLinkMetrics = Pick<
  FleetLink,
  | 'bestLatencyMsRx'
  | 'bestLatencyMsTx'
  | 'bestLossPctRx'
  | 'bestLossPctTx'
  | 'bestJitterMsRx'
  | 'bestJitterMsTx'
  | 'bytesRx'
  | 'bytesTx'
>;

export interface FleetEvent {
  id: number;
  event: string;
  category: string;
  severity: string;
  message: string;
  /** ISO time. */
  eventTime: string;
}

export interface FleetEdge {
  id: number;
  enterpriseId: number;
  name: string;
  serialNumber: string;
  modelNumber: string;
  edgeState: string;
  /** ISO time, or NEVER_CONTACTED. */
  lastContact: string;
  /** ISO time; null when never activated. */
  activationTime: string | null;
  activationState: string;
  softwareVersion: string;
  links: FleetLink[];
  /** Oldest first. */
  events: FleetEvent[];
  /** In an HA pair (sandbox/velocloud/network.ts): the VCO's haState and the partner's serial. */
  ha?: { state: string; partnerSerial: string };
}

export interface FleetEnterprise {
  id: number;
  /** `Titan America|85940|`, or a name without a client id for test enterprises. */
  name: string;
  /** The Bruin client id in the name; null for test enterprises. */
  clientId: number | null;
  edges: FleetEdge[];
}

export interface FleetHost {
  /** A logical name until a sandbox serves it; then the engine knows it as `127.0.0.1:PORT`. */
  name: string;
  enterprises: FleetEnterprise[];
}

export interface Fleet {
  seed: number;
  generatedAt: string;
  hosts: FleetHost[];
}
