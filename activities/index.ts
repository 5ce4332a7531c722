import type { ActivityDeps } from './deps';
import { createEdgeMonitoringActivities } from './edge-monitoring';
import { createEngineActivities } from './engine';
import { createReportActivities } from './reports';
import { createVelocloudActivities } from './velocloud';
import { createOutageActivities } from './outages';
import { createIncidentActivities } from './incidents';
import { createServiceAffectingActivities } from './service-affecting';
import { createTriageActivities } from './triage';
import { createLastContactActivities } from './last-contact';

export type { ActivityDeps } from './deps';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createEngineActivities(deps),
    ...createVelocloudActivities(deps),
    ...createEdgeMonitoringActivities(deps),
    ...createReportActivities(deps),
    ...createOutageActivities(deps),
    ...createIncidentActivities(deps),
    ...createServiceAffectingActivities(deps),
    ...createTriageActivities(deps),
    ...createLastContactActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
