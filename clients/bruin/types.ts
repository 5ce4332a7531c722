/** Bruin tickets as the engine sees them: camel-cased, numeric ids, optional fields explicit. */

/** Statuses Bruin reports; the API filters by exactly one of them per call. */
export type TicketStatus = 'New' | 'InProgress' | 'Draft' | 'Resolved';

/** A ticket counts as open while someone may still act on it (SPEC §4 P2). */
export const OPEN_TICKET_STATUSES = ['New', 'InProgress', 'Draft'] as const satisfies readonly TicketStatus[];

/** Bruin topics the engine works with: service outage and service affecting. */
export type TicketTopic = 'VOO' | 'VAS';

export interface Ticket {
  ticketId: number;
  clientId: number;
  /** Usually a TicketStatus; kept as text because Bruin has more statuses than the engine acts on. */
  ticketStatus: string;
  createDate: string;
  createdBy: string;
  category: string;
  topic?: string;
}

/** One service on a ticket; `detailValue` carries the edge serial. */
export interface TicketDetail {
  detailId: number;
  detailValue: string;
  /** `R` when resolved; anything else means the service still needs work. */
  detailStatus: string;
}

export interface TicketNote {
  noteId: number;
  noteValue: string;
  createdDate: string;
}

export interface TicketDetails {
  details: TicketDetail[];
  notes: TicketNote[];
}

/** An open ticket with the details and notes that were read to match it. */
export interface TicketWithDetails extends Ticket, TicketDetails {}

export interface TicketQuery {
  clientId?: number;
  ticketId?: number;
  status: TicketStatus;
  category?: string;
  topic?: string;
}

export interface OpenTicketQuery {
  clientId: number;
  category?: string;
  topic: string;
}

export interface TicketContact {
  email: string;
  phone: string;
  name: string;
  type: 'site' | 'ticket';
}

export interface NewTicket {
  clientId: number;
  category: string;
  services: { serviceNumber: string }[];
  contacts: TicketContact[];
  /**
   * The real API infers the topic from the category and services; sandboxes and newer Bruin
   * versions take it as `ticketTopic`, so it is sent only when given.
   */
  topic?: string;
}

/** `R` resolves a detail, `O` re-opens it. */
export type DetailStatusChange = 'R' | 'O';

export type CallOutcome = 'ok' | 'retryable' | 'rate-limited' | 'non-retryable';

/** Reported once per HTTP call (including logins), for metrics. */
export interface CallEvent {
  call: string;
  outcome: CallOutcome;
  seconds: number;
}
