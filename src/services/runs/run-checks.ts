import { Prisma, type Db, type RunStatus } from '../../db/database.ts';
import { COMPLETE_STATUS } from '../tickets/resolve/rules.ts';
import { loadTicketCellData, noTicketCellData, type TicketCellData } from '../tickets/cell-data.ts';

/**
 * The Run Checks page query. Pages are cut at job boundaries (customer → job), so a job's runs are
 * never split over two pages and "mark job as reviewed" acts on what the operator sees. A page holds
 * about `runsPerPage` runs rather than a fixed number of jobs: a backlog of many runs per job must
 * not make a page ten times heavier. The number of SQL queries is the same for any data size: one
 * grouped query (page of jobs, totals, page count), one for the run ids (capped per job with a
 * window function), then runs, objects (capped per run) and customers, each in one query with
 * `IN (…)`. Nothing is loaded per row.
 */

/** A page ends at the first job boundary at or after this many runs. */
export const runsPerPage = 50;
/** A job unreviewed for weeks (hourly runs) must not turn the page into thousands of rows. */
export const runsPerJob = 25;
/** The run detail page shows all objects; Run Checks shows the worst ones first, up to this many. */
export const objectsPerRun = 50;
/** "Include reviewed" adds reviewed runs of this many recent days (unreviewed ones are always shown). */
export const reviewedWindowDays = 7;

export const statuses = ['error', 'warning', 'success'] as const satisfies readonly RunStatus[];

/**
 * The ticket filter. Every run is in exactly one: `none` has no Autotask ticket (never asked for,
 * or its creation failed), `open` has one being created or not Complete, `complete` has a
 * Complete one.
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
}

export interface RunObjectRow {
  readonly id: number;
  readonly runId: number;
  readonly position: number;
  readonly name: string;
  readonly type: string | null;
  readonly status: RunStatus;
  readonly message: string | null;
}

const customerInclude = { mapping: true } as const;
const runInclude = { ticket: true, reviewedBy: { select: { id: true, name: true, email: true } } } as const;

export type RunChecksCustomer = Prisma.CustomerGetPayload<{ include: typeof customerInclude }>;

export interface RunChecksJob {
  readonly id: number;
  readonly customerId: number;
  readonly name: string;
  readonly backupSoftware: string;
  readonly backupType: string;
  /** The job's newest successful run, whatever the filters: "the next run of this job succeeded". */
  readonly lastSuccess: LastSuccess | null;
}

export interface LastSuccess {
  readonly id: number;
  readonly runAt: Date;
}

/**
 * One run as the page (and `views/tickets/run-ticket.ejs`) sees it: the row with its ticket and
 * reviewer, its worst objects, and references to its job and customer (with the Autotask mapping).
 */
export type RunChecksRun = Prisma.RunGetPayload<{ include: typeof runInclude }> & {
  readonly objects: RunObjectRow[];
  readonly objectCount: number;
  readonly job: RunChecksJob;
  readonly customer: RunChecksCustomer;
};

export interface JobGroup {
  readonly job: RunChecksJob;
  readonly worstStatus: RunStatus;
  /** Runs of this job that match the filters; `runs` holds at most `runsPerJob` of them. */
  readonly matchingCount: number;
  /** All unreviewed runs of the job, whatever the filters: what "mark job as reviewed" acts on. */
  readonly unreviewedCount: number;
  /** The newest unreviewed run when the page was built; runs that arrive later stay unreviewed. */
  readonly maxUnreviewedRunId: number | null;
  readonly runs: RunChecksRun[];
}

export interface CustomerGroup {
  readonly customer: RunChecksCustomer;
  readonly worstStatus: RunStatus;
  readonly jobs: JobGroup[];
}

export interface RunChecksPage {
  readonly groups: CustomerGroup[];
  readonly page: number;
  readonly pages: number;
  readonly jobTotal: number;
  readonly runTotal: number;
  /** Unreviewed runs of active customers, ignoring filters: the number the team works down to zero. */
  readonly unreviewedTotal: number;
  readonly customerOptions: Array<{ id: number; name: string }>;
  /** For the ticket cells: who did what, "run added" notes, the open ticket of each shown job. */
  readonly ticketCells: TicketCellData;
}

const severityStatus: Record<number, RunStatus> = { 3: 'error', 2: 'warning', 1: 'success' };
const severityOf = (column: Prisma.Sql) =>
  Prisma.sql`(CASE ${column} WHEN 'error' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END)`;

/** Search text is matched literally: % and _ typed by the operator are not wildcards. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** `alias."column"`, for conditions written once and used on several aliases of "Run". */
const col = (alias: string, column: string) => Prisma.raw(`${alias}."${column}"`);

/**
 * Runs in view without the search: unreviewed ones (plus recent reviewed ones on request), of the
 * status and ticket state asked for.
 */
function viewCondition(f: RunChecksFilters, now: Date, alias: string): Prisma.Sql {
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
        OR (t.state = 'created' AND t."statusId" IS DISTINCT FROM ${COMPLETE_STATUS})))`;
    case 'complete':
      return Prisma.sql`EXISTS (${ticketOf} AND t.state = 'created' AND t."statusId" = ${COMPLETE_STATUS})`;
  }
}

/**
 * Below this many runs in view, the object search looks up each run's objects by index; above
 * it, one pass over the objects is cheaper. ILIKE '%…%' cannot use an index and the planner
 * cannot estimate it, so the app decides from a cheap count (measured on the 20,000-run set:
 * 1,100 runs by index 8 ms against 90 ms for the pass; 20,000 runs 140 ms against 70 ms).
 */
export const perRunObjectSearchLimit = 5000;

/**
 * The runs a page shows, as a condition on the "Run" row `r`: those in view that match the
 * search. Customer conditions (active, the customer filter) apply to the grouped jobs instead.
 *
 * The search is a top-level `r.id IN (… UNION ALL …)`, which PostgreSQL runs as a semi-join; each
 * branch repeats the cheap run conditions so that only runs in view are searched.
 */
function runCondition(f: RunChecksFilters, now: Date, objectsPerRun: boolean): Prisma.Sql {
  const inView = (a: string) => viewCondition(f, now, a);
  if (!f.search) return inView('r');
  const p = likePattern(f.search);
  const objectMatches = objectsPerRun
    ? Prisma.sql`SELECT r3.id FROM "Run" r3
        CROSS JOIN LATERAL (SELECT 1 FROM "RunObject" o
                            WHERE o."runId" = r3.id AND (o.name ILIKE ${p} OR o.message ILIKE ${p}) LIMIT 1) hit
        WHERE ${inView('r3')}`
    : Prisma.sql`SELECT o."runId" FROM "RunObject" o JOIN "Run" r3 ON r3.id = o."runId"
        WHERE ${inView('r3')} AND (o.name ILIKE ${p} OR o.message ILIKE ${p})`;
  return Prisma.sql`${inView('r')} AND r.id IN (
      SELECT r2.id FROM "Run" r2
      WHERE ${inView('r2')}
        AND (r2.remark ILIKE ${p}
             OR r2."jobId" IN (SELECT j2.id FROM "Job" j2 JOIN "Customer" c2 ON c2.id = j2."customerId"
                               WHERE j2.name ILIKE ${p} OR c2.name ILIKE ${p}))
      UNION ALL
      ${objectMatches})`;
}

/** For a search: whether few enough runs are in view to look their objects up one run at a time. */
async function searchObjectsPerRun(db: Db, f: RunChecksFilters, now: Date, limit: number): Promise<boolean> {
  if (!f.search) return false;
  const [row] = await db.$queryRaw<Array<{ n: number }>>`
    SELECT count(*)::int AS n FROM "Run" r WHERE ${viewCondition(f, now, 'r')}`;
  return (row?.n ?? 0) <= limit;
}

interface GroupRow {
  unreviewedTotal: number;
  jobTotal: number;
  runTotal: number;
  pages: number;
  /** The rest is null when nothing matches (the totals row comes alone). */
  jobId: number | null;
  customerId: number;
  matching: number;
  severity: number;
  customerSeverity: number;
  jobName: string;
  backupSoftware: string;
  backupType: string;
  unreviewed: number;
  maxUnreviewedId: number | null;
  lastSuccessId: number | null;
  lastSuccessAt: Date | null;
}

/**
 * The page of jobs and the totals in one statement. Unreviewed counts are taken apart from the
 * filters, because "mark job as reviewed" and the headline count cover all unreviewed runs. The
 * customer's worst status orders the customers, the job's own worst status its jobs; each job gets
 * the page it lands on, and a page past the end gives the last one. Each job of the page also gets
 * its newest successful run (an index probe on jobId, runAt per job), for the ticket cell's "the
 * next run of this job succeeded".
 */
function groupQuery(db: Db, f: RunChecksFilters, now: Date, objectsPerRun: boolean) {
  const where = runCondition(f, now, objectsPerRun);
  const shown = Prisma.sql`least(m.matching, ${runsPerJob})`;
  return db.$queryRaw<GroupRow[]>`
    WITH per_job AS (
      SELECT r."jobId", count(*)::int AS matching, max(${severityOf(Prisma.sql`r.status`)})::int AS severity
      FROM "Run" r WHERE ${where}
      GROUP BY r."jobId"
    ), matched AS (
      SELECT p.*, j."customerId", j.name AS "jobName", j."backupSoftware", j."backupType", c."nameKey",
             max(p.severity) OVER (PARTITION BY j."customerId")::int AS "customerSeverity"
      FROM per_job p JOIN "Job" j ON j.id = p."jobId" JOIN "Customer" c ON c.id = j."customerId"
      WHERE c.active ${f.customerId ? Prisma.sql`AND j."customerId" = ${f.customerId}` : Prisma.empty}
    ), ordered AS (
      SELECT m.*, row_number() OVER w AS ord,
             ((sum(${shown}) OVER w - ${shown}) / ${runsPerPage} + 1)::int AS "pageNo"
      FROM matched m
      WINDOW w AS (ORDER BY m."customerSeverity" DESC, m."nameKey", m."customerId", m.severity DESC, m."jobName", m."jobId"
                   ROWS UNBOUNDED PRECEDING)
    ), unreviewed AS (
      SELECT r."jobId", count(*)::int AS n, max(r.id) AS "maxId"
      FROM "Run" r WHERE r."reviewedAt" IS NULL GROUP BY r."jobId"
    ), totals AS (
      SELECT (SELECT coalesce(sum(u.n), 0) FROM unreviewed u
                JOIN "Job" j ON j.id = u."jobId" JOIN "Customer" c ON c.id = j."customerId" WHERE c.active)::int
               AS "unreviewedTotal",
             count(*)::int AS "jobTotal", coalesce(sum(matching), 0)::int AS "runTotal",
             coalesce(max("pageNo"), 1)::int AS pages
      FROM ordered
    )
    SELECT t."unreviewedTotal", t."jobTotal", t."runTotal", t.pages,
           o."jobId", o."customerId", o.matching, o.severity, o."customerSeverity", o."jobName", o."backupSoftware",
           o."backupType", coalesce(u.n, 0) AS unreviewed, u."maxId" AS "maxUnreviewedId",
           s.id AS "lastSuccessId", s."runAt" AS "lastSuccessAt"
    FROM totals t
    LEFT JOIN ordered o ON o."pageNo" = least(${f.page}, t.pages)
    LEFT JOIN unreviewed u ON u."jobId" = o."jobId"
    LEFT JOIN LATERAL (
      SELECT s.id, s."runAt" FROM "Run" s WHERE s."jobId" = o."jobId" AND s.status = 'success'
      ORDER BY s."runAt" DESC, s.id DESC LIMIT 1
    ) s ON true
    ORDER BY o.ord`;
}

export async function loadRunChecks(
  db: Db,
  filters: RunChecksFilters,
  now = new Date(),
  /** Tests set it to 0 to run the one-pass object search on a small data set. */
  objectSearchLimit = perRunObjectSearchLimit,
): Promise<RunChecksPage> {
  const loadGroups = async () => {
    const perRun = await searchObjectsPerRun(db, filters, now, objectSearchLimit);
    return { perRun, result: await groupQuery(db, filters, now, perRun) };
  };
  const [{ perRun, result }, customerOptions] = await Promise.all([
    loadGroups(),
    db.customer.findMany({ where: { active: true }, select: { id: true, name: true }, orderBy: { nameKey: 'asc' } }),
  ]);
  const totals = result[0]!;
  const { unreviewedTotal, jobTotal, runTotal, pages } = totals;
  const page = Math.min(filters.page, pages);
  const rows = result.filter((row): row is GroupRow & { jobId: number } => row.jobId !== null);
  if (rows.length === 0) {
    const ticketCells = noTicketCellData;
    return { groups: [], page, pages, jobTotal, runTotal, unreviewedTotal, customerOptions, ticketCells };
  }

  const where = runCondition(filters, now, perRun);
  const jobIds = rows.map((row) => row.jobId);
  const idRows = await db.$queryRaw<Array<{ id: number }>>`
    SELECT id FROM (
      SELECT r.id, r."jobId", row_number() OVER (
               PARTITION BY r."jobId" ORDER BY ${severityOf(Prisma.sql`r.status`)} DESC, r."runAt" DESC, r.id DESC) AS rn
      FROM "Run" r
      WHERE r."jobId" IN (${Prisma.join(jobIds)}) AND ${where}
    ) ranked
    WHERE rn <= ${runsPerJob}
    ORDER BY "jobId", rn`;
  const runIds = idRows.map((row) => row.id);
  const customerIds = [...new Set(rows.map((row) => row.customerId))];

  const [runs, objects, customers, ticketCells] = await Promise.all([
    db.run.findMany({ where: { id: { in: runIds } }, include: runInclude }),
    loadObjects(db, runIds, objectsPerRun),
    db.customer.findMany({ where: { id: { in: customerIds } }, include: customerInclude }),
    loadTicketCellData(db, { runIds, jobIds }),
  ]);

  const customerById = new Map(customers.map((c) => [c.id, c]));
  const runById = new Map(runs.map((r) => [r.id, r]));
  const objectsByRun = groupBy(objects.rows, (o) => o.runId);

  const jobs = new Map<number, JobGroup>();
  const groups: CustomerGroup[] = [];
  for (const row of rows) {
    const customer = customerById.get(row.customerId)!;
    const job: RunChecksJob = {
      id: row.jobId,
      customerId: row.customerId,
      name: row.jobName,
      backupSoftware: row.backupSoftware,
      backupType: row.backupType,
      lastSuccess:
        row.lastSuccessId !== null && row.lastSuccessAt !== null
          ? { id: row.lastSuccessId, runAt: row.lastSuccessAt }
          : null,
    };
    const group: JobGroup = {
      job,
      worstStatus: severityStatus[row.severity] ?? 'success',
      matchingCount: row.matching,
      unreviewedCount: row.unreviewed,
      maxUnreviewedRunId: row.maxUnreviewedId,
      runs: [],
    };
    jobs.set(row.jobId, group);
    // Rows arrive ordered by customer, so a customer's jobs are consecutive.
    let last = groups.at(-1);
    if (!last || last.customer.id !== customer.id) {
      last = { customer, worstStatus: severityStatus[row.customerSeverity] ?? 'success', jobs: [] };
      groups.push(last);
    }
    last.jobs.push(group);
  }
  for (const { id } of idRows) {
    const run = runById.get(id);
    if (!run) continue; // deleted between the two queries
    const group = jobs.get(run.jobId)!;
    group.runs.push({
      ...run,
      objects: objectsByRun.get(id) ?? [],
      objectCount: objects.counts.get(id) ?? 0,
      job: group.job,
      customer: customerById.get(group.job.customerId)!,
    });
  }
  return { groups, page, pages, jobTotal, runTotal, unreviewedTotal, customerOptions, ticketCells };
}

/** Objects of several runs in one query, errors and warnings first, at most `limit` per run (null: all). */
export async function loadObjects(db: Db, runIds: number[], limit: number | null) {
  if (runIds.length === 0) return { rows: [] as RunObjectRow[], counts: new Map<number, number>() };
  const rows = await db.$queryRaw<Array<RunObjectRow & { total: number }>>`
    SELECT id, "runId", position, name, type, status::text AS status, message, total FROM (
      SELECT o.*, row_number() OVER (PARTITION BY o."runId" ORDER BY ${severityOf(Prisma.sql`o.status`)} DESC, o.position) AS rn,
             count(*) OVER (PARTITION BY o."runId")::int AS total
      FROM "RunObject" o WHERE o."runId" IN (${Prisma.join(runIds)})
    ) ranked
    WHERE ${limit === null ? Prisma.sql`true` : Prisma.sql`rn <= ${limit}`}
    ORDER BY "runId", rn`;
  const counts = new Map<number, number>();
  for (const row of rows) counts.set(row.runId, row.total);
  return { rows: rows.map(({ total: _total, ...o }) => o), counts };
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
