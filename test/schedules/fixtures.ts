import { randomBytes } from 'node:crypto';
import type { Database, RunStatus } from '../../src/db/database.ts';
import { nameKeyOf } from '../../src/services/customers/customers.ts';
import { detectMissedRuns, type DetectionResult } from '../../src/services/schedules/detection.ts';
import type { ScheduleSpec } from '../../src/services/schedules/occurrences.ts';

/** Scheduled jobs and their runs, written straight through Prisma (as test/runs/fixtures.ts does). */

export const AMS = 'Europe/Amsterdam';
const unique = (): string => randomBytes(3).toString('hex');

export interface ScheduledJobOptions {
  readonly customerName?: string;
  readonly jobName?: string;
  readonly schedule: Partial<ScheduleSpec> & Pick<ScheduleSpec, 'kind'>;
  /** When the schedule was confirmed; checking starts there. */
  readonly confirmedAt: Date;
  readonly customerActive?: boolean;
}

/** A customer, one job and its schedule (daily at 22:00 with an hour's grace unless told otherwise). */
export async function makeScheduledJob(database: Database, options: ScheduledJobOptions) {
  const db = database.prisma;
  const name = options.customerName ?? `Customer ${unique()}`;
  const customer = await db.customer.upsert({
    where: { nameKey: nameKeyOf(name) },
    create: { name, nameKey: nameKeyOf(name), active: options.customerActive ?? true },
    update: {},
  });
  const job = await db.job.create({
    data: {
      customerId: customer.id,
      name: options.jobName ?? `Job ${unique()}`,
      backupSoftware: 'Veeam Backup & Replication',
      backupType: 'VM backup',
    },
  });
  const s = options.schedule;
  const schedule = await db.jobSchedule.create({
    data: {
      jobId: job.id,
      kind: s.kind,
      minuteOfDay: s.minuteOfDay ?? 22 * 60,
      weekdays: [...(s.weekdays ?? [])],
      everyHours: s.everyHours ?? null,
      graceMinutes: s.graceMinutes ?? 60,
      confirmedAt: options.confirmedAt,
      checkedUntil: options.confirmedAt,
    },
  });
  return { customer, job, schedule };
}

/** A run of the job as a report would have stored it. */
export function addJobRun(database: Database, jobId: number, runAt: string | Date, status: RunStatus = 'success') {
  return database.prisma.run.create({ data: { jobId, runAt: new Date(runAt), status } });
}

/** The expected times of the job's missed runs, oldest first, as ISO strings without milliseconds. */
export async function missedOf(database: Database, jobId: number): Promise<string[]> {
  const runs = await database.prisma.run.findMany({
    where: { jobId, status: 'missed' },
    orderBy: { expectedAt: 'asc' },
  });
  return runs.map((r) => r.expectedAt!.toISOString().replace(':00.000Z', 'Z'));
}

/** One detection cycle in Amsterdam time at `now`. */
export function detectAt(database: Database, now: string | Date, timezone = AMS): Promise<DetectionResult> {
  return detectMissedRuns({ db: database.prisma, timezone }, { now: new Date(now) });
}
