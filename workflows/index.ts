export { engineHeartbeatWorkflow } from './heartbeat';
