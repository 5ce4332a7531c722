/**
 * How messy the Bruin sandbox is, beyond the framework's faults (latency, error rate, 429s,
 * malformed bodies): slow answers per kind of call, with the write landing before or after the
 * wait; an error every Nth API call; and null in every field Bruin may leave unset.
 *
 *   PUT /__admin/bruin-faults   {answerAfterSeconds?: {tokens?, tickets?, details?, create?, note?, status?, repair?, severity?},
 *                                writesLand?: 'before-wait' | 'after-wait',
 *                                errorEveryNth?: {n, status}, nullUnusedFields?: boolean}
 *   GET /__admin/bruin-faults
 */
import { z } from 'zod';

export const CALL_KINDS = ['tokens', 'tickets', 'details', 'create', 'note', 'status', 'repair', 'severity'] as const;
export type CallKind = (typeof CALL_KINDS)[number];

export const bruinFaultsBody = z
  .object({
    answerAfterSeconds: z.partialRecord(z.enum(CALL_KINDS), z.number().nonnegative().max(600)).default({}),
    /**
     * `after-wait` (default): a slow write lands only when its answer is sent, the hardest case
     * for a caller that gave up and looks again; `before-wait`: it lands at once and only the
     * answer is late, as when the caller dies between Bruin's commit and its reply.
     * Either way a write lands even if the caller has hung up by then, as real servers do.
     */
    writesLand: z.enum(['before-wait', 'after-wait']).default('after-wait'),
    /** Every Nth ticket-API call answers this status instead (401: the token was refused). */
    errorEveryNth: z.object({ n: z.number().int().min(1), status: z.number().int().min(400).max(599) }).optional(),
    /** Null in every answer field the API does not promise (creator, dates, names, statuses). */
    nullUnusedFields: z.boolean().default(false),
  })
  .strict();

export type BruinFaults = z.infer<typeof bruinFaultsBody>;

export const NO_BRUIN_FAULTS: BruinFaults = bruinFaultsBody.parse({});
