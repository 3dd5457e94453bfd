import { Prisma, type Db, type RunStatus } from '../../db/database.ts';
import { loadTicketCellData, noTicketCellData, type TicketCellData } from '../tickets/cell-data.ts';
import { runCondition, severityOf, type RunChecksFilters } from './run-checks-filters.ts';

/**
 * The runs of the opened rows of Run Checks, each with its failed objects and its ticket cell. A
 * fixed number of statements for any number of opened rows: the run ids (capped per job with a
 * window function), then runs, objects, customers, newest successes and ticket cells, each in one
 * query with `IN (…)`.
 */

/** A job unreviewed for weeks (hourly runs) must not turn an opened row into thousands of runs. */
export const runsPerJob = 25;
/** The run page shows all objects; an opened row shows the failed ones, worst first, up to this many. */
export const objectsPerRun = 50;

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

export interface LastSuccess {
  readonly id: number;
  readonly runAt: Date;
}

export interface RunChecksJob {
  readonly id: number;
  readonly customerId: number;
  readonly name: string;
  readonly backupSoftware: string;
  readonly backupType: string;
  /** The job's newest successful run, whatever the filters: "the next run of this job succeeded". */
  readonly lastSuccess: LastSuccess | null;
}

/**
 * One run as an opened row (and `views/tickets/run-ticket.ejs`) sees it: the row with its ticket
 * and reviewer, its failed objects, and its job and customer (with the Autotask mapping).
 */
export type RunChecksRun = Prisma.RunGetPayload<{ include: typeof runInclude }> & {
  readonly objects: RunObjectRow[];
  /** All objects of the run, failed or not. */
  readonly objectCount: number;
  readonly job: RunChecksJob;
  readonly customer: RunChecksCustomer;
};

export interface OpenRow {
  /** Runs of the job that match the filters; `runs` holds at most `runsPerJob` of them. */
  readonly matchingCount: number;
  readonly runs: RunChecksRun[];
}

export interface OpenRows {
  /** By job id. */
  readonly rows: ReadonlyMap<number, OpenRow>;
  /** For the ticket cells of the shown runs: who did what, "run added" notes, each job's open ticket. */
  readonly ticketCells: TicketCellData;
}

const noOpenRows: OpenRows = { rows: new Map(), ticketCells: noTicketCellData };

interface RankedId {
  id: number;
  jobId: number;
  matching: number;
}

interface JobRecord {
  id: number;
  customerId: number;
  name: string;
  backupSoftware: string;
  backupType: string;
  lastSuccessId: number | null;
  lastSuccessAt: Date | null;
}

export async function loadOpenRows(
  db: Db,
  f: RunChecksFilters,
  now: Date,
  jobIds: readonly number[],
): Promise<OpenRows> {
  if (jobIds.length === 0) return noOpenRows;
  const ranked = await db.$queryRaw<RankedId[]>`
    SELECT id, "jobId", matching FROM (
      SELECT r.id, r."jobId", count(*) OVER (PARTITION BY r."jobId")::int AS matching,
             row_number() OVER (
               PARTITION BY r."jobId" ORDER BY ${severityOf(Prisma.sql`r.status`)} DESC, r."runAt" DESC, r.id DESC) AS rn
      FROM "Run" r
      WHERE r."jobId" IN (${Prisma.join(jobIds)}) AND ${runCondition(f, now, 'r')}
    ) ranked
    WHERE rn <= ${runsPerJob}
    ORDER BY "jobId", rn`;
  const runIds = ranked.map((r) => r.id);
  const [runs, objects, jobs, ticketCells] = await Promise.all([
    db.run.findMany({ where: { id: { in: runIds } }, include: runInclude }),
    loadObjects(db, runIds, { failedOnly: true, limit: objectsPerRun }),
    loadJobs(db, jobIds),
    loadTicketCellData(db, { runIds, jobIds }),
  ]);
  const customers = await db.customer.findMany({
    where: { id: { in: [...new Set(jobs.map((j) => j.customerId))] } },
    include: customerInclude,
  });

  const customerById = new Map(customers.map((c) => [c.id, c]));
  const jobById = new Map(jobs.map((j) => [j.id, j]));
  const runById = new Map(runs.map((r) => [r.id, r]));
  const rows = new Map<number, { matchingCount: number; runs: RunChecksRun[] }>();
  for (const { id, jobId, matching } of ranked) {
    const run = runById.get(id);
    const job = jobById.get(jobId);
    if (!run || !job) continue; // deleted between the queries
    let row = rows.get(jobId);
    if (!row) rows.set(jobId, (row = { matchingCount: matching, runs: [] }));
    row.runs.push({
      ...run,
      objects: objects.rows.get(id) ?? [],
      objectCount: objects.counts.get(id) ?? 0,
      job,
      customer: customerById.get(job.customerId)!,
    });
  }
  return { rows, ticketCells };
}

/** The opened jobs with their newest successful run (an index probe on jobId, runAt per job). */
async function loadJobs(db: Db, jobIds: readonly number[]): Promise<RunChecksJob[]> {
  const records = await db.$queryRaw<JobRecord[]>`
    SELECT j.id, j."customerId", j.name, j."backupSoftware", j."backupType",
           s.id AS "lastSuccessId", s."runAt" AS "lastSuccessAt"
    FROM "Job" j
    LEFT JOIN LATERAL (
      SELECT s.id, s."runAt" FROM "Run" s WHERE s."jobId" = j.id AND s.status = 'success'
      ORDER BY s."runAt" DESC, s.id DESC LIMIT 1
    ) s ON true
    WHERE j.id IN (${Prisma.join(jobIds)})`;
  return records.map(({ lastSuccessId, lastSuccessAt, ...job }) => ({
    ...job,
    lastSuccess: lastSuccessId !== null && lastSuccessAt !== null ? { id: lastSuccessId, runAt: lastSuccessAt } : null,
  }));
}

/**
 * Objects of several runs in one query, errors and warnings first, at most `limit` per run (null:
 * all); `failedOnly` leaves out the successful ones. `counts` holds every object of each run.
 */
export async function loadObjects(
  db: Db,
  runIds: readonly number[],
  options: { readonly failedOnly?: boolean; readonly limit: number | null },
) {
  const rows = new Map<number, RunObjectRow[]>();
  const counts = new Map<number, number>();
  if (runIds.length === 0) return { rows, counts };
  const shown = Prisma.sql`${options.limit === null ? Prisma.sql`true` : Prisma.sql`rn <= ${options.limit}`}
    ${options.failedOnly ? Prisma.sql`AND status <> 'success'` : Prisma.empty}`;
  const records = await db.$queryRaw<Array<RunObjectRow & { total: number; shown: boolean }>>`
    SELECT id, "runId", position, name, type, status::text AS status, message, total, ${shown} AS shown FROM (
      SELECT o.*, row_number() OVER (PARTITION BY o."runId" ORDER BY ${severityOf(Prisma.sql`o.status`)} DESC, o.position) AS rn,
             count(*) OVER (PARTITION BY o."runId")::int AS total
      FROM "RunObject" o WHERE o."runId" IN (${Prisma.join(runIds)})
    ) ranked
    WHERE rn = 1 OR (${shown})
    ORDER BY "runId", rn`;
  for (const { total, shown: isShown, ...o } of records) {
    counts.set(o.runId, total);
    if (!isShown) continue;
    const list = rows.get(o.runId);
    if (list) list.push(o);
    else rows.set(o.runId, [o]);
  }
  return { rows, counts };
}
