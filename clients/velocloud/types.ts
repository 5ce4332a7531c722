/**
 * What the VeloCloud client hands back: compact, validated records in the orchestrator's own field
 * names, never raw payloads. States stay plain strings because VCO releases add values over time.
 */

export interface TimeInterval {
  start: Date;
  end: Date;
}

export interface VelocloudEnterprise {
  id: number;
  /** Carries the Bruin client id between pipes (`Titan America|85940|`); '' when the VCO sent none. */
  name: string;
}

export interface VelocloudAggregates {
  edgeCount: number;
  enterprises: VelocloudEnterprise[];
}

export interface VelocloudEdge {
  id: number;
  enterpriseId: number;
  name: string;
  /** The business key; '' when the VCO has none (typically never activated): such an edge cannot be ticketed. */
  serialNumber: string;
  /** CONNECTED, OFFLINE, DEGRADED, NEVER_ACTIVATED, ... */
  edgeState: string;
  /** ISO time; null when the edge never contacted the orchestrator (`0000-00-00 00:00:00`). */
  lastContact: string | null;
  modelNumber: string;
  /** ISO time; absent when the edge was never activated. */
  activationTime?: string;
}

export interface VelocloudLinkMetrics {
  linkId: number;
  /** GE1, GE2, CELL1, ... */
  interface: string;
  displayName: string;
  /** STABLE, UNSTABLE, DISCONNECTED, QUIET, ... */
  state: string;
  /** UNCONFIGURED, ACTIVE, STANDBY; UNCONFIGURED when the VCO left it out. */
  backupState: string;
  bestLatencyMsRx: number;
  bestLatencyMsTx: number;
  bestLossPctRx: number;
  bestLossPctTx: number;
  bestJitterMsRx: number;
  bestJitterMsTx: number;
  bytesRx: number;
  bytesTx: number;
  /** The best path's capacity in bits per second; 0 when the VCO does not say. */
  bpsOfBestPathRx: number;
  bpsOfBestPathTx: number;
}

export interface VelocloudLinkServiceGroups {
  linkId: number;
  /** PUBLIC_WIRED, PRIVATE_WIRED, PUBLIC_WIRELESS, ... */
  serviceGroups: string[];
}

export interface VelocloudEvent {
  /** EDGE_UP, EDGE_DOWN, LINK_ALIVE, LINK_DEAD, ... */
  event: string;
  category: string;
  message: string;
  /** ISO time. */
  eventTime: string;
  edgeName: string;
}

export interface EnterpriseEventsQuery {
  edgeIds?: number[];
  interval: TimeInterval;
  limit?: number;
}

/** The edge and enterprise a batch row belongs to. */
export interface VelocloudEdgeOfRow {
  enterpriseId: number;
  enterpriseName: string;
  edgeId: number;
  edgeName: string;
  edgeState: string;
  edgeSerialNumber: string;
}

/** One row of the batch link status: a link with its edge and enterprise, or an edge without links. */
export interface VelocloudEdgeLinkStatus extends VelocloudEdgeOfRow {
  edgeModelNumber: string;
  edgeLastContact: string | null;
  /** The HA partner's serial; '' when the edge is in no HA pair. */
  edgeHASerialNumber: string;
  /** null when the edge has no links (e.g. never activated). */
  link: { linkId: number; interface: string; displayName: string; state: string } | null;
}

/**
 * One row of the batch link metrics: a link's metrics with the edge and enterprise it belongs to.
 * The VCO gives no backup state here (SPEC §3): join with the per-edge metrics when it matters.
 */
export interface VelocloudAggregateLinkMetrics extends Omit<VelocloudLinkMetrics, 'backupState'>, VelocloudEdgeOfRow {}

/** An edge of `network/getNetworkEnterprises` with `with: ["edges"]`: its HA state (READY, FAILED, else none). */
export interface VelocloudNetworkEdge {
  id: number;
  serialNumber: string;
  haState: string;
}

/** A row of a list answer that broke the contract: left out of the result and reported instead. */
export interface RowProblem {
  host: string;
  call: string;
  /** The edge the row is about, when the row has a usable id. */
  edgeId?: number;
  /** The first field that was wrong, e.g. `edgeState` or `link.linkState`. */
  field: string;
  /** Host, call, row and every field that was wrong, e.g. `... row 3 (edge 12): edgeState: expected string ...`. */
  message: string;
}

/** A list answer validated row by row: the good rows, and what was wrong with the others. */
export interface Rows<T> {
  rows: T[];
  problems: RowProblem[];
}

export type VelocloudCallOutcome = 'ok' | 'retryable' | 'rate-limited' | 'non-retryable';

export interface VelocloudCallEvent {
  host: string;
  /** The API path below /portal/rest, e.g. `edge/getEdge` or `login/operatorLogin`. */
  call: string;
  outcome: VelocloudCallOutcome;
  seconds: number;
}

export interface VelocloudClientOptions {
  verifySsl?: boolean;
  /** Bound on requests in flight to one orchestrator (default 32). */
  maxConcurrentRequests?: number;
  timeoutMs?: number;
  /** Called once per HTTP call, e.g. to count calls by outcome in Prometheus. */
  onCall?: (event: VelocloudCallEvent) => void;
  /**
   * The signal of whatever the calls run for (an activity attempt): a call is abandoned, and a
   * wait for the host's cool-down given up, when it aborts.
   */
  callSignal?: () => AbortSignal | undefined;
}
