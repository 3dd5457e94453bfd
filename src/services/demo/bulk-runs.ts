import type { Prisma, RunStatus } from '../../db/database.ts';

/**
 * Demo and benchmark runs written with set-based SQL. Prisma's createMany spends seconds in the
 * client building statements with tens of thousands of bind parameters; here every chunk of runs
 * travels as one JSON parameter and one statement stores the runs and their objects together. The
 * triggers of migration 20261202104735_compact_review_missed_runs fill "searchText" as for any
 * other writer: the run's remark on INSERT, its objects by the statement-level trigger on RunObject.
 */

type Writer = Prisma.TransactionClient;

export interface BulkRun {
  readonly jobId: number;
  readonly runAt: Date;
  readonly status: RunStatus;
  readonly remark: string | null;
  readonly createdAt: Date;
  readonly reviewedAt: Date | null;
  readonly reviewedById: number | null;
  readonly objects: ReadonlyArray<{
    readonly name: string;
    readonly type: string | null;
    readonly status: RunStatus;
    readonly message: string | null;
  }>;
}

/** Runs per statement: a few MB of JSON, and a RunObject trigger pass of a bounded size. */
const runsPerStatement = 5_000;

/**
 * Ids are taken from the sequence first, so the objects of each run are tied to it by its id
 * rather than by matching the inserted rows back to the input. The objects are read from the
 * runs' RETURNING, so each run is in (and its INSERT trigger has set "searchText" from its remark)
 * before its objects; an unread data-modifying CTE would only run after the main INSERT, and the
 * run's trigger would then find its objects and the objects' trigger add them a second time.
 */
const insertRunsSql = `
WITH data AS MATERIALIZED (
  SELECT nextval(pg_get_serial_sequence('"Run"', 'id'))::int AS id, x.*
  FROM jsonb_to_recordset($1::jsonb) AS x(
    "jobId" int, "runAt" timestamp(3), status text, remark text, "createdAt" timestamp(3),
    "reviewedAt" timestamp(3), "reviewedById" int, objects jsonb)
),
runs AS (
  INSERT INTO "Run" (id, "jobId", "runAt", status, remark, "createdAt", "reviewedAt", "reviewedById")
  SELECT id, "jobId", "runAt", status::"RunStatus", remark, "createdAt", "reviewedAt", "reviewedById" FROM data
  RETURNING id
)
INSERT INTO "RunObject" ("runId", position, name, type, status, message)
SELECT d.id, (o.n - 1)::int, o.value->>'name', o.value->>'type', (o.value->>'status')::"RunStatus", o.value->>'message'
FROM runs r JOIN data d ON d.id = r.id
CROSS JOIN LATERAL jsonb_array_elements(d.objects) WITH ORDINALITY AS o(value, n)`;

/** Inserts runs with their objects; returns the number of objects written. */
export async function insertRunsWithObjects(db: Writer, runs: readonly BulkRun[]): Promise<number> {
  let objects = 0;
  for (let i = 0; i < runs.length; i += runsPerStatement) {
    // Dates become ISO text in UTC; the timestamp columns hold UTC without a zone, as Prisma writes them.
    const chunk = JSON.stringify(runs.slice(i, i + runsPerStatement));
    objects += await db.$executeRawUnsafe(insertRunsSql, chunk);
  }
  return objects;
}
