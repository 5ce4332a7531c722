/** The custom search attributes (temporal-config/search-attributes.json) as typed keys. */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const EdgeSerial = defineSearchAttributeKey('EdgeSerial', SearchAttributeType.KEYWORD);
export const VcoHost = defineSearchAttributeKey('VcoHost', SearchAttributeType.KEYWORD);
export const Enterprise = defineSearchAttributeKey('Enterprise', SearchAttributeType.KEYWORD);
export const Process = defineSearchAttributeKey('Process', SearchAttributeType.KEYWORD);
/** An outage incident's kind (domain/incidents.ts OUTAGE_KINDS). */
export const OutageKind = defineSearchAttributeKey('OutageKind', SearchAttributeType.KEYWORD);

/** Values of the `Process` attribute, one per engine process. */
export const PROCESS = {
  heartbeat: 'engine-heartbeat',
  edgeMonitoring: 'edge-monitoring',
  outageMonitor: 'service-outage-monitor',
  incident: 'outage-incident',
  serviceAffecting: 'service-affecting-monitor',
  triage: 'outage-triage',
  lastContact: 'last-contact-report',
} as const;
