import type { Db } from '../../db/database.ts';
import { nameKeyOf } from '../customers/customers.ts';
import type { JobTemplate } from './catalog.ts';
import { insertRunsWithObjects } from './bulk-runs.ts';
import {
  bulkRunOf,
  createRandom,
  demoSeed,
  largeDataDefaults,
  planLargeData,
  planRun,
  writePlan,
  type LargeDataOptions,
  type PlannedCustomer,
  type PlannedRun,
} from './seed-demo-data.ts';

/**
 * The large benchmark set (`npm run seed:large`, `npm run bench`): the customers, jobs and
 * unreviewed runs of `planLargeData`, and behind them a history of reviewed runs, one a day per
 * job, as an MSP that has used the app for a few months has. The history is planned job by job
 * while it is written, so its 200,000 runs never sit in memory at once.
 */

const hour = 3600 * 1000;
const day = 24 * hour;
export const largeDataSeed = demoSeed + 1;
/** Jobs whose history one statement writes: 5,000 runs with the defaults. */
const jobsPerStatement = 50;

/**
 * `count` reviewed runs of a job, one a day on the days before the day of `before` (its oldest run),
 * oldest first. Statuses and messages as for any planned run: mostly success, a failing job's
 * breakage being recent (so not in its history).
 */
export function planJobHistory(
  template: JobTemplate,
  options: { before: Date; count: number; seed: number },
): PlannedRun[] {
  const rnd = createRandom(options.seed);
  const firstDay = Date.UTC(options.before.getUTCFullYear(), options.before.getUTCMonth(), options.before.getUTCDate());
  const runs: PlannedRun[] = [];
  for (let d = options.count; d >= 1; d -= 1) {
    const runAt = new Date(firstDay - d * day + template.hour * hour + rnd.int(0, 40) * 60_000);
    runs.push({ ...planRun(template, runAt, false, rnd), reviewed: true });
  }
  return runs;
}

/**
 * Writes the history of the plan's jobs, which must be in the database: `runsPerJob` reviewed runs
 * before each job's oldest run (so also behind a large set seeded on an earlier day).
 */
export async function seedLargeHistory(
  db: Db,
  plan: readonly PlannedCustomer[],
  options: { seed: number; now: Date; runsPerJob: number },
) {
  const stored = await db.job.findMany({
    where: { customer: { nameKey: { in: plan.map((c) => nameKeyOf(c.name)) } } },
    select: { id: true, name: true, customer: { select: { nameKey: true } } },
  });
  const jobId = new Map(stored.map((j) => [`${j.customer.nameKey}|${j.name}`, j.id]));
  const oldest = await db.run.groupBy({
    by: ['jobId'],
    where: { jobId: { in: stored.map((j) => j.id) } },
    _min: { runAt: true },
  });
  const oldestRun = new Map(oldest.map((r) => [r.jobId, r._min.runAt]));

  const jobs = plan.flatMap((c) =>
    c.jobs.map((j) => ({ template: j.template, id: jobId.get(`${nameKeyOf(c.name)}|${j.name}`)! })),
  );
  let runs = 0;
  let objects = 0;
  for (let i = 0; i < jobs.length; i += jobsPerStatement) {
    const batch = jobs.slice(i, i + jobsPerStatement).flatMap(({ template, id }, n) =>
      planJobHistory(template, {
        before: oldestRun.get(id) ?? options.now,
        count: options.runsPerJob,
        // One stream per job: the same job gets the same history whatever the batch size.
        seed: options.seed * 4099 + i + n,
      }).map((run) => bulkRunOf(id, run, { now: options.now })),
    );
    objects += await insertRunsWithObjects(db, batch);
    runs += batch.length;
  }
  return { runs, objects };
}

/**
 * Whether this database holds the large set, and its history: the first planned customer is
 * looked up by name, and a reviewed run of it tells the history is there. A database seeded before
 * the history existed gets only the history added.
 */
export async function largeDataState(db: Db, seed = largeDataSeed): Promise<'absent' | 'without history' | 'complete'> {
  const [first] = planLargeData(seed, new Date(), { customers: 1, jobsPerCustomer: 1, runsPerJob: 1 });
  const customer = await db.customer.findUnique({ where: { nameKey: nameKeyOf(first!.name) }, select: { id: true } });
  if (!customer) return 'absent';
  const reviewed = await db.run.findFirst({
    where: { job: { customerId: customer.id }, reviewedAt: { not: null } },
    select: { id: true },
  });
  return reviewed ? 'complete' : 'without history';
}

interface SeedOptions {
  readonly seed?: number;
  readonly now?: Date;
  readonly size?: LargeDataOptions;
  /** Only the history, for a database that has the rest of the set already. */
  readonly historyOnly?: boolean;
}

/**
 * Seeds the large set (not in one transaction: it is big, and only for benchmarks), then vacuums
 * and analyses the run tables: the history's search-text trigger leaves a dead row version per
 * run, which autovacuum would clear in time and the embedded database never does by itself.
 */
export async function seedLargeData(db: Db, options: SeedOptions = {}) {
  const now = options.now ?? new Date();
  const seed = options.seed ?? largeDataSeed;
  const size = options.size ?? largeDataDefaults;
  const plan = planLargeData(seed, now, size);
  const written = options.historyOnly
    ? { customers: 0, jobs: 0, runs: 0, unreviewed: 0, objects: 0 }
    : await writePlan(db, plan, { now });
  const history = await seedLargeHistory(db, plan, { seed, now, runsPerJob: size.historyRunsPerJob });
  await db.$executeRawUnsafe('VACUUM (ANALYZE) "Run", "RunObject"');
  return {
    ...written,
    runs: written.runs + history.runs,
    reviewed: history.runs,
    objects: written.objects + history.objects,
  };
}
