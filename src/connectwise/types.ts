import type { PsaLogger } from '../psa-http/logger.ts';

/**
 * Domain types the ConnectWise client hands to services. Read-only, camelCase, numbers for every
 * id, `Date` for times (ConnectWise sends UTC), `null` where ConnectWise may leave a value empty.
 * Wire shapes live next to the calls that read them. The facts behind the field names:
 * docs/connectwise.md.
 */

export interface ConnectWiseCredentials {
  /** The short company id typed on the ConnectWise login screen (not the display name). */
  readonly companyId: string;
  /** The API member's public key. */
  readonly publicKey: string;
  readonly privateKey: string;
  /** The integration's clientId from the ConnectWise Developer Network: a secret of ours, sent on every call. */
  readonly clientId: string;
}

/** What to write to the API call log: nothing, failed calls only, or every call. */
export type { ApiLogLevel } from '../psa-http/api-log.ts';

/** The subset of pino the client uses; a pino logger fits. */
export type ConnectWiseLogger = PsaLogger;

/** From `GET system/info`: proves the credentials and tells which release answers. */
export interface SystemInfo {
  readonly version: string | null;
  readonly isCloud: boolean | null;
  readonly serverTimeZone: string | null;
  readonly cloudRegion: string | null;
}

export interface Company {
  readonly id: number;
  /** The short "Company ID" shown in ConnectWise. */
  readonly identifier: string | null;
  readonly name: string;
  readonly statusId: number | null;
  readonly statusName: string | null;
  /** Deleted companies stay readable; tickets must not go to them. */
  readonly deleted: boolean;
}

export interface Ticket {
  /** ConnectWise shows the id as the ticket number. */
  readonly id: number;
  readonly summary: string;
  readonly companyId: number | null;
  readonly companyName: string | null;
  readonly boardId: number | null;
  readonly boardName: string | null;
  readonly statusId: number | null;
  readonly statusName: string | null;
  readonly priorityId: number | null;
  readonly typeId: number | null;
  readonly subTypeId: number | null;
  readonly itemId: number | null;
  readonly contactId: number | null;
  /** Our reference, as written at create (`reference.ts`); null on tickets made elsewhere. */
  readonly reference: string | null;
  /** True once the ticket is in a status of its board flagged as closed. */
  readonly closed: boolean;
  readonly closedDate: Date | null;
}

/** Fields for a new service ticket. Omitted optional references are not sent (ConnectWise applies its defaults). */
export interface NewTicket {
  readonly companyId: number;
  readonly boardId?: number;
  /** Cut to ConnectWise's 100 characters with an ellipsis (`summary.ts`). */
  readonly summary: string;
  /** Becomes the ticket's first Discussion note. */
  readonly initialDescription?: string;
  readonly statusId?: number;
  readonly priorityId?: number;
  readonly typeId?: number;
  readonly subTypeId?: number;
  readonly itemId?: number;
  readonly contactId?: number;
  /** Our unique reference, so an unknown create outcome can be settled by `findTicketsByReference`. */
  readonly reference: string;
}

/**
 * The answer to a create. ConnectWise answers with the created ticket; when that answer carried the
 * id but could not be read as a ticket, `ticket` is null and the id is still kept (read it later).
 */
export interface CreatedTicket {
  readonly id: number;
  readonly ticket: Ticket | null;
}

/**
 * Where a note shows on the ticket. At least one must be true (ConnectWise refuses a note without
 * one). Internal-only: `internalAnalysis` alone (docs/connectwise.md, Ticket notes).
 */
export interface NewTicketNote {
  readonly text: string;
  /** The Discussion thread, which the customer can see. */
  readonly detailDescription: boolean;
  /** The Internal thread. */
  readonly internalAnalysis: boolean;
  readonly resolution: boolean;
}

export interface TicketNote {
  readonly id: number;
  readonly ticketId: number | null;
  readonly text: string | null;
  readonly detailDescription: boolean;
  readonly internalAnalysis: boolean;
  readonly resolution: boolean;
}

export interface Board {
  readonly id: number;
  readonly name: string;
  readonly inactive: boolean;
}

export interface BoardStatus {
  readonly id: number;
  readonly name: string;
  /** `closedStatus`: a ticket put in this status is closed. A board may have several. */
  readonly closed: boolean;
  readonly inactive: boolean;
  readonly isDefault: boolean;
  readonly sortOrder: number | null;
  readonly timeEntryNotAllowed: boolean;
}

export interface Priority {
  readonly id: number;
  readonly name: string;
  readonly isDefault: boolean;
  readonly sortOrder: number | null;
}

/** A board's type, subtype or item. */
export interface BoardValue {
  readonly id: number;
  readonly name: string;
  readonly inactive: boolean;
}

export interface BoardSubType extends BoardValue {
  /** The types this subtype goes with, when ConnectWise sends them. */
  readonly typeIds: readonly number[];
}

/** A level of a security role's right: every record, the member's own (or its team's), none. */
export type SecurityLevel = 'All' | 'My' | 'None';

/** One module function of the API member's security role (`system/mySecurity`). */
export interface SecurityRight {
  readonly id: number;
  readonly moduleIdentifier: string | null;
  readonly moduleName: string | null;
  readonly functionIdentifier: string | null;
  readonly functionName: string | null;
  /** Null when ConnectWise sent no level or one this client does not know. */
  readonly addLevel: SecurityLevel | null;
  readonly editLevel: SecurityLevel | null;
  readonly deleteLevel: SecurityLevel | null;
  readonly inquireLevel: SecurityLevel | null;
}

/** A company status; tickets are not meant for companies in an inactive one (docs/connectwise.md, Companies). */
export interface CompanyStatus {
  readonly id: number;
  readonly name: string;
  readonly inactive: boolean;
}

export interface Member {
  readonly id: number;
  readonly identifier: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly inactive: boolean;
}
