import type { Db } from '../db/database.ts';
import { JOB_LABELS, type JobName } from './background-jobs.ts';
import { QUEUE_SCHEMA } from './queue.ts';
import type { QueueStats } from '../metrics/jobs.ts';

/**
 * The state of each background job as Diagnostics and /metrics show it, read from pg-boss's job
 * table (completed runs stay there about half a day before pg-boss archives them). The same
 * answer from every instance, since it is the shared table. A database where the queue never
 * started (no pg-boss schema yet) reports every job as never run.
 */

export interface JobFailure {
  readonly at: Date;
  /** The error the attempt threw (its message only: a stack is for the log). */
  readonly message: string;
  /** Attempts that failed so far. */
  readonly attempts: number;
  /** `retry`: another attempt is planned; `failed`: the retries are used up. */
  readonly state: 'retry' | 'failed';
}

export interface JobReport {
  readonly name: JobName;
  readonly label: string;
  readonly queued: number;
  readonly active: number;
  readonly retrying: number;
  /** Runs whose retries were used up, among those still in the job table. */
  readonly failed: number;
  readonly lastCompletedAt: Date | null;
  /** The newest attempt that failed and is not yet followed by a success, if any. */
  readonly lastFailure: JobFailure | null;
}

interface CountRow {
  name: string;
  queued: number;
  active: number;
  retrying: number;
  failed: number;
  last_completed: Date | null;
}

interface FailureRow {
  name: string;
  state: 'retry' | 'failed';
  at: Date;
  attempts: number;
  message: string | null;
}

const jobNames = Object.keys(JOB_LABELS) as JobName[];

export async function jobReport(db: Db): Promise<JobReport[]> {
  const [exists] = await db.$queryRawUnsafe<Array<{ ok: boolean }>>(
    `SELECT to_regclass('${QUEUE_SCHEMA}.job') IS NOT NULL AS ok`,
  );
  const [counts, failures] = exists?.ok
    ? await Promise.all([readCounts(db), readFailures(db)])
    : [[] as CountRow[], [] as FailureRow[]];
  return jobNames.map((name) => {
    const c = counts.find((row) => row.name === name);
    const f = failures.find((row) => row.name === name);
    const lastCompletedAt = c?.last_completed ?? null;
    // A failure older than the last success is history, not a problem now.
    const current = f && (!lastCompletedAt || f.at > lastCompletedAt) ? f : null;
    return {
      name,
      label: JOB_LABELS[name],
      queued: c?.queued ?? 0,
      active: c?.active ?? 0,
      retrying: c?.retrying ?? 0,
      failed: c?.failed ?? 0,
      lastCompletedAt,
      lastFailure: current
        ? { at: current.at, message: current.message ?? 'no message', attempts: current.attempts, state: current.state }
        : null,
    };
  });
}

/** The counts /metrics shows per queue (src/metrics/jobs.ts). */
export async function queueStats(db: Db): Promise<QueueStats[]> {
  return (await jobReport(db)).map((r) => ({
    queue: r.name,
    queued: r.queued,
    active: r.active,
    failed: r.failed,
    retrying: r.retrying,
  }));
}

function readCounts(db: Db): Promise<CountRow[]> {
  return db.$queryRawUnsafe<CountRow[]>(
    `SELECT name,
       count(*) FILTER (WHERE state = 'created')::int AS queued,
       count(*) FILTER (WHERE state = 'active')::int AS active,
       count(*) FILTER (WHERE state = 'retry')::int AS retrying,
       count(*) FILTER (WHERE state = 'failed')::int AS failed,
       max(completed_on) FILTER (WHERE state = 'completed') AS last_completed
     FROM ${QUEUE_SCHEMA}.job WHERE name = ANY($1::text[]) GROUP BY name`,
    jobNames,
  );
}

/** The newest failed attempt per job; a retried attempt's error stays on its row until it succeeds. */
function readFailures(db: Db): Promise<FailureRow[]> {
  return db.$queryRawUnsafe<FailureRow[]>(
    `SELECT DISTINCT ON (name) name, state::text AS state,
       COALESCE(completed_on, started_on, created_on) AS at,
       -- retry_count counts the retries started, so the failed attempts are one more.
       (retry_count + 1)::int AS attempts,
       COALESCE(output->>'message', output->'value'->>'message') AS message
     FROM ${QUEUE_SCHEMA}.job
     WHERE name = ANY($1::text[]) AND state IN ('retry', 'failed')
     ORDER BY name, COALESCE(completed_on, started_on, created_on) DESC`,
    jobNames,
  );
}
