import { z } from 'zod';

/**
 * What `ConnectWiseSettings.lists` holds: ConnectWise's setup lists as last loaded (Settings →
 * ConnectWise, "Refresh lists"), so pages name ids without calling ConnectWise. Ids are stored,
 * names only shown: ConnectWise's names are neither unique nor stable (docs/connectwise.md, Service
 * tickets, "Setup lists"). Inactive values stay in, so a saved id can still be named.
 *
 * Statuses, types, subtypes and items belong to one board (`boardId`, the board chosen when the
 * lists were loaded). Every list defaults to empty, so a row written before a list was added still
 * reads.
 */

const id = z.number().int();

const value = z.object({ id, name: z.string(), inactive: z.boolean().default(false) });

const status = value.extend({
  /** ConnectWise's `closedStatus`: a ticket in this status is closed. A board may have several. */
  closed: z.boolean().default(false),
  isDefault: z.boolean().default(false),
  timeEntryNotAllowed: z.boolean().default(false),
});

const subType = value.extend({
  /** The types this subtype goes with, when ConnectWise sent them. */
  typeIds: z.array(id).default([]),
});

/** ConnectWise sends no inactive flag on priorities; `inactive` stays false, for one shape of every list. */
const priority = value.extend({
  isDefault: z.boolean().default(false),
  sortOrder: z.number().int().nullable().default(null),
});

export const connectWiseListsSchema = z.object({
  boards: z.array(value).default([]),
  /** The board the statuses, types, subtypes and items below belong to. */
  boardId: id.nullable().default(null),
  statuses: z.array(status).default([]),
  types: z.array(value).default([]),
  subTypes: z.array(subType).default([]),
  items: z.array(value).default([]),
  /** Global, not per board. */
  priorities: z.array(priority).default([]),
  /** Global; a company in a status flagged inactive counts as inactive (ConnectWise has no active flag). */
  companyStatuses: z.array(value).default([]),
});

export type ConnectWiseLists = z.output<typeof connectWiseListsSchema>;
export type ConnectWiseListValue = z.output<typeof value>;
export type ConnectWiseListStatus = z.output<typeof status>;

/** Lists that know nothing: what an unloaded or unreadable `lists` column reads as. */
export const EMPTY_LISTS: ConnectWiseLists = connectWiseListsSchema.parse({});

/**
 * The stored lists, or empty ones when the column is empty or not in this shape (a page must
 * still render; the next refresh writes them again).
 */
export function readConnectWiseLists(json: unknown): ConnectWiseLists {
  if (json === null || json === undefined) return EMPTY_LISTS;
  const parsed = connectWiseListsSchema.safeParse(json);
  return parsed.success ? parsed.data : EMPTY_LISTS;
}

/** The name of a board status, or null when the lists do not know it. */
export function statusLabelIn(lists: ConnectWiseLists, statusId: number): string | null {
  return lists.statuses.find((s) => s.id === statusId)?.name ?? null;
}

/** Whether the lists know the status as one that closes a ticket. */
export function isClosedStatusIn(lists: ConnectWiseLists, statusId: number | null): boolean {
  return statusId !== null && lists.statuses.some((s) => s.id === statusId && s.closed);
}

/** Whether the lists know the company status as inactive. */
export function isInactiveCompanyStatusIn(lists: ConnectWiseLists, statusId: number | null): boolean {
  return statusId !== null && lists.companyStatuses.some((s) => s.id === statusId && s.inactive);
}
