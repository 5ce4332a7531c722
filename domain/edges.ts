/**
 * What an edge's state means for the NOC (SPEC §2, §4 P1/P2): which links count, when an edge is
 * faulty, when it is in outage, and how it is named and linked.
 */

/** Where an edge lives: the identity every process carries instead of raw VCO payloads. */
export interface EdgeRef {
  host: string;
  enterpriseId: number;
  edgeId: number;
}

export interface LinkSummary {
  interface: string;
  displayName: string;
  state: string;
  backupState: string;
  /**
   * From the link's service groups. Only where a process reads it: P1 and P2 decide on states alone
   * and leave it out (one VCO call less per edge); a P2 re-check still sets it.
   */
  wireless?: boolean;
}

/**
 * What an enterprise's edge listing (`enterprise/getEnterpriseEdges`) says about one edge: enough to
 * name and classify it, so per edge only its links remain to be read.
 */
export interface ListedEdge {
  id: number;
  name: string;
  serial: string;
  state: string;
  lastContact: string | null;
}

/** One edge's status as an activity returns it: a few hundred bytes, never the raw payload. */
export interface EdgeSummary extends EdgeRef {
  enterpriseName: string;
  name: string;
  serial: string;
  state: string;
  lastContact: string | null;
  links: LinkSummary[];
}

/** What the classification rules read of an edge: its state and its links' states. */
export interface EdgeCondition {
  state: string;
  links: readonly Pick<LinkSummary, 'interface' | 'state' | 'backupState'>[];
}

/** What names an edge for people and tickets, besides where it lives. */
export type EdgeIdentity = EdgeRef & Pick<EdgeSummary, 'enterpriseName' | 'name' | 'serial'>;

export function edgeIdentity(edge: EdgeSummary): EdgeIdentity {
  const { host, enterpriseId, edgeId, enterpriseName, name, serial } = edge;
  return { host, enterpriseId, edgeId, enterpriseName, name, serial };
}

export const CONNECTED = 'CONNECTED';
export const OFFLINE = 'OFFLINE';
export const DISCONNECTED = 'DISCONNECTED';

/** The link states SPEC §2 knows; a VCO release may send others, and those are never taken as healthy. */
export const KNOWN_LINK_STATES: ReadonlySet<string> = new Set(['STABLE', 'UNSTABLE', DISCONNECTED, 'QUIET']);

const COUNTED_BACKUP_STATES = new Set(['UNCONFIGURED', 'ACTIVE']);
const WIRELESS_SERVICE_GROUPS = new Set(['PUBLIC_WIRELESS', 'PRIVATE_WIRELESS']);

/** Standby backup links are expected to be idle; only UNCONFIGURED and ACTIVE links count. */
export function isCountedLink(link: Pick<LinkSummary, 'backupState'>): boolean {
  return COUNTED_BACKUP_STATES.has(link.backupState);
}

export function isWireless(serviceGroups: readonly string[]): boolean {
  return serviceGroups.some((group) => WIRELESS_SERVICE_GROUPS.has(group));
}

export function countedLinks<T extends Pick<LinkSummary, 'backupState'>>(links: readonly T[]): T[] {
  return links.filter(isCountedLink);
}

export function isKnownLinkState(state: string): boolean {
  return KNOWN_LINK_STATES.has(state);
}

/**
 * P1: an edge needs attention when it is not CONNECTED, or a counted link is DISCONNECTED or in a
 * state nobody documented (then nobody can say it is fine).
 */
export function isFaulty(edge: EdgeCondition): boolean {
  return (
    edge.state !== CONNECTED ||
    countedLinks(edge.links).some((l) => l.state === DISCONNECTED || !isKnownLinkState(l.state))
  );
}

/** P2: an outage is an OFFLINE edge or a counted link DISCONNECTED. */
export function isOutage(edge: EdgeCondition): boolean {
  return edge.state === OFFLINE || countedLinks(edge.links).some((l) => l.state === DISCONNECTED);
}

/** Why an edge is faulty, in words for people: `OFFLINE`, `GE2 DISCONNECTED`, `GE1 WOBBLY (unknown state)`. */
export function faultReasons(edge: EdgeCondition): string[] {
  const reasons: string[] = [];
  if (edge.state !== CONNECTED) reasons.push(edge.state);
  for (const link of countedLinks(edge.links)) {
    if (link.state === DISCONNECTED) reasons.push(`${link.interface} ${DISCONNECTED}`);
    else if (!isKnownLinkState(link.state)) reasons.push(`${link.interface} ${link.state || '(no state)'} (unknown state)`);
  }
  return reasons;
}

/** No serial, no business key: such an edge can be watched but never ticketed. */
export function hasSerial(edge: { serial: string }): boolean {
  return edge.serial.trim() !== '';
}

/** The Bruin client id carried in an enterprise name (`Titan America|85940|`); none → test enterprise. */
export function clientIdOf(enterpriseName: string): number | undefined {
  const match = /\|(\d+)\|/.exec(enterpriseName);
  return match ? Number(match[1]) : undefined;
}

export function isTestEnterprise(enterpriseName: string): boolean {
  return clientIdOf(enterpriseName) === undefined;
}

/** The enterprise name as people know it, without the `|clientId|` marker. */
export function displayEnterprise(enterpriseName: string): string {
  return enterpriseName.replace(/\|\d+\|/, '').trim() || enterpriseName;
}

/** The edge's monitoring page on its VCO portal. */
export function edgeUrl(portalUrl: string, ref: Pick<EdgeRef, 'enterpriseId' | 'edgeId'>): string {
  return `${portalUrl}/#!/operator/customer/${ref.enterpriseId}/monitor/edge/${ref.edgeId}/`;
}

export function edgeKey(ref: EdgeRef): string {
  return `${ref.host}/${ref.enterpriseId}/${ref.edgeId}`;
}
