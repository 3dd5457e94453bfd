import type { Db } from '../../db/database.ts';
import { NotFoundError } from '../../errors/catalogue.ts';
import { currentPause } from '../schedules/pause.ts';
import { describeSchedule, formValuesOf } from '../schedules/schedule-form.ts';
import { JOB_MISSING, specOf } from '../schedules/schedules.ts';
import { SUGGESTION_DAYS, suggestSchedule } from '../schedules/suggestion.ts';

/** At most this many recent runs are listed (an hourly job has 336 in 14 days). */
const RECENT_RUNS_MAX = 500;
const DAY_MS = 24 * 3_600_000;

/**
 * Everything the job page shows: the job and its customer, its schedule, a schedule learnt from
 * its runs of the last 14 days, both pauses, and those runs.
 */
export async function loadJobPage(db: Db, jobId: number, timezone: string, now = new Date()) {
  const [job, runs] = await Promise.all([
    db.job.findUnique({
      where: { id: jobId },
      include: {
        customer: true,
        schedule: { include: { confirmedBy: { select: { name: true, email: true } } } },
      },
    }),
    db.run.findMany({
      where: { jobId, runAt: { gte: new Date(now.getTime() - SUGGESTION_DAYS * DAY_MS) } },
      select: { id: true, runAt: true, status: true, reviewedAt: true },
      orderBy: [{ runAt: 'desc' }, { id: 'desc' }],
      take: RECENT_RUNS_MAX,
    }),
  ]);
  if (!job) throw new NotFoundError(JOB_MISSING);
  const { customer, schedule, ...jobOnly } = job;
  const suggestion = suggestSchedule(
    runs.filter((r) => r.status !== 'missed').map((r) => r.runAt),
    timezone,
  );
  return {
    job: jobOnly,
    customer,
    schedule: schedule
      ? {
          ...schedule,
          description: describeSchedule(specOf(schedule)),
          values: formValuesOf(specOf(schedule)),
        }
      : null,
    suggestion: suggestion.ok
      ? {
          ok: true as const,
          runCount: suggestion.runCount,
          description: describeSchedule(suggestion.schedule),
          values: formValuesOf(suggestion.schedule),
        }
      : suggestion,
    jobPause: currentPause(job, now),
    customerPause: currentPause(customer, now),
    runs,
  };
}

export type JobPage = Awaited<ReturnType<typeof loadJobPage>>;
