import pg from 'pg';
import PgBoss from 'pg-boss';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { embeddedQueueConnection } from './embedded-connection.ts';

/**
 * Background work as jobs on PostgreSQL (pg-boss), so that several app instances share it: a
 * scheduled job is queued once per period whichever instance's clock notices first, and one worker
 * takes it. A job that throws is retried with growing waits; its error is kept on the job row,
 * which Diagnostics reads (`jobReport`). On the embedded database the same queue runs in-process on
 * the one PGlite (embedded-connection.ts). docs/operations.md says how to split web and worker.
 */

export interface BackgroundJob {
  /** The queue's name: lower-case words joined by dashes. */
  readonly name: string;
  /** What Diagnostics calls it. */
  readonly label: string;
  /** When it is due, as cron in UTC (minutes at the finest); queued once per period across instances. */
  readonly cron: string;
  /** Most a run may take before pg-boss counts it failed (a worker that died mid-run) and retries it. */
  readonly expireInSeconds: number;
  /** One run. Throwing fails the attempt: it is retried with backoff and shown in Diagnostics. */
  run(): Promise<unknown>;
}

export interface JobQueueOptions {
  readonly database: Database;
  readonly jobs: readonly BackgroundJob[];
  readonly logger: Logger;
  /** `work`: schedule, run and supervise jobs; `serve` only reads the queue's state (a web-only process). */
  readonly mode: 'work' | 'serve';
  /** How often a worker looks for jobs and whether a schedule is due. */
  readonly pollSeconds: number;
  /** Attempts after the first, and the first wait; each retry waits about twice as long. */
  readonly retry?: { readonly limit: number; readonly delaySeconds: number } | undefined;
  /** Called with the job's name each time an attempt fails (metrics). */
  readonly onFailure?: ((name: string) => void) | undefined;
}

export interface JobQueue {
  start(): Promise<void>;
  /** Lets running jobs finish (up to `graceSeconds`), then stops polling. */
  stop(graceSeconds?: number): Promise<void>;
  /** Queues one run of a job now, outside its schedule; null when one is queued already. */
  runNow(name: string): Promise<string | null>;
  /** A queued run's state (`created`, `active`, `retry`, `completed`, `failed`), null once archived. */
  stateOf(name: string, id: string): Promise<string | null>;
}

/** The pg-boss schema: its tables live beside the app's, never in them. */
export const QUEUE_SCHEMA = 'pgboss';
const DEFAULT_RETRY = { limit: 4, delaySeconds: 30 };
/** Advisory-lock key under which instances set up the queue one at a time ("bcjobs" in ASCII). */
const SETUP_LOCK_KEY = 0x62636a6f6273;

function connectionOf(database: Database): PgBoss.ConstructorOptions {
  if (database.kind === 'pglite' && database.lite) return { db: embeddedQueueConnection(database.lite) };
  if (database.url) return { connectionString: database.url, max: 3, application_name: 'backupchecks-jobs' };
  throw new Error('The job queue needs a PostgreSQL URL or the embedded database');
}

export function createJobQueue(options: JobQueueOptions): JobQueue {
  const { logger, jobs } = options;
  const working = options.mode === 'work';
  const retry = options.retry ?? DEFAULT_RETRY;
  const boss = new PgBoss({
    ...connectionOf(options.database),
    schema: QUEUE_SCHEMA,
    // Only workers keep schedules and clean up; a web-only process reads state and queues on demand.
    schedule: working,
    supervise: working,
    cronMonitorIntervalSeconds: options.pollSeconds,
    cronWorkerIntervalSeconds: options.pollSeconds,
  });
  // pg-boss reports its own failures (a lost connection while polling) here; it keeps polling.
  boss.on('error', (err) => logger.error({ err }, 'job queue error'));

  const byName = new Map(jobs.map((job) => [job.name, job]));

  const handle = (job: BackgroundJob) => async () => {
    const started = Date.now();
    try {
      const result = await job.run();
      logger.debug({ job: job.name, ms: Date.now() - started }, 'background job done');
      return result ?? null;
    } catch (err) {
      options.onFailure?.(job.name);
      logger.error({ err, job: job.name }, 'background job failed; it will be retried');
      throw err;
    }
  };

  /** Installs pg-boss's schema, creates the queues and (when working) sets their schedules. */
  const setUp = async () => {
    await boss.start();
    for (const job of jobs) {
      // "stately": at most one run waiting and one running, so a slow run never piles up copies.
      await boss.createQueue(job.name, {
        name: job.name,
        policy: 'stately',
        retryLimit: retry.limit,
        retryDelay: retry.delaySeconds,
        retryBackoff: true,
        expireInSeconds: job.expireInSeconds,
      });
      if (working) await boss.schedule(job.name, job.cron, {}, { tz: 'UTC' });
    }
  };

  return {
    async start() {
      await oneInstanceAtATime(options.database, () => setUp());
      if (!working) return;
      for (const job of jobs) {
        await boss.work(job.name, { pollingIntervalSeconds: options.pollSeconds, batchSize: 1 }, handle(job));
      }
    },
    async stop(graceSeconds = 30) {
      await boss.stop({ graceful: true, wait: true, timeout: graceSeconds * 1000 });
    },
    async runNow(name) {
      if (!byName.has(name)) throw new Error(`No background job named ${name}`);
      return boss.send(name, {});
    },
    async stateOf(name, id) {
      return (await boss.getJobById(name, id))?.state ?? null;
    },
  };
}

/**
 * pg-boss creates a table partition per queue; two instances creating queues at the same moment
 * can deadlock in PostgreSQL. Instances that start together therefore take turns, holding a
 * session advisory lock on a connection of their own meanwhile. The embedded database has one
 * process: nothing to wait for.
 */
async function oneInstanceAtATime(database: Database, task: () => Promise<void>): Promise<void> {
  if (!database.url) return task();
  const client = new pg.Client({ connectionString: database.url, application_name: 'backupchecks-jobs-setup' });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [SETUP_LOCK_KEY]);
    await task();
  } finally {
    // Ending the connection releases the lock, also when the unlock itself fails.
    await client.end();
  }
}
