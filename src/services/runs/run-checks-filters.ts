import { Prisma, type RunStatus } from '../../db/database.ts';

/**
 * The filters of Run Checks as SQL conditions on a "Run" row, shared by the page's job rows
 * (run-checks.ts) and the runs of an opened row (run-checks-open.ts), so both agree on what is in
 * view.
 */

/** "Include reviewed" adds reviewed runs of this many recent days (unreviewed ones are always shown). */
export const reviewedWindowDays = 7;

/** Worst first: the order of rows, and of runs within a row. Missed runs are errors of their own kind. */
export const statuses = ['error', 'missed', 'warning', 'success'] as const satisfies readonly RunStatus[];

/**
 * The ticket filter. Every run is in exactly one: `none` has no ticket (never asked for, or its
 * creation failed), `open` has one being created or not closed, `complete` has a closed one
 * (Autotask: Complete; `Ticket.statusClosed`, whichever PSA it is in).
 */
export const ticketFilters = ['none', 'open', 'complete'] as const;
export type TicketFilter = (typeof ticketFilters)[number];

export interface RunChecksFilters {
  readonly status?: RunStatus | undefined;
  readonly customerId?: number | undefined;
  readonly search?: string | undefined;
  readonly ticket?: TicketFilter | undefined;
  readonly includeReviewed: boolean;
  readonly page: number;
  /** Rows (job ids) shown opened, with their runs. */
  readonly open?: readonly number[] | undefined;
}

export const severityRank: Record<RunStatus, number> = { error: 4, missed: 3, warning: 2, success: 1 };
export const statusOfRank: Record<number, RunStatus> = { 4: 'error', 3: 'missed', 2: 'warning', 1: 'success' };

/** The severity of a status column as a number, higher is worse (severityRank). */
export const severityOf = (column: Prisma.Sql) =>
  Prisma.sql`(CASE ${column} WHEN 'error' THEN 4 WHEN 'missed' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END)`;

/** `alias."column"`, for conditions written once and used on several aliases of "Run". */
export const col = (alias: string, column: string) => Prisma.raw(`${alias}."${column}"`);

/**
 * Runs in view, before the search: unreviewed ones (plus recent reviewed ones on request), of the
 * status and ticket state asked for.
 */
export function viewCondition(f: RunChecksFilters, now: Date, alias: string): Prisma.Sql {
  const since = new Date(now.getTime() - reviewedWindowDays * 24 * 3600 * 1000);
  const reviewed = f.includeReviewed
    ? Prisma.sql`(${col(alias, 'reviewedAt')} IS NULL OR ${col(alias, 'runAt')} >= ${since})`
    : Prisma.sql`${col(alias, 'reviewedAt')} IS NULL`;
  const status = f.status ? Prisma.sql` AND ${col(alias, 'status')} = ${f.status}::"RunStatus"` : Prisma.empty;
  const ticket = f.ticket ? Prisma.sql` AND ${ticketCondition(f.ticket, alias)}` : Prisma.empty;
  return Prisma.sql`${reviewed}${status}${ticket}`;
}

/** The ticket filter on the run `alias`, through its `ticketRecordId` (a primary-key probe per run). */
function ticketCondition(filter: TicketFilter, alias: string): Prisma.Sql {
  const ticketOf = Prisma.sql`SELECT 1 FROM "Ticket" t WHERE t.id = ${col(alias, 'ticketRecordId')}`;
  switch (filter) {
    case 'none':
      return Prisma.sql`NOT EXISTS (${ticketOf} AND t.state <> 'failed')`;
    case 'open':
      return Prisma.sql`EXISTS (${ticketOf} AND (t.state = 'pending'
        OR (t.state = 'created' AND NOT t."statusClosed")))`;
    case 'complete':
      return Prisma.sql`EXISTS (${ticketOf} AND t.state = 'created' AND t."statusClosed")`;
  }
}

/** Search text is matched literally: % and _ typed by the operator are not wildcards. */
export const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The runs in view that match the search, as a condition on the run `alias`: its customer or job
 * name, or its remark and objects. Remark and objects are one lower-cased column kept by triggers
 * ("searchText", migration 20261202104735_compact_review_missed_runs) with a trigram index on the
 * unreviewed runs, so a search is one indexed pass over runs instead of a scan of their objects.
 */
export function searchCondition(search: string | undefined, alias: string): Prisma.Sql {
  if (!search) return Prisma.sql`true`;
  const p = likePattern(search);
  return Prisma.sql`(${col(alias, 'searchText')} LIKE lower(${p})
    OR ${col(alias, 'jobId')} IN (SELECT j2.id FROM "Job" j2 JOIN "Customer" c2 ON c2.id = j2."customerId"
                                  WHERE j2.name ILIKE ${p} OR c2.name ILIKE ${p}))`;
}

/** A run shown on the page: in view and matching the search. */
export function runCondition(f: RunChecksFilters, now: Date, alias: string): Prisma.Sql {
  return Prisma.sql`${viewCondition(f, now, alias)} AND ${searchCondition(f.search, alias)}`;
}

/** Whether the rows are narrowed by their runs (status, ticket, search), beyond the runs in view. */
export const isFiltered = (f: RunChecksFilters) => Boolean(f.status || f.ticket || f.search);

/** Runs a row counts: its unreviewed runs, plus recent reviewed ones on request; no other filter. */
export function baseViewCondition(f: RunChecksFilters, now: Date, alias: string): Prisma.Sql {
  return viewCondition({ includeReviewed: f.includeReviewed, page: 1 }, now, alias);
}

/**
 * The jobs with a run in view that matches the filters: the one match pass of a request. The search
 * is a UNION of two indexed lookups (the trigram index on the run text; jobs by name) rather than
 * one OR, which the planner could only answer by reading every run in view.
 */
export function matchingJobs(f: RunChecksFilters, now: Date): Prisma.Sql {
  const inView = viewCondition(f, now, 'r');
  const ofCustomer = f.customerId
    ? Prisma.sql` AND r."jobId" IN (SELECT id FROM "Job" WHERE "customerId" = ${f.customerId})`
    : Prisma.empty;
  if (!f.search) return Prisma.sql`SELECT DISTINCT r."jobId" FROM "Run" r WHERE ${inView}${ofCustomer}`;
  const p = likePattern(f.search);
  return Prisma.sql`
    SELECT r."jobId" FROM "Run" r WHERE ${inView}${ofCustomer} AND r."searchText" LIKE lower(${p})
    UNION
    SELECT r."jobId" FROM "Run" r
    WHERE ${inView}${ofCustomer}
      AND r."jobId" IN (SELECT j2.id FROM "Job" j2 JOIN "Customer" c2 ON c2.id = j2."customerId"
                        WHERE j2.name ILIKE ${p} OR c2.name ILIKE ${p})`;
}
