import type { Customer, Db } from '../../db/database.ts';
import { nameKeyOf } from '../customers/customers.ts';
import type { RunInput } from './run-input.ts';

/**
 * The token API's hot path in one SQL statement: a sender reporting a run of a job that exists
 * gets it stored, with its objects, in a single round trip (Prisma's look-ups and nested create
 * took nine). What the statement found comes back too, so ingestion.ts takes every other path
 * (a resend, an unknown customer or job, a deactivated customer) from it.
 */

export interface StoreAttempt {
  /** The new run, when it was stored. */
  readonly runId: number | null;
  /** A run or an unmatched report had this externalId already: nothing was stored. */
  readonly stored: boolean;
  /** The run's customer by name, else by alias, as `findCustomerByNameOrAlias` (customers/aliases.ts) finds it. */
  readonly customer: Pick<Customer, 'id' | 'name' | 'active'> | null;
  /** The customer's job of the run's job name, if it exists. */
  readonly jobId: number | null;
}

interface Row {
  runId: number | null;
  stored: boolean;
  customerId: number | null;
  name: string | null;
  active: boolean | null;
  jobId: number | null;
}

/**
 * Stores the run if its customer (active) and job exist and its externalId is new. ON CONFLICT
 * covers a resend racing its first attempt past the look-up: nothing is stored, `runId` is null.
 * The run's row goes in first and its objects are read from its RETURNING, so the "searchText"
 * triggers (migration 20261202104735_compact_review_missed_runs) see them in the order every
 * writer uses. Times travel as UTC text into the zone-less columns, as Prisma's own writes store them.
 */
export async function storeIfKnown(db: Db, input: RunInput): Promise<StoreAttempt> {
  const key = nameKeyOf(input.customer);
  const objects = input.objects.map((o) => ({ name: o.name, type: o.type, status: o.status, message: o.message }));
  const [row] = await db.$queryRaw<Row[]>`
    WITH found AS (
      SELECT EXISTS (SELECT 1 FROM "Run" WHERE "externalId" = ${input.externalId})
               OR EXISTS (SELECT 1 FROM "UnmatchedRun" WHERE "externalId" = ${input.externalId}) AS stored,
             c.id AS "customerId", c.name, c.active, j.id AS "jobId"
      FROM (SELECT 1) AS one
      LEFT JOIN LATERAL (
        SELECT id, name, active FROM (
          SELECT c.id, c.name, c.active, 0 AS rank FROM "Customer" c WHERE c."nameKey" = ${key}
          UNION ALL
          SELECT c.id, c.name, c.active, 1 FROM "CustomerAlias" a JOIN "Customer" c ON c.id = a."customerId"
          WHERE a."aliasKey" = ${key}
        ) matches ORDER BY rank LIMIT 1
      ) c ON true
      LEFT JOIN "Job" j ON j."customerId" = c.id AND j.name = ${input.job.name}
    ), run AS (
      INSERT INTO "Run" ("jobId", "runAt", status, remark, "externalId", "createdAt")
      SELECT found."jobId", ${input.runAt.toISOString()}::timestamp(3), ${input.status}::"RunStatus", ${input.remark},
             ${input.externalId}, ${new Date().toISOString()}::timestamp(3)
      FROM found WHERE found."jobId" IS NOT NULL AND found.active AND NOT found.stored
      ON CONFLICT ("externalId") DO NOTHING
      RETURNING id
    ), objects AS (
      INSERT INTO "RunObject" ("runId", position, name, type, status, message)
      SELECT run.id, (o.n - 1)::int, o.value->>'name', o.value->>'type', (o.value->>'status')::"RunStatus",
             o.value->>'message'
      FROM run CROSS JOIN LATERAL jsonb_array_elements(${JSON.stringify(objects)}::jsonb) WITH ORDINALITY AS o(value, n)
    )
    SELECT run.id AS "runId", found.* FROM found LEFT JOIN run ON true`;
  const r = row!;
  return {
    runId: r.runId,
    stored: r.stored,
    customer: r.customerId === null ? null : { id: r.customerId, name: r.name!, active: r.active! },
    jobId: r.jobId,
  };
}
