import type { PsaLogger } from '../psa-http/logger.ts';

/**
 * Domain types the client hands to services. Read-only, camelCase with `Id` (not Autotask's `ID`),
 * numbers for every picklist and reference value, `Date` for times (Autotask keeps UTC), `null`
 * where Autotask may leave a value empty. Wire shapes live next to the calls that read them.
 */

export type AutotaskEnvironment = 'sandbox' | 'production';

export interface AutotaskCredentials {
  /** The API-only user's username (often an e-mail address). */
  readonly username: string;
  readonly secret: string;
  /** The API tracking identifier ("integration code"). */
  readonly integrationCode: string;
}

/** What to write to the API call log: nothing, failed calls only, or every call. */
export type { ApiLogLevel } from '../psa-http/api-log.ts';

/** The subset of pino the client uses; a pino logger fits. */
export type AutotaskLogger = PsaLogger;

/** Where the API user lives: from `zoneInformation`. URLs always end in a slash. */
export interface AutotaskZone {
  readonly zoneName: string;
  /** REST root of the zone, e.g. `https://webservices3.autotask.net/ATServicesRest/` (without `V1.0/`). */
  readonly apiUrl: string;
  /** Web UI root, e.g. `https://ww3.autotask.net/`, for links. */
  readonly webUrl: string;
  readonly checkedAt: Date;
}

export interface Company {
  readonly id: number;
  readonly name: string;
  readonly isActive: boolean;
  readonly companyNumber: string | null;
  readonly companyType: number | null;
  readonly phone: string | null;
  readonly city: string | null;
}

/** Autotask's system status "Complete"; the same in every tenant. */
export const TICKET_STATUS_COMPLETE = 5;

export interface Ticket {
  readonly id: number;
  readonly ticketNumber: string;
  readonly title: string;
  readonly description: string | null;
  readonly companyId: number;
  readonly status: number;
  readonly priority: number | null;
  readonly queueId: number | null;
  readonly issueType: number | null;
  readonly subIssueType: number | null;
  readonly source: number | null;
  readonly ticketType: number | null;
  readonly externalId: string | null;
  readonly createDate: Date | null;
  readonly completedDate: Date | null;
  readonly lastActivityDate: Date | null;
}

/** Fields for a new ticket. Omitted optional fields are not sent. */
export interface NewTicket {
  readonly companyId: number;
  readonly title: string;
  readonly description?: string;
  readonly status: number;
  readonly priority: number;
  readonly queueId?: number;
  readonly issueType?: number;
  readonly subIssueType?: number;
  readonly source?: number;
  readonly ticketType?: number;
  readonly ticketCategory?: number;
  /** Work Type: a `BillingCodes` id with useType 1. */
  readonly billingCodeId?: number;
  /** Our own reference, so an unknown create outcome can be settled by `findTicketsByExternalId`. */
  readonly externalId?: string;
  readonly contactId?: number;
  readonly dueDateTime?: Date;
}

/**
 * The answer to a create. Autotask made the ticket (`id`) even when reading it back failed, so the
 * id is never lost: `ticket` is then null and `readBackError` says why; fetch it later by id.
 */
export interface CreatedTicket {
  readonly id: number;
  readonly ticket: Ticket | null;
  readonly readBackError: Error | null;
}

/** Autotask's ticket note `publish` value "internal only" (1 would be all Autotask users). */
export const NOTE_PUBLISH_INTERNAL = 2;

export interface NewTicketNote {
  readonly title: string;
  readonly description: string;
  readonly noteType: number;
  /** 1 = all Autotask users, 2 = internal only (see `entityInformation` to be sure). */
  readonly publish: number;
}

export interface TicketNote {
  readonly id: number;
  readonly ticketId: number;
  readonly title: string | null;
  readonly description: string | null;
  readonly noteType: number | null;
  readonly publish: number | null;
  readonly createDateTime: Date | null;
  readonly creatorResourceId: number | null;
}

export interface PicklistValue {
  readonly value: number;
  readonly label: string;
  readonly isActive: boolean;
  readonly isDefault: boolean;
  readonly isSystem: boolean;
  readonly sortOrder: number;
  /** For dependent lists (sub-issue type): the parent list's value; otherwise null. */
  readonly parentValue: number | null;
}

/** The ticket picklists Backupchecks uses, from `Tickets/entityInformation/fields`. Plain JSON. */
export interface TicketPicklists {
  readonly status: readonly PicklistValue[];
  readonly priority: readonly PicklistValue[];
  readonly queueId: readonly PicklistValue[];
  readonly issueType: readonly PicklistValue[];
  /** `parentValue` is the issue type. */
  readonly subIssueType: readonly PicklistValue[];
  readonly source: readonly PicklistValue[];
  readonly ticketType: readonly PicklistValue[];
  readonly ticketCategory: readonly PicklistValue[];
}

/** From `TicketNotes/entityInformation/fields`. */
export interface TicketNotePicklists {
  readonly noteType: readonly PicklistValue[];
  readonly publish: readonly PicklistValue[];
}

/** A Work Type: a `BillingCodes` record with useType 1. */
export interface WorkType {
  readonly id: number;
  readonly name: string;
  readonly isActive: boolean;
}

export interface Contact {
  readonly id: number;
  readonly companyId: number;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string | null;
  readonly isActive: boolean;
}

/** From `ThresholdInformation`: the tenant-wide hourly request budget and its use. */
export interface ThresholdInfo {
  readonly requestLimit: number;
  readonly timeframeMinutes: number;
  readonly currentCount: number;
}

export interface ConnectionCheck {
  readonly zone: AutotaskZone;
  readonly threshold: ThresholdInfo;
}
