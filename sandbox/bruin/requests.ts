/** Reading what callers send the Bruin sandbox, and answering refusals the way Bruin does. */
import type { FastifyReply } from 'fastify';
import type { ZodType } from 'zod';
import { TicketBookError } from './tickets';

/** Runs a handler; a TicketBookError becomes its HTTP status with a message body. */
export async function answer(reply: FastifyReply, handle: () => unknown) {
  try {
    return await handle();
  } catch (error) {
    if (error instanceof TicketBookError) return reply.code(error.status).send({ message: error.message });
    throw error;
  }
}

export function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic (\S+)$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** undefined when absent, null when present but not a number. */
export function numberParam(value: string | string[] | undefined): number | undefined | null {
  if (value === undefined || value === '') return undefined;
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : null;
}

export function textParam(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function validBody<T>(schema: ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TicketBookError(400, `invalid body: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'rejected'}`);
  }
  return parsed.data;
}
