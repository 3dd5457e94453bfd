import type { Db, Prisma, RunStatus } from '../../db/database.ts';
import {
  demoCustomerNames,
  demoJobs,
  largeNameParts,
  problemMessages,
  type Family,
  type JobTemplate,
  type Profile,
} from './catalog.ts';
import { nameKeyOf } from '../customers/customers.ts';
import { insertRunsWithObjects, type BulkRun } from './bulk-runs.ts';

/**
 * Demo and benchmark data. Planning is a pure function of a seed and a reference date, so the same
 * inputs always give the same customers, jobs, runs and messages (tests and screenshots rely on
 * it); writing is a separate step.
 */

const hour = 3600 * 1000;
const day = 24 * hour;

export interface PlannedObject {
  readonly name: string;
  readonly type: string;
  readonly status: RunStatus;
  readonly message: string | null;
}
export interface PlannedRun {
  readonly runAt: Date;
  readonly status: RunStatus;
  readonly remark: string | null;
  readonly reviewed: boolean;
  readonly objects: readonly PlannedObject[];
}
export interface PlannedJob {
  /** The catalogue job it was made from (src/services/demo/catalog.ts). */
  readonly template: JobTemplate;
  readonly name: string;
  readonly backupSoftware: string;
  readonly backupType: string;
  readonly runs: readonly PlannedRun[];
}
export interface PlannedCustomer {
  readonly name: string;
  readonly jobs: readonly PlannedJob[];
}

/** mulberry32: tiny, fast and good enough for plausible demo data; Math.random cannot be seeded. */
export function createRandom(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}
type Random = ReturnType<typeof createRandom>;

const odds: Record<Profile, { error: number; warning: number }> = {
  healthy: { error: 0.005, warning: 0.03 },
  flaky: { error: 0.03, warning: 0.12 },
  failing: { error: 0.03, warning: 0.12 },
};
/** A failing job has been broken for this many days before the reference date. */
const failingForDays = 3;

function successMessage(family: Family, rnd: Random): string | null {
  const gb = (rnd.int(5, 900) / 10).toFixed(1);
  switch (family) {
    case 'veeam':
      return `Processed ${gb} GB, transferred ${(Number(gb) / rnd.int(8, 30)).toFixed(1)} GB in 00:${String(rnd.int(3, 58)).padStart(2, '0')}:${String(rnd.int(0, 59)).padStart(2, '0')}.`;
    case 'synology':
      return `Backed up ${rnd.int(12, 4800).toLocaleString('en')} changed files (${gb} GB).`;
    case 'nakivo':
      return `Backup completed; ${gb} GB of changed data.`;
    case 'acronis':
      return rnd.next() < 0.5 ? null : `Backup succeeded (${gb} GB).`;
    case 'm365':
      return `Processed ${rnd.int(40, 2600).toLocaleString('en')} items.`;
  }
}

export function planRun(
  template: JobTemplate,
  runAt: Date,
  broken: boolean,
  rnd: Random,
): Omit<PlannedRun, 'reviewed'> {
  const chance = odds[template.profile];
  const objects = template.objects.map((o, index): PlannedObject => {
    if (broken && template.failure?.object === index) {
      return { ...o, status: 'error', message: template.failure.message };
    }
    const roll = rnd.next();
    if (roll < chance.error)
      return { ...o, status: 'error', message: rnd.pick(problemMessages[template.family].error) };
    if (roll < chance.error + chance.warning) {
      return { ...o, status: 'warning', message: rnd.pick(problemMessages[template.family].warning) };
    }
    return { ...o, status: 'success', message: successMessage(template.family, rnd) };
  });
  const failed = objects.filter((o) => o.status === 'error').length;
  const warned = objects.filter((o) => o.status === 'warning').length;
  const status: RunStatus = failed ? 'error' : warned ? 'warning' : 'success';
  const total = objects.length;
  const remark =
    status === 'error'
      ? `Failed: ${failed} of ${total} object${total === 1 ? '' : 's'} with errors${warned ? `, ${warned} with warnings` : ''}.`
      : status === 'warning'
        ? `Completed with warnings on ${warned} of ${total} object${total === 1 ? '' : 's'}.`
        : null;
  return { runAt, status, remark, objects };
}

/** Daily run times of a job: `days` days up to the reference date, at the job's hour, none in the future. */
function runTimes(template: JobTemplate, now: Date, days: number, rnd: Random): Date[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const times: Date[] = [];
  for (let d = days - 1; d >= 0; d -= 1) {
    const at = today - d * day + template.hour * hour + rnd.int(0, 40) * 60_000;
    if (at <= now.getTime()) times.push(new Date(at));
  }
  return times;
}

/**
 * The demo set: the eight demo customers, 25 jobs and 14 days of runs. Runs of roughly the last day
 * are unreviewed (this morning's work), and so are the errors of jobs that have been failing for a
 * few days: nobody has dealt with them yet.
 */
export function planDemoData(seed: number, now: Date): PlannedCustomer[] {
  const rnd = createRandom(seed);
  return demoCustomerNames.map((name) => ({
    name,
    jobs: demoJobs[name].map((template) => ({
      template,
      name: template.name,
      backupSoftware: template.backupSoftware,
      backupType: template.backupType,
      runs: runTimes(template, now, 14, rnd).map((runAt) => {
        const age = now.getTime() - runAt.getTime();
        const broken = template.profile === 'failing' && age < failingForDays * day;
        const run = planRun(template, runAt, broken, rnd);
        const reviewed = age > 30 * hour && !(broken && run.status === 'error');
        return { ...run, reviewed };
      }),
    })),
  }));
}

export interface LargeDataOptions {
  readonly customers: number;
  readonly jobsPerCustomer: number;
  /** Unreviewed runs per job: one a day, up to the reference date. */
  readonly runsPerJob: number;
  /** Reviewed runs per job, one a day before the unreviewed ones (src/services/demo/large-data.ts). */
  readonly historyRunsPerJob: number;
}
export const largeDataDefaults: LargeDataOptions = {
  customers: 500,
  jobsPerCustomer: 4,
  runsPerJob: 10,
  historyRunsPerJob: 100,
};

/**
 * The benchmark set: by default 500 customers, 2,000 jobs and 20,000 runs, all unreviewed. Its
 * history of reviewed runs is planned job by job while it is written (src/services/demo/large-data.ts).
 */
export function planLargeData(
  seed: number,
  now: Date,
  options: Pick<LargeDataOptions, 'customers' | 'jobsPerCustomer' | 'runsPerJob'> = largeDataDefaults,
): PlannedCustomer[] {
  const rnd = createRandom(seed);
  const templates = Object.values(demoJobs).flat();
  const customers: PlannedCustomer[] = [];
  for (let c = 0; c < options.customers; c += 1) {
    const name = `${rnd.pick(largeNameParts.first)} ${rnd.pick(largeNameParts.second)} ${String(c + 1).padStart(4, '0')}`;
    const jobs: PlannedJob[] = [];
    for (let j = 0; j < options.jobsPerCustomer; j += 1) {
      const template = templates[(c * options.jobsPerCustomer + j) % templates.length]!;
      jobs.push({
        template,
        name: template.name,
        backupSoftware: template.backupSoftware,
        backupType: template.backupType,
        runs: runTimes(template, now, options.runsPerJob + 1, rnd)
          .slice(-options.runsPerJob)
          .map((runAt) => ({ ...planRun(template, runAt, false, rnd), reviewed: false })),
      });
    }
    customers.push({ name, jobs });
  }
  return customers;
}

type Writer = Prisma.TransactionClient;
/** Rows per INSERT: well under PostgreSQL's 65,535 bind parameters for every table here. */
const chunkSize = 2_000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += chunkSize) out.push(items.slice(i, i + chunkSize));
  return out;
}

/** Inserts a plan with a handful of multi-row INSERTs per table (not one statement per row); runs with bulk-runs.ts. */
export async function writePlan(
  db: Writer,
  plan: readonly PlannedCustomer[],
  options: { reviewerId?: number | null; now: Date },
) {
  const customerRows = await db.customer.createManyAndReturn({
    data: plan.map((c) => ({ name: c.name, nameKey: nameKeyOf(c.name) })),
    select: { id: true, nameKey: true },
  });
  const customerId = new Map(customerRows.map((c) => [c.nameKey, c.id]));

  const jobData = plan.flatMap((c) =>
    c.jobs.map((j) => ({
      customerId: customerId.get(nameKeyOf(c.name))!,
      name: j.name,
      backupSoftware: j.backupSoftware,
      backupType: j.backupType,
    })),
  );
  const jobId = new Map<string, number>();
  for (const part of chunks(jobData)) {
    const rows = await db.job.createManyAndReturn({ data: part, select: { id: true, customerId: true, name: true } });
    for (const row of rows) jobId.set(`${row.customerId}|${row.name}`, row.id);
  }

  const runs = plan.flatMap((c) =>
    c.jobs.flatMap((j) => {
      const id = jobId.get(`${customerId.get(nameKeyOf(c.name))}|${j.name}`)!;
      return j.runs.map((run) => bulkRunOf(id, run, options));
    }),
  );
  const unreviewed = runs.filter((r) => !r.reviewedAt).length;
  const objectCount = await insertRunsWithObjects(db, runs);
  return { customers: plan.length, jobs: jobData.length, runs: runs.length, unreviewed, objects: objectCount };
}

/** A planned run as bulk-runs.ts writes it: created a few minutes after it ran, reviewed the morning after. */
export function bulkRunOf(jobId: number, run: PlannedRun, options: { reviewerId?: number | null; now: Date }): BulkRun {
  const reviewedAt = run.reviewed ? new Date(Math.min(run.runAt.getTime() + 9 * hour, options.now.getTime())) : null;
  return {
    jobId,
    runAt: run.runAt,
    status: run.status,
    remark: run.remark,
    createdAt: new Date(run.runAt.getTime() + 4 * 60_000),
    reviewedAt,
    reviewedById: reviewedAt ? (options.reviewerId ?? null) : null,
    objects: run.objects,
  };
}

export const demoSeed = 20_261_122;

/** Seeds the demo set in one transaction, so a crash half-way leaves an empty database to retry on. */
export async function seedDemoData(db: Db, options: { seed?: number; now?: Date; reviewerId?: number | null } = {}) {
  const now = options.now ?? new Date();
  const plan = planDemoData(options.seed ?? demoSeed, now);
  return db.$transaction((tx) => writePlan(tx, plan, { now, reviewerId: options.reviewerId ?? null }), {
    timeout: 60_000,
  });
}

/** Demo data goes only into a database without customers: never on top of real ones. */
export async function hasCustomers(db: Db): Promise<boolean> {
  return (await db.customer.count()) > 0;
}

/**
 * Start-up seeding: demo data into a database that has no customers yet (a fresh embedded one).
 * Older demo runs are shown as reviewed by the first admin. Returns what was made, or null.
 */
export async function seedDemoDataIfEmpty(db: Db, now = new Date()) {
  if (await hasCustomers(db)) return null;
  const admin = await db.user.findFirst({ where: { role: 'admin' }, orderBy: { id: 'asc' }, select: { id: true } });
  return seedDemoData(db, { now, reviewerId: admin?.id ?? null });
}
