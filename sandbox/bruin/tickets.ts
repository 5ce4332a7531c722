/**
 * The sandbox's ticket book: Bruin's tickets, details and notes, with the status rules the engine
 * relies on (one detail per service, a ticket resolves when all its details do).
 */
import { randomInt } from 'node:crypto';

export interface SandboxDetail {
  detailId: number;
  /** The service number: an edge serial. */
  detailValue: string;
  /** `O` open, `R` resolved (seeds may use Bruin's other letters, e.g. `I`). */
  detailStatus: string;
}

export interface SandboxNote {
  noteId: number;
  noteValue: string;
  createdDate: string;
}

export interface SandboxTicket {
  ticketId: number;
  clientId: number;
  ticketStatus: string;
  category: string;
  topic: string;
  createDate: string;
  createdBy: string;
  /** 1 (highest) to 5; what `PUT /api/Ticket/{id}/severity` last set. */
  severity: number;
  details: SandboxDetail[];
  notes: SandboxNote[];
}

/** A ticket to put in the book; details may be given as bare serials and notes as bare text. */
export interface TicketSeed {
  ticketId?: number;
  clientId: number;
  ticketStatus?: string;
  category?: string;
  topic?: string;
  createDate?: string;
  createdBy?: string;
  severity?: number;
  details?: (string | { detailId?: number; detailValue: string; detailStatus?: string })[];
  notes?: (string | { noteId?: number; noteValue: string; createdDate?: string })[];
}

export interface TicketFilter {
  status: string;
  clientId?: number;
  ticketId?: number;
  category?: string;
  topic?: string;
}

export interface TicketRequest {
  clientId: number;
  /** The topic code the caller sent as `category`. */
  topic: string;
  serviceNumbers: string[];
  createdBy: string;
}

/** The product category Bruin files every ticket of this API under. */
export const PRODUCT_CATEGORY = 'SD-WAN';

/** A refusal the API answers with this HTTP status. */
export class TicketBookError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class TicketBook {
  private readonly tickets = new Map<number, SandboxTicket>();
  // Distinct ranges make a detail id passed as a ticket id (or the reverse) fail loudly. Each book
  // starts at its own place in its range, as ticket ids of a shared Bruin are never reused: two
  // sandboxes (two test files on one Temporal server) then never hand out the same ticket id.
  private nextTicketId = 5_100_000 + randomInt(0, 800_000);
  private nextDetailId = 9_100_000 + randomInt(0, 800_000);
  private nextNoteId = 71_000_000 + randomInt(0, 8_000_000);

  constructor(private readonly now: () => Date = () => new Date()) {}

  seed(seeds: TicketSeed[]): SandboxTicket[] {
    return seeds.map((seed) => {
      const ticketId = this.claim('ticket', seed.ticketId);
      if (this.tickets.has(ticketId)) throw new TicketBookError(409, `ticket ${ticketId} already exists`);
      const ticket: SandboxTicket = {
        ticketId,
        clientId: seed.clientId,
        ticketStatus: seed.ticketStatus ?? 'New',
        category: seed.category ?? PRODUCT_CATEGORY,
        topic: seed.topic ?? 'VAS',
        createDate: seed.createDate ?? this.timestamp(),
        createdBy: seed.createdBy ?? 'NOC operator',
        severity: seed.severity ?? 3,
        details: (seed.details ?? []).map((d) => {
          const detail = typeof d === 'string' ? { detailValue: d } : d;
          return {
            detailId: this.claim('detail', detail.detailId),
            detailValue: detail.detailValue,
            detailStatus: detail.detailStatus ?? 'O',
          };
        }),
        notes: (seed.notes ?? []).map((n) => {
          const note = typeof n === 'string' ? { noteValue: n } : n;
          return {
            noteId: this.claim('note', note.noteId),
            noteValue: note.noteValue,
            createdDate: note.createdDate ?? this.timestamp(),
          };
        }),
      };
      this.tickets.set(ticketId, ticket);
      return structuredClone(ticket);
    });
  }

  all(): SandboxTicket[] {
    return [...this.tickets.values()].map((t) => structuredClone(t));
  }

  get(ticketId: number): SandboxTicket | undefined {
    const ticket = this.tickets.get(ticketId);
    return ticket && structuredClone(ticket);
  }

  find(filter: TicketFilter): SandboxTicket[] {
    return this.all().filter(
      (t) =>
        t.ticketStatus === filter.status &&
        (filter.clientId === undefined || t.clientId === filter.clientId) &&
        (filter.ticketId === undefined || t.ticketId === filter.ticketId) &&
        (filter.category === undefined || t.category === filter.category) &&
        (filter.topic === undefined || t.topic === filter.topic),
    );
  }

  create(request: TicketRequest): SandboxTicket {
    const [ticket] = this.seed([
      {
        clientId: request.clientId,
        category: PRODUCT_CATEGORY,
        topic: request.topic,
        createdBy: request.createdBy,
        ticketStatus: 'New',
        details: request.serviceNumbers.map((serial) => ({ detailValue: serial, detailStatus: 'O' })),
      },
    ]);
    return ticket as SandboxTicket;
  }

  appendNote(ticketId: number, text: string): SandboxNote {
    const ticket = this.mustGet(ticketId);
    const note = { noteId: this.claim('note'), noteValue: text, createdDate: this.timestamp() };
    ticket.notes.push(note);
    return { ...note };
  }

  /** Resolving the last open detail resolves the ticket; re-opening a detail puts it back to work. */
  setDetailStatus(ticketId: number, detailId: number, status: 'R' | 'O'): SandboxTicket {
    const ticket = this.mustGet(ticketId);
    const detail = ticket.details.find((d) => d.detailId === detailId);
    if (!detail) throw new TicketBookError(404, `ticket ${ticketId} has no detail ${detailId}`);
    detail.detailStatus = status;
    if (status === 'R' && ticket.details.every((d) => d.detailStatus === 'R')) ticket.ticketStatus = 'Resolved';
    if (status === 'O' && ticket.ticketStatus === 'Resolved') ticket.ticketStatus = 'InProgress';
    return structuredClone(ticket);
  }

  setSeverity(ticketId: number, severity: number): SandboxTicket {
    const ticket = this.mustGet(ticketId);
    ticket.severity = severity;
    return structuredClone(ticket);
  }

  /** Adds a service to an existing ticket (Bruin's answer 473: the site's ticket takes the new serial). */
  addDetail(ticketId: number, serial: string): SandboxDetail {
    const ticket = this.mustGet(ticketId);
    const detail = { detailId: this.claim('detail'), detailValue: serial, detailStatus: 'O' };
    ticket.details.push(detail);
    if (ticket.ticketStatus === 'Resolved') ticket.ticketStatus = 'InProgress';
    return { ...detail };
  }

  clear(): void {
    this.tickets.clear();
  }

  private mustGet(ticketId: number): SandboxTicket {
    const ticket = this.tickets.get(ticketId);
    if (!ticket) throw new TicketBookError(404, `ticket ${ticketId} not found`);
    return ticket;
  }

  private claim(kind: 'ticket' | 'detail' | 'note', wanted?: number): number {
    const key = kind === 'ticket' ? 'nextTicketId' : kind === 'detail' ? 'nextDetailId' : 'nextNoteId';
    if (wanted === undefined) return this[key]++;
    if (wanted >= this[key]) this[key] = wanted + 1;
    return wanted;
  }

  private timestamp(): string {
    return this.now().toISOString();
  }
}
