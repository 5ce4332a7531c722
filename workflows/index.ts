export { engineHeartbeatWorkflow } from './heartbeat';
export { edgeMonitoringCycleWorkflow } from './edge-monitoring';
export { edgeStatusChunkWorkflow } from './edge-fanout';
export { edgeStatusReportWorkflow } from './edge-report';
export { outageDetectorWorkflow, outageQuarantineWorkflow, outageReportWorkflow, outageReporterWorkflow } from './outage-monitor';
export { serviceAffectingDevicesWorkflow, serviceAffectingMonitorWorkflow, serviceAffectingTroubleWorkflow } from './service-affecting';
export { outageTriageTicketWorkflow, outageTriageWorkflow } from './outage-triage';
export { lastContactReportWorkflow } from './last-contact';
export { outageIncidentWorkflow } from './incident';
