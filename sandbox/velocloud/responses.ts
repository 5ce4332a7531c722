/**
 * The JSON a real orchestrator sends, built from the fleet truth: the same field names, the same
 * nesting (`link: {...}` inside metrics rows, `{data, metaData}` for events), plus a few fields the
 * engine ignores, so a client that only copes with the minimum would be caught out.
 */
import type { FleetEdge, FleetEnterprise, FleetEvent, FleetLink } from './fleet-model';

type Json = Record<string, unknown>;

export function vcoError(code: number, message: string): { error: { code: number; message: string } } {
  return { error: { code, message } };
}

export const EXPIRED_SESSION_ERROR = vcoError(-32000, 'tokenError [expired session cookie]');

export function edgeJson(edge: FleetEdge): Json {
  return {
    id: edge.id,
    enterpriseId: edge.enterpriseId,
    logicalId: `edge-${edge.id}`,
    name: edge.name,
    serialNumber: edge.serialNumber,
    modelNumber: edge.modelNumber,
    edgeState: edge.edgeState,
    lastContact: edge.lastContact,
    activationState: edge.activationState,
    activationTime: edge.activationTime,
    softwareVersion: edge.softwareVersion,
    haState: 'UNCONFIGURED',
    haSerialNumber: null,
    isLive: edge.edgeState === 'CONNECTED' ? 1 : 0,
  };
}

function linkJson(edge: FleetEdge, link: FleetLink): Json {
  return {
    id: link.linkId,
    edgeId: edge.id,
    internalId: `00000000-0000-0000-0000-${String(link.linkId).padStart(12, '0')}`,
    interface: link.interface,
    displayName: link.displayName,
    isp: link.isp,
    ipAddress: link.ipAddress,
    state: link.state,
    backupState: link.backupState,
    networkSide: 'WAN',
    networkType: link.serviceGroups.includes('PUBLIC_WIRELESS') ? 'WIRELESS' : 'ETHERNET',
    lastActive: link.lastActive,
  };
}

function metricsJson(link: FleetLink): Json {
  return {
    linkId: link.linkId,
    bestLatencyMsRx: link.bestLatencyMsRx,
    bestLatencyMsTx: link.bestLatencyMsTx,
    bestLossPctRx: link.bestLossPctRx,
    bestLossPctTx: link.bestLossPctTx,
    bestJitterMsRx: link.bestJitterMsRx,
    bestJitterMsTx: link.bestJitterMsTx,
    bytesRx: link.bytesRx,
    bytesTx: link.bytesTx,
    totalBytes: link.bytesRx + link.bytesTx,
    bpsOfBestPathRx: link.bpsOfBestPathRx,
    bpsOfBestPathTx: link.bpsOfBestPathTx,
  };
}

export function linkMetricsJson(edge: FleetEdge, link: FleetLink): Json {
  return { ...metricsJson(link), link: linkJson(edge, link) };
}

export function aggregateLinkMetricsJson(enterprise: FleetEnterprise, edge: FleetEdge, link: FleetLink): Json {
  return {
    ...metricsJson(link),
    link: {
      ...linkJson(edge, link),
      enterpriseId: enterprise.id,
      enterpriseName: enterprise.name,
      edgeName: edge.name,
      edgeSerialNumber: edge.serialNumber,
      edgeState: edge.edgeState,
      edgeModelNumber: edge.modelNumber,
      edgeLastContact: edge.lastContact,
    },
  };
}

export function appLinkMetricsJson(edge: FleetEdge, link: FleetLink): Json {
  return {
    linkId: link.linkId,
    link: linkJson(edge, link),
    serviceGroups: link.serviceGroups,
    bytesRx: link.bytesRx,
    bytesTx: link.bytesTx,
  };
}

/** One row per link; an edge without links still appears once, with the link fields null. */
export function edgeLinkStatusRows(enterprise: FleetEnterprise, edge: FleetEdge): Json[] {
  const edgeFields = {
    enterpriseId: enterprise.id,
    enterpriseName: enterprise.name,
    edgeId: edge.id,
    edgeName: edge.name,
    edgeState: edge.edgeState,
    edgeSerialNumber: edge.serialNumber,
    edgeHASerialNumber: null,
    edgeModelNumber: edge.modelNumber,
    edgeLastContact: edge.lastContact,
  };
  if (!edge.links.length) {
    return [{ ...edgeFields, linkId: null, interface: null, displayName: null, linkState: null, isp: null, linkIpAddress: null }];
  }
  return edge.links.map((link) => ({
    ...edgeFields,
    linkId: link.linkId,
    interface: link.interface,
    displayName: link.displayName,
    linkState: link.state,
    linkLastActive: link.lastActive,
    isp: link.isp,
    linkIpAddress: link.ipAddress,
  }));
}

export function eventJson(edge: FleetEdge, event: FleetEvent): Json {
  return {
    id: event.id,
    eventTime: event.eventTime,
    event: event.event,
    category: event.category,
    severity: event.severity,
    message: event.message,
    detail: null,
    edgeName: edge.name,
    enterpriseUsername: null,
  };
}

/** Fields real VCOs have been seen to send as null or leave out; ids and states are never touched. */
const NULLABLE = ['name', 'serialNumber', 'modelNumber', 'lastContact', 'activationTime', 'displayName', 'backupState',
  'bestLatencyMsRx', 'bestLossPctTx', 'bestJitterMsRx', 'bytesTx', 'serviceGroups', 'enterpriseName', 'edgeName',
  'edgeSerialNumber', 'edgeModelNumber', 'edgeLastContact'];

/** Alternately nulls and deletes the nullable fields of every row, and of its nested `link`. */
export function withNullFields(rows: Json[]): Json[] {
  let drop = false;
  const strip = (row: Json): Json => {
    const copy: Json = { ...row };
    for (const field of NULLABLE) {
      if (!(field in copy)) continue;
      if (drop) delete copy[field];
      else copy[field] = null;
      drop = !drop;
    }
    if (copy.link && typeof copy.link === 'object') copy.link = strip(copy.link as Json);
    return copy;
  };
  return rows.map(strip);
}
