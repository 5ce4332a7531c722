export { registerVelocloudAdminRoutes } from './admin';
export { generateFleet, type FleetOptions } from './fleet';
export * from './fleet-model';
export {
  FleetState,
  sandboxHost,
  UnknownFleetItemError,
  type FleetCounts,
  type FleetTruth,
  type LinkChange,
  type NewEvent,
  type OrchestratorEntry,
  type TruthEdge,
} from './fleet-state';
export {
  API_BASE,
  SESSION_COOKIE,
  VelocloudSandbox,
  type SessionErrorStatus,
  type VelocloudFaults,
  type VelocloudSandboxOptions,
  type VelocloudSandboxStats,
} from './orchestrator';
export { MALFORMED_KINDS, PROXY_ERROR_PAGE, UNKNOWN_LINK_STATE, type MalformedKind } from './responses';
export {
  startVelocloudSandbox,
  startVelocloudSandboxes,
  type StartVelocloudSandboxOptions,
  type VelocloudSandboxFleet,
} from './start';
