/** Bruin tickets as the engine sees them: camel-cased, numeric ids, optional fields explicit. */

/** Statuses Bruin reports; the API filters by exactly one of them per call. */
export type TicketStatus = 'New' | 'InProgress' | 'Draft' | 'Resolved';

/** A ticket counts as open while someone may still act on it (SPEC §4 P2). */
export const OPEN_TICKET_STATUSES = ['New', 'InProgress', 'Draft'] as const satisfies readonly TicketStatus[];

/** Bruin topics the engine works with: service outage and service affecting. */
export type TicketTopic = 'VOO' | 'VAS';

/** Fields the engine does not act on are optional: real Bruin answers leave them null or out. */
export interface Ticket {
  ticketId: number;
  clientId?: number;
  /** Usually a TicketStatus; kept as text because Bruin has more statuses than the engine acts on. */
  ticketStatus?: string;
  createDate?: string;
  createdBy?: string;
  category?: string;
  topic?: string;
  /** 1 (highest) to 5. */
  severity?: number;
}

/** One service on a ticket; `detailValue` carries the edge serial. */
export interface TicketDetail {
  detailId: number;
  detailValue: string;
  /** `R` when resolved; anything else (or nothing) means the service still needs work. */
  detailStatus?: string;
}

export interface TicketNote {
  noteId?: number;
  /** '' for notes without text (attachments, status changes). */
  noteValue: string;
  createdDate?: string;
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
  /**
   * Sent as the body's `category`: on ticket creation Bruin takes the topic code there and files
   * the product category (SD-WAN) itself (SPEC §3). Bruin has no `ticketTopic` field.
   */
  topic: TicketTopic;
  services: { serviceNumber: string }[];
  contacts: TicketContact[];
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

/** `POST /api/Ticket/repair`: open (or join) the outage ticket of one serial. */
export interface RepairRequest {
  clientId: number;
  serial: string;
  description: string;
  interfaces: string[];
}

/** Bruin's answer for the serial: errorCode 0/200 created, 409 in progress, 471 resolved, 472 re-opened, 473 new detail elsewhere. */
export interface RepairResult {
  ticketId: number;
  errorCode: number;
  errorMessage?: string;
}
