import type { Db, JobSchedule } from '../../db/database.ts';
import { NotFoundError } from '../../errors/catalogue.ts';
import { audit, type Actor } from '../accounts/audit.ts';
import type { ScheduleSpec } from './occurrences.ts';
import { describeSchedule } from './schedule-form.ts';

/** Saving and removing a job's schedule (admins, on the job page). */

export const JOB_MISSING = 'This job does not exist. The link may be wrong.';

/** The job with its customer's name, for messages and audit summaries. */
export async function getJobNamed(db: Db, jobId: number) {
  const job = await db.job.findUnique({ where: { id: jobId }, include: { customer: { select: { name: true } } } });
  if (!job) throw new NotFoundError(JOB_MISSING);
  return job;
}

export const specOf = (s: JobSchedule): ScheduleSpec => ({
  kind: s.kind,
  minuteOfDay: s.minuteOfDay,
  weekdays: s.weekdays,
  everyHours: s.everyHours,
  graceMinutes: s.graceMinutes,
});

/**
 * Sets (or replaces) a job's schedule, confirmed by the admin now. Checking starts from now: the
 * windows that closed before the confirmation are never reported. `checkedUntil` never moves back
 * (a resume may have moved it past a window that is still open).
 */
export async function saveSchedule(
  db: Db,
  actor: Actor,
  jobId: number,
  spec: ScheduleSpec,
  now = new Date(),
): Promise<JobSchedule> {
  const job = await getJobNamed(db, jobId);
  const before = await db.jobSchedule.findUnique({ where: { jobId } });
  const checkedUntil = before && before.checkedUntil > now ? before.checkedUntil : now;
  const fields = {
    kind: spec.kind,
    minuteOfDay: spec.minuteOfDay,
    weekdays: [...spec.weekdays],
    everyHours: spec.everyHours,
    graceMinutes: spec.graceMinutes,
    confirmedAt: now,
    confirmedById: actor.id,
    checkedUntil,
  };
  const saved = await db.jobSchedule.upsert({ where: { jobId }, create: { jobId, ...fields }, update: fields });
  await audit(db, actor, {
    action: 'schedule.saved',
    summary: `Set the schedule of ${job.customer.name} / ${job.name}: ${describeSchedule(spec)}`,
    targetType: 'job',
    targetId: jobId,
    details: { ...specOf(saved), weekdays: saved.weekdays, previous: before ? describeSchedule(specOf(before)) : null },
  });
  return saved;
}

/** Removes a job's schedule: its runs are no longer expected. False when it had none. */
export async function removeSchedule(db: Db, actor: Actor, jobId: number): Promise<boolean> {
  const job = await getJobNamed(db, jobId);
  const before = await db.jobSchedule.findUnique({ where: { jobId } });
  const { count } = await db.jobSchedule.deleteMany({ where: { jobId } });
  if (count === 0 || !before) return false;
  await audit(db, actor, {
    action: 'schedule.removed',
    summary: `Removed the schedule of ${job.customer.name} / ${job.name} (${describeSchedule(specOf(before))})`,
    targetType: 'job',
    targetId: jobId,
  });
  return true;
}
