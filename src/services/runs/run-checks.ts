import { Prisma, type Db, type RunStatus, type TicketState } from '../../db/database.ts';
import { psaNameOfTicket } from '../tickets/ticket-psa.ts';
import {
  baseViewCondition,
  isFiltered,
  matchingJobs,
  severityOf,
  statusOfRank,
  type RunChecksFilters,
} from './run-checks-filters.ts';
import { loadOpenRows, type OpenRows } from './run-checks-open.ts';

export * from './run-checks-filters.ts';
export type { OpenRows, RunChecksJob, RunChecksRun, RunObjectRow, LastSuccess } from './run-checks-open.ts';

/**
 * The Run Checks page: one row per job with unreviewed runs (or, with "include reviewed", recent
 * reviewed ones), worst first, then by customer and job. A row counts its job's unreviewed runs by
 * status whatever the filters, because "Mark reviewed" acts on all of them; the filters choose
 * which jobs are listed. Opened rows (`open`) also get their runs (run-checks-open.ts).
 *
 * The statements are the same for any data size: one for the rows of the page with the totals, one
 * for the rows' tickets, one for the customer list, and a fixed few for opened rows.
 */

/** Rows (jobs) per page. */
export const rowsPerPage = 50;
/** At most this many rows are opened at once: an address bar cannot make one page load everything. */
export const maxOpenRows = 20;

export interface StatusCounts {
  readonly error: number;
  readonly missed: number;
  readonly warning: number;
  readonly success: number;
}

/** The ticket a row shows: the job's newest open ticket, or one that an unreviewed run of it has. */
export interface RowTicket {
  readonly id: number;
  readonly state: TicketState;
  readonly ticketId: number | null;
  readonly ticketNumber: string | null;
  readonly url: string | null;
  readonly statusLabel: string | null;
  /** The PSA counts its status as closed (`Ticket.statusClosed`). */
  readonly complete: boolean;
  readonly createdBy: string | null;
  /** The PSA the ticket is in: "Autotask", "ConnectWise". */
  readonly psaName: string;
}

export interface JobRow {
  readonly jobId: number;
  readonly jobName: string;
  readonly backupSoftware: string;
  readonly backupType: string;
  readonly customerId: number;
  readonly customerName: string;
  readonly worstStatus: RunStatus;
  /** Unreviewed runs of the job by status, whatever the filters: what "Mark reviewed" acts on. */
  readonly counts: StatusCounts;
  readonly unreviewedCount: number;
  /** The newest unreviewed run when the page was built; runs that arrive later stay unreviewed. */
  readonly maxUnreviewedRunId: number | null;
  readonly lastRunAt: Date;
  readonly ticket: RowTicket | null;
}

export interface RunChecksPage {
  readonly rows: JobRow[];
  readonly page: number;
  readonly pages: number;
  /** Rows (jobs) over all pages. */
  readonly rowTotal: number;
  /** Unreviewed runs of active customers, ignoring filters: the number the team works down to zero. */
  readonly unreviewedTotal: number;
  readonly customerOptions: Array<{ id: number; name: string }>;
  /** The opened rows of this page, with their runs. */
  readonly open: OpenRows;
}

interface RowRecord {
  unreviewedTotal: number;
  rowTotal: number;
  pages: number;
  /** The rest is null when nothing matches (the totals row comes alone). */
  jobId: number | null;
  jobName: string;
  backupSoftware: string;
  backupType: string;
  customerId: number;
  customerName: string;
  severity: number;
  errors: number;
  missed: number;
  warnings: number;
  successes: number;
  maxUnreviewedId: number | null;
  lastRunAt: Date;
}

/**
 * The page's rows and the totals in one statement. The rows start from one grouping of the
 * unreviewed runs, which a partial index holds exactly (an index-only scan: no run is read); the
 * filters then keep the jobs with a matching run (one match pass, `matchingJobs`). "Include
 * reviewed" groups recent reviewed runs as well, and reads the runs for it. A page past the end
 * gives the last one.
 */
function rowsQuery(db: Db, f: RunChecksFilters, now: Date) {
  const onlyMatching = isFiltered(f) ? Prisma.sql`AND p."jobId" IN (${matchingJobs(f, now)})` : Prisma.empty;
  const ofCustomer = f.customerId ? Prisma.sql`AND p."customerId" = ${f.customerId}` : Prisma.empty;
  return db.$queryRaw<RowRecord[]>`
    WITH per_job AS (${f.includeReviewed ? withRecentReviewed(now) : unreviewedOnly()}),
    active AS (
      SELECT p.*, j."customerId", j.name AS "jobName", j."backupSoftware", j."backupType", c.name AS "customerName",
             c."nameKey"
      FROM per_job p JOIN "Job" j ON j.id = p."jobId" JOIN "Customer" c ON c.id = j."customerId"
      WHERE c.active
    ), ordered AS (
      SELECT p.*, row_number() OVER (ORDER BY p.severity DESC, p."nameKey", p."customerId", p."jobName", p."jobId") AS ord
      FROM active p
      WHERE true ${ofCustomer} ${onlyMatching}
    ), totals AS (
      SELECT (SELECT coalesce(sum(a.errors + a.missed + a.warnings + a.successes), 0) FROM active a)::int
               AS "unreviewedTotal",
             count(*)::int AS "rowTotal", greatest(1, ceil(count(*)::numeric / ${rowsPerPage}))::int AS pages
      FROM ordered
    )
    SELECT t."unreviewedTotal", t."rowTotal", t.pages, o."jobId", o."jobName", o."backupSoftware", o."backupType",
           o."customerId", o."customerName", o.severity, o.errors, o.missed, o.warnings, o.successes,
           o."maxUnreviewedId", o."lastRunAt"
    FROM totals t
    LEFT JOIN ordered o ON o.ord > (least(${f.page}, t.pages) - 1) * ${rowsPerPage}
                       AND o.ord <= least(${f.page}, t.pages) * ${rowsPerPage}
    ORDER BY o.ord`;
}

const countOf = (status: RunStatus, reviewedToo: boolean) =>
  reviewedToo
    ? Prisma.sql`count(*) FILTER (WHERE r."reviewedAt" IS NULL AND r.status = ${status}::"RunStatus")::int`
    : Prisma.sql`count(*) FILTER (WHERE r.status = ${status}::"RunStatus")::int`;

/** Per job: its unreviewed runs by status, worst status, last run, newest run id. Reads only the index. */
function unreviewedOnly(): Prisma.Sql {
  return Prisma.sql`
    SELECT r."jobId", ${countOf('error', false)} AS errors, ${countOf('missed', false)} AS missed,
           ${countOf('warning', false)} AS warnings, ${countOf('success', false)} AS successes,
           max(${severityOf(Prisma.sql`r.status`)})::int AS severity, max(r."runAt") AS "lastRunAt",
           max(r.id) AS "maxUnreviewedId"
    FROM "Run" r WHERE r."reviewedAt" IS NULL
    GROUP BY r."jobId"`;
}

/** As unreviewedOnly, with the jobs that only have recent reviewed runs (counts of unreviewed stay). */
function withRecentReviewed(now: Date): Prisma.Sql {
  return Prisma.sql`
    SELECT r."jobId", ${countOf('error', true)} AS errors, ${countOf('missed', true)} AS missed,
           ${countOf('warning', true)} AS warnings, ${countOf('success', true)} AS successes,
           max(${severityOf(Prisma.sql`r.status`)})::int AS severity, max(r."runAt") AS "lastRunAt",
           max(r.id) FILTER (WHERE r."reviewedAt" IS NULL) AS "maxUnreviewedId"
    FROM "Run" r WHERE ${baseViewCondition({ includeReviewed: true, page: 1 }, now, 'r')}
    GROUP BY r."jobId"`;
}

interface TicketRecordRow extends Omit<RowTicket, 'psaName'> {
  jobId: number;
  psaType: string;
}

/**
 * The ticket of each row: the job's newest ticket that is still open, or that an unreviewed run of
 * the job is followed up in (a Complete one the operator has yet to see). Failed attempts are left
 * to the opened row, where they can be tried again.
 */
async function loadRowTickets(db: Db, jobIds: readonly number[]): Promise<Map<number, RowTicket>> {
  if (jobIds.length === 0) return new Map();
  const rows = await db.$queryRaw<TicketRecordRow[]>`
    SELECT DISTINCT ON (t."jobId") t."jobId", t.id, t.state, t."ticketId", t."ticketNumber", t.url,
           t."statusLabel", t."statusClosed" AS complete, t."psaType", u.name AS "createdBy"
    FROM "Ticket" t LEFT JOIN "User" u ON u.id = t."createdById"
    WHERE t."jobId" IN (${Prisma.join(jobIds)}) AND t.state <> 'failed'
      AND ((t."resolvedAt" IS NULL AND NOT t."statusClosed")
           OR EXISTS (SELECT 1 FROM "Run" r WHERE r."ticketRecordId" = t.id AND r."reviewedAt" IS NULL))
    ORDER BY t."jobId", t."createdAt" DESC, t.id DESC`;
  return new Map(
    rows.map(({ jobId, psaType, ...t }) => [jobId, { ...t, psaName: psaNameOfTicket({ psaType }) }] as const),
  );
}

export async function loadRunChecks(db: Db, filters: RunChecksFilters, now = new Date()): Promise<RunChecksPage> {
  const [result, customerOptions] = await Promise.all([
    rowsQuery(db, filters, now),
    db.customer.findMany({ where: { active: true }, select: { id: true, name: true }, orderBy: { nameKey: 'asc' } }),
  ]);
  const { unreviewedTotal, rowTotal, pages } = result[0]!;
  const page = Math.min(filters.page, pages);
  const records = result.filter((row): row is RowRecord & { jobId: number } => row.jobId !== null);
  const jobIds = records.map((r) => r.jobId);
  const openIds = (filters.open ?? []).filter((id) => jobIds.includes(id)).slice(0, maxOpenRows);
  const [tickets, open] = await Promise.all([loadRowTickets(db, jobIds), loadOpenRows(db, filters, now, openIds)]);
  const rows = records.map((r): JobRow => {
    const counts = { error: r.errors, missed: r.missed, warning: r.warnings, success: r.successes };
    return {
      jobId: r.jobId,
      jobName: r.jobName,
      backupSoftware: r.backupSoftware,
      backupType: r.backupType,
      customerId: r.customerId,
      customerName: r.customerName,
      worstStatus: statusOfRank[r.severity] ?? 'success',
      counts,
      unreviewedCount: counts.error + counts.missed + counts.warning + counts.success,
      maxUnreviewedRunId: r.maxUnreviewedId,
      lastRunAt: r.lastRunAt,
      ticket: tickets.get(r.jobId) ?? null,
    };
  });
  return { rows, page, pages, rowTotal, unreviewedTotal, customerOptions, open };
}
