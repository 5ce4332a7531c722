/**
 * The JSON a real orchestrator sends, built from the fleet truth: the same field names, the same
 * nesting (`link: {...}` inside metrics rows, `{data, metaData}` for events), plus a few fields the
 * engine ignores, so a client that only copes with the minimum would be caught out.
 */
import type { FleetEdge, FleetEnterprise, FleetEvent, FleetLink } from './fleet-model';

type Json = Record<string, unknown>;

/**
 * Ways one edge's rows can come out broken, as real VCO data sometimes does: a null state, no
 * serial, no id, or a link state no release documented. Set per edge through the admin API.
 */
export const MALFORMED_KINDS = ['null-edgeState', 'missing-serialNumber', 'null-id', 'unknown-link-state'] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

/** The link state an `unknown-link-state` edge reports for its first link. */
export const UNKNOWN_LINK_STATE = 'WOBBLY';

/** What a proxy in front of a VCO answers when the VCO behind it is not there. */
export const PROXY_ERROR_PAGE =
  '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>';

export function vcoError(code: number, message: string): { error: { code: number; message: string } } {
  return { error: { code, message } };
}

export const EXPIRED_SESSION_ERROR = vcoError(-32000, 'tokenError [expired session cookie]');

export function edgeJson(edge: FleetEdge, malformed?: MalformedKind): Json {
  const row: Json = {
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
    haState: edge.ha?.state ?? 'UNCONFIGURED',
    haSerialNumber: edge.ha?.partnerSerial || null,
    isLive: edge.edgeState === 'CONNECTED' ? 1 : 0,
  };
  if (malformed === 'null-edgeState') row.edgeState = null;
  if (malformed === 'missing-serialNumber') delete row.serialNumber;
  if (malformed === 'null-id') row.id = null;
  return row;
}

/** The state a link's rows report: its own, unless its edge is set to report an undocumented one. */
function reportedLinkState(edge: FleetEdge, link: FleetLink, malformed?: MalformedKind): string {
  return malformed === 'unknown-link-state' && link === edge.links[0] ? UNKNOWN_LINK_STATE : link.state;
}

function linkJson(edge: FleetEdge, link: FleetLink, malformed?: MalformedKind): Json {
  return {
    id: link.linkId,
    edgeId: edge.id,
    internalId: `00000000-0000-0000-0000-${String(link.linkId).padStart(12, '0')}`,
    interface: link.interface,
    displayName: link.displayName,
    isp: link.isp,
    ipAddress: link.ipAddress,
    state: reportedLinkState(edge, link, malformed),
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

export function linkMetricsJson(edge: FleetEdge, link: FleetLink, malformed?: MalformedKind): Json {
  return { ...metricsJson(link), link: linkJson(edge, link, malformed) };
}

/**
 * A row of monitoring/getAggregateEdgeLinkMetrics (SPEC §3): the metrics beside `link`, which holds
 * the same flat fields as a getEnterpriseEdgeLinkStatus row (`linkState`, no `backupState`).
 */
export function aggregateLinkMetricsJson(enterprise: FleetEnterprise, edge: FleetEdge, link: FleetLink, malformed?: MalformedKind): Json {
  const { linkId: _linkId, ...metrics } = metricsJson(link);
  return { ...metrics, link: linkStatusRow(enterprise, edge, link, malformed) };
}

export function appLinkMetricsJson(edge: FleetEdge, link: FleetLink, malformed?: MalformedKind): Json {
  return {
    linkId: link.linkId,
    link: linkJson(edge, link, malformed),
    serviceGroups: link.serviceGroups,
    bytesRx: link.bytesRx,
    bytesTx: link.bytesTx,
  };
}

/** The edge and enterprise half of a batch row; the HA partner's serial is null outside an HA pair. */
function edgeOfRow(enterprise: FleetEnterprise, edge: FleetEdge, malformed?: MalformedKind): Json {
  const fields: Json = {
    enterpriseId: enterprise.id,
    enterpriseName: enterprise.name,
    edgeId: edge.id,
    edgeName: edge.name,
    edgeState: edge.edgeState,
    edgeSerialNumber: edge.serialNumber,
    edgeHASerialNumber: edge.ha?.partnerSerial || null,
    edgeModelNumber: edge.modelNumber,
    edgeLastContact: edge.lastContact,
  };
  if (malformed === 'null-edgeState') fields.edgeState = null;
  if (malformed === 'missing-serialNumber') delete fields.edgeSerialNumber;
  if (malformed === 'null-id') fields.edgeId = null;
  return fields;
}

/** One flat row of monitoring/getEnterpriseEdgeLinkStatus for a link (SPEC §3). */
function linkStatusRow(enterprise: FleetEnterprise, edge: FleetEdge, link: FleetLink, malformed?: MalformedKind): Json {
  return {
    ...edgeOfRow(enterprise, edge, malformed),
    linkId: link.linkId,
    interface: link.interface,
    displayName: link.displayName,
    linkState: reportedLinkState(edge, link, malformed),
    linkLastActive: link.lastActive,
    isp: link.isp,
    linkIpAddress: link.ipAddress,
  };
}

/** One row per link; an edge without links still appears once, with the link fields null. */
export function edgeLinkStatusRows(enterprise: FleetEnterprise, edge: FleetEdge, malformed?: MalformedKind): Json[] {
  if (!edge.links.length) {
    return [
      { ...edgeOfRow(enterprise, edge, malformed), linkId: null, interface: null, displayName: null, linkState: null, isp: null, linkIpAddress: null },
    ];
  }
  return edge.links.map((link) => linkStatusRow(enterprise, edge, link, malformed));
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
  'edgeSerialNumber', 'edgeModelNumber', 'edgeLastContact', 'edgeHASerialNumber', 'isp', 'linkIpAddress', 'bpsOfBestPathRx'];

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
