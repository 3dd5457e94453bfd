import { Prisma, type Db, type ScheduleKind } from '../../db/database.ts';
import { formatDateTime } from '../../shared/time.ts';
import { windowsWithDeadlineIn, type ExpectedWindow, type ScheduleSpec } from './occurrences.ts';
import { isPausedAt, type PauseFields } from './pause.ts';

/**
 * Missed-run detection (docs/missed-runs.md): every expected time of a scheduled job whose window
 * closed since the last check, without a run in it, becomes a run with status `missed`.
 *
 * One cycle is four statements however many schedules there are: the due schedules with their
 * job's and customer's pauses, one query that tells which windows a run satisfied (the windows
 * travel as one JSON parameter), one insert of the missed runs, one update of `checkedUntil`.
 * Idempotent across cycles, restarts and instances: a window is recorded once because
 * `Run(jobId, expectedAt)` is unique and the insert skips rows that exist (ON CONFLICT DO NOTHING),
 * and `checkedUntil` only ever moves forward.
 */

/** After an outage, windows that closed at most this long ago are still checked; older ones are not. */
export const CATCH_UP_DAYS = 14;
const DAY_MS = 24 * 3_600_000;

export interface DetectionDeps {
  readonly db: Db;
  /** The app's time zone (APP_TIMEZONE): schedules are local wall-clock times in it. */
  readonly timezone: string;
}

export interface DetectionOptions {
  /** The cycle's clock. */
  readonly now?: Date;
  /** Only these jobs' schedules (pausing and resuming settle the jobs they change). */
  readonly jobIds?: readonly number[];
  /** Only the schedules of this customer's jobs. */
  readonly customerId?: number;
}

export interface DetectionResult {
  /** Schedules with a check due. */
  readonly schedules: number;
  /** Windows that closed since the last check, pauses and inactive customers left out. */
  readonly windows: number;
  /** Missed runs this cycle recorded (a window another instance recorded first is not counted). */
  readonly missed: number;
}

/** A schedule with what decides whether its windows may be reported. */
export interface DueSchedule extends ScheduleSpec {
  readonly jobId: number;
  readonly checkedUntil: Date;
  readonly confirmedAt: Date;
  readonly job: PauseFields;
  readonly customer: PauseFields & { readonly active: boolean };
}

/** One detection cycle. Throws only when the database fails; a later cycle then does the work. */
export async function detectMissedRuns(deps: DetectionDeps, options: DetectionOptions = {}): Promise<DetectionResult> {
  const { db, timezone } = deps;
  const now = options.now ?? new Date();
  const due = await loadDueSchedules(db, now, options);
  if (due.length === 0) return { schedules: 0, windows: 0, missed: 0 };
  const candidates = due.flatMap((schedule) =>
    windowsToCheck(schedule, timezone, now).map((window) => ({ schedule, window })),
  );
  const satisfied = await satisfiedWindows(
    db,
    candidates.map((c) => ({ jobId: c.schedule.jobId, window: c.window })),
  );
  const missed = candidates.filter((_c, i) => !satisfied.has(i));
  const inserted = missed.length
    ? await db.run.createMany({
        data: missed.map(({ schedule, window }) => ({
          jobId: schedule.jobId,
          status: 'missed' as const,
          runAt: window.expectedAt,
          expectedAt: window.expectedAt,
          remark: missedRemark(window, schedule.graceMinutes, timezone),
        })),
        skipDuplicates: true,
      })
    : { count: 0 };
  await advanceCheckedUntil(db, now, options);
  return { schedules: due.length, windows: candidates.length, missed: inserted.count };
}

/** "No run arrived between … and … (expected at …, grace 60 minutes)." in the app's time zone. */
export function missedRemark(window: ExpectedWindow, graceMinutes: number, timezone: string): string {
  const at = (d: Date) => formatDateTime(d, timezone);
  return `No run arrived between ${at(window.opensAt)} and ${at(window.deadline)} (expected at ${at(window.expectedAt)}, grace ${graceMinutes} minutes).`;
}

/**
 * The windows of one schedule that closed since it was last checked, not before its confirmation
 * and not more than CATCH_UP_DAYS ago, without those that fall in a pause or belong to an inactive
 * customer.
 */
export function windowsToCheck(s: DueSchedule, timezone: string, now: Date): ExpectedWindow[] {
  if (!s.customer.active) return [];
  const after = new Date(
    Math.max(s.checkedUntil.getTime(), s.confirmedAt.getTime(), now.getTime() - CATCH_UP_DAYS * DAY_MS),
  );
  return windowsWithDeadlineIn(s, timezone, after, now).filter(
    (w) => !isPausedAt(s.job, w.expectedAt) && !isPausedAt(s.customer, w.expectedAt),
  );
}

interface DueRow {
  jobId: number;
  kind: ScheduleKind;
  minuteOfDay: number;
  weekdays: number[];
  everyHours: number | null;
  graceMinutes: number;
  checkedUntil: Date;
  confirmedAt: Date;
  jobPausedAt: Date | null;
  jobPauseEndsAt: Date | null;
  customerPausedAt: Date | null;
  customerPauseEndsAt: Date | null;
  customerActive: boolean;
}

/** Schedules not yet checked up to `now`, with their job's and customer's pauses: one statement. */
export async function loadDueSchedules(db: Db, now: Date, options: DetectionOptions = {}): Promise<DueSchedule[]> {
  const rows = await db.$queryRaw<DueRow[]>`
    SELECT s."jobId", s.kind::text AS kind, s."minuteOfDay", s.weekdays, s."everyHours", s."graceMinutes",
           s."checkedUntil", s."confirmedAt",
           j."pausedAt" AS "jobPausedAt", j."pauseEndsAt" AS "jobPauseEndsAt",
           c."pausedAt" AS "customerPausedAt", c."pauseEndsAt" AS "customerPauseEndsAt", c.active AS "customerActive"
    FROM "JobSchedule" s
    JOIN "Job" j ON j.id = s."jobId"
    JOIN "Customer" c ON c.id = j."customerId"
    WHERE s."checkedUntil" < ${now} ${scopeOf(options)}`;
  return rows.map((r) => ({
    jobId: r.jobId,
    kind: r.kind,
    minuteOfDay: r.minuteOfDay,
    weekdays: r.weekdays ?? [],
    everyHours: r.everyHours,
    graceMinutes: r.graceMinutes,
    checkedUntil: r.checkedUntil,
    confirmedAt: r.confirmedAt,
    job: { pausedAt: r.jobPausedAt, pauseEndsAt: r.jobPauseEndsAt },
    customer: { pausedAt: r.customerPausedAt, pauseEndsAt: r.customerPauseEndsAt, active: r.customerActive },
  }));
}

function scopeOf(options: DetectionOptions): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (options.jobIds) {
    parts.push(
      options.jobIds.length ? Prisma.sql`AND s."jobId" IN (${Prisma.join(options.jobIds)})` : Prisma.sql`AND false`,
    );
  }
  if (options.customerId !== undefined) parts.push(Prisma.sql`AND j."customerId" = ${options.customerId}`);
  return parts.length ? Prisma.join(parts, ' ') : Prisma.empty;
}

/** Timestamps as the database stores them: UTC, without a zone. */
const utc = (d: Date) => d.toISOString().replace('Z', '');

/**
 * Which windows hold a run that is not itself a missed run: their indexes. One statement for all
 * windows, each answered by the (jobId, runAt) index.
 */
async function satisfiedWindows(
  db: Db,
  windows: ReadonlyArray<{ jobId: number; window: ExpectedWindow }>,
): Promise<Set<number>> {
  if (windows.length === 0) return new Set();
  const json = JSON.stringify(
    windows.map((w, i) => ({ i, jobId: w.jobId, opensAt: utc(w.window.opensAt), deadline: utc(w.window.deadline) })),
  );
  const rows = await db.$queryRaw<Array<{ i: number }>>`
    SELECT w.i FROM json_to_recordset(${json}::json) AS w(i int, "jobId" int, "opensAt" timestamp(3), deadline timestamp(3))
    WHERE EXISTS (
      SELECT 1 FROM "Run" r
      WHERE r."jobId" = w."jobId" AND r.status <> 'missed' AND r."runAt" BETWEEN w."opensAt" AND w.deadline)`;
  return new Set(rows.map((r) => r.i));
}

/** Every due schedule in scope has been checked up to `now`: moved forward, never back. */
async function advanceCheckedUntil(db: Db, now: Date, options: DetectionOptions): Promise<void> {
  await db.jobSchedule.updateMany({
    where: {
      checkedUntil: { lt: now },
      ...(options.jobIds ? { jobId: { in: [...options.jobIds] } } : {}),
      ...(options.customerId !== undefined ? { job: { customerId: options.customerId } } : {}),
    },
    data: { checkedUntil: now },
  });
}
