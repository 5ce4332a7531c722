/**
 * The contract with the orchestrator, checked once at the boundary. Real VCO data leaves fields
 * null or out now and then: display fields and metrics are normalised ('' / 0 / null) so one odd
 * edge does not fail a cycle, while identities and states are required, because without them the
 * engine cannot tell which edge it is looking at or whether it is down. List answers are checked
 * row by row (the `...RowSchema`s), so a bad row costs its edge, not the answer.
 */
import { z } from 'zod';
import type {
  VelocloudAggregateLinkMetrics,
  VelocloudAggregates,
  VelocloudEdge,
  VelocloudEdgeLinkStatus,
  VelocloudEnterprise,
  VelocloudEvent,
  VelocloudLinkMetrics,
  VelocloudLinkServiceGroups,
  VelocloudNetworkEdge,
} from './types';

/** How the VCO writes "never" in date fields. */
export const NEVER_CONTACTED = '0000-00-00 00:00:00';

const id = z.number().int();
const state = z.string();
const text = z
  .string()
  .nullish()
  .transform((v) => v ?? '');
const amount = z
  .number()
  .nullish()
  .transform((v) => v ?? 0);

function isoOrNull(value: string | null | undefined): string | null {
  if (!value || value.startsWith('0000-00-00')) return null;
  const time = Date.parse(value);
  return Number.isFinite(time) ? new Date(time).toISOString() : null;
}

const vcoDate = z.string().nullish().transform(isoOrNull);

const requiredDate = z.string().transform((value, ctx) => {
  const iso = isoOrNull(value);
  if (iso === null) {
    ctx.addIssue({ code: 'custom', message: `not a date: "${value}"` });
    return z.NEVER;
  }
  return iso;
});

/** A JSON-RPC style failure; real VCOs send it with 400, 401, 500 and sometimes even 200. */
export const errorEnvelopeSchema = z.object({
  error: z.object({ code: z.union([z.number(), z.string()]).nullish(), message: z.string().nullish() }),
});

export const enterpriseSchema: z.ZodType<VelocloudEnterprise> = z.object({ id, name: text });

export const aggregatesSchema: z.ZodType<VelocloudAggregates> = z.object({
  edgeCount: amount,
  enterprises: z.array(enterpriseSchema),
});

/** An edge as the VCO sends it; `enterpriseId` is filled from the request when the VCO leaves it out. */
export type EdgeRecord = Omit<VelocloudEdge, 'enterpriseId'> & { enterpriseId: number | null };

export const edgeSchema: z.ZodType<EdgeRecord> = z
  .object({
    id,
    enterpriseId: id.nullish(),
    name: text,
    serialNumber: text,
    edgeState: state,
    lastContact: vcoDate,
    modelNumber: text,
    activationTime: vcoDate,
  })
  .transform(({ activationTime, enterpriseId, ...edge }) => ({
    ...edge,
    enterpriseId: enterpriseId ?? null,
    ...(activationTime ? { activationTime } : {}),
  }));

const linkFields = {
  interface: z.string(),
  displayName: text,
  state,
  backupState: z
    .string()
    .nullish()
    .transform((v) => v || 'UNCONFIGURED'),
};

const metricFields = {
  linkId: id,
  bestLatencyMsRx: amount,
  bestLatencyMsTx: amount,
  bestLossPctRx: amount,
  bestLossPctTx: amount,
  bestJitterMsRx: amount,
  bestJitterMsTx: amount,
  bytesRx: amount,
  bytesTx: amount,
  bpsOfBestPathRx: amount,
  bpsOfBestPathTx: amount,
};

export const linkMetricsSchema: z.ZodType<VelocloudLinkMetrics[]> = z.array(
  z.object({ ...metricFields, link: z.object(linkFields) }).transform(({ link, ...metrics }) => ({ ...metrics, ...link })),
);

export const linkServiceGroupsSchema: z.ZodType<VelocloudLinkServiceGroups[]> = z.array(
  z.object({
    linkId: id,
    serviceGroups: z
      .array(z.string())
      .nullish()
      .transform((v) => v ?? []),
  }),
);

export const enterpriseEventsSchema: z.ZodType<VelocloudEvent[]> = z
  .object({
    data: z.array(
      z.object({ event: z.string(), category: text, message: text, eventTime: requiredDate, edgeName: text }),
    ),
  })
  .transform((page) => page.data);

/** network/getNetworkEnterprises with edges: the HA state of each edge (missing or null: no HA pair). */
export const networkEnterprisesSchema: z.ZodType<VelocloudNetworkEdge[]> = z
  .array(
    z.object({
      edges: z
        .array(z.object({ id, serialNumber: text, haState: text }))
        .nullish()
        .transform((v) => v ?? []),
    }),
  )
  .transform((enterprises) => enterprises.flatMap((e) => e.edges));

/** The edge and enterprise fields both batch calls carry on every row. */
const edgeOfRowFields = {
  enterpriseId: id,
  enterpriseName: text,
  edgeId: id,
  edgeName: text,
  edgeState: state,
  edgeSerialNumber: text,
};

/** One flat row of monitoring/getEnterpriseEdgeLinkStatus: a link with its edge, or an edge without links. */
export const edgeLinkStatusRowSchema: z.ZodType<VelocloudEdgeLinkStatus> = z
  .object({
    ...edgeOfRowFields,
    edgeModelNumber: text,
    edgeLastContact: vcoDate,
    edgeHASerialNumber: text,
    linkId: id.nullish(),
    interface: z.string().nullish(),
    displayName: text,
    linkState: z.string().nullish(),
  })
  .transform(({ linkId, interface: iface, displayName, linkState, ...edge }, ctx) => {
    if (linkId === null || linkId === undefined) return { ...edge, link: null };
    // A row that names a link must say which interface it is and how it is doing.
    if (!iface) ctx.addIssue({ code: 'custom', path: ['interface'], message: 'required when linkId is set' });
    if (!linkState) ctx.addIssue({ code: 'custom', path: ['linkState'], message: 'required when linkId is set' });
    return { ...edge, link: { linkId, interface: iface ?? '', displayName, state: linkState ?? '' } };
  });

const { linkId: _linkId, ...measurements } = metricFields;

/**
 * One row of monitoring/getAggregateEdgeLinkMetrics (SPEC §3): the metrics beside `link`, which has
 * the flat fields of a link status row (`linkState`, no `backupState`). The link id is read from
 * `link`, or from the row where a release puts it there.
 */
export const aggregateLinkMetricsRowSchema: z.ZodType<VelocloudAggregateLinkMetrics> = z
  .object({
    ...measurements,
    linkId: id.nullish(),
    link: z.object({ ...edgeOfRowFields, linkId: id.nullish(), interface: z.string(), displayName: text, linkState: state }),
  })
  .transform(({ link: { linkId: linkIdOfLink, linkState, ...link }, linkId: linkIdOfRow, ...metrics }, ctx) => {
    const linkId = linkIdOfLink ?? linkIdOfRow;
    if (linkId === null || linkId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['link', 'linkId'], message: 'required: no link id in the row or its link' });
      return z.NEVER;
    }
    return { ...metrics, ...link, linkId, state: linkState };
  });
