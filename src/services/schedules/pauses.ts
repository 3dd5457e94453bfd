import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { NotFoundError } from '../../errors/catalogue.ts';
import { formatDateTime } from '../../shared/time.ts';
import { audit, type Actor } from '../accounts/audit.ts';
import { CUSTOMER_MISSING } from '../customers/customers.ts';
import { detectMissedRuns, loadDueSchedules, type DetectionDeps, type DetectionOptions } from './detection.ts';
import { windowsWithDeadlineIn } from './occurrences.ts';
import { currentPause, isPausedAt, type PauseFields } from './pause.ts';
import { JOB_MISSING } from './schedules.ts';

/**
 * Pausing and resuming a job or a customer for maintenance (docs/missed-runs.md). A pause starts
 * now and ends when resumed or at its optional end; expected times inside it are never reported.
 *
 * Both first settle the windows that closed under the pause state as it was (a detection cycle for
 * the jobs concerned), so a change takes effect from now on, never retroactively. Resuming also
 * moves `checkedUntil` past the windows inside the pause that are still open: once `pausedAt` is
 * gone nothing would remember that they fell in a pause.
 */

export const REASON_MAX = 500;
/** Later than any `checkedUntil`: loads every schedule in scope. */
const END_OF_TIME = new Date('9999-12-31T00:00:00Z');
const UNTIL_MESSAGE = 'Enter a date and time, e.g. 2026-12-24 18:00';

export interface PauseInput {
  readonly until: Date | null;
  readonly reason: string | null;
}

/** The pause form: an optional end (local date and time in the app's zone) and an optional reason. */
export function pauseFormSchema(timezone: string, now: Date) {
  return z.object({
    until: z
      .string({ error: UNTIL_MESSAGE })
      .trim()
      .optional()
      .transform((v, ctx): Date | null => {
        if (!v) return null;
        const parsed = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}$/.test(v)
          ? DateTime.fromISO(v.replace(' ', 'T'), { zone: timezone })
          : null;
        if (!parsed?.isValid) {
          ctx.addIssue({ code: 'custom', message: UNTIL_MESSAGE });
          return z.NEVER;
        }
        if (parsed.toMillis() <= now.getTime()) {
          ctx.addIssue({ code: 'custom', message: 'Choose a moment in the future, or leave it empty' });
          return z.NEVER;
        }
        return parsed.toJSDate();
      }),
    reason: z
      .string({ error: `Use at most ${REASON_MAX} characters` })
      .trim()
      .max(REASON_MAX, `Use at most ${REASON_MAX} characters`)
      .optional()
      .transform((v) => v || null),
  });
}

/** The pause form as typed, for showing it again after a refusal. */
export interface PauseFormValues {
  readonly until: string;
  readonly reason: string;
}

export const EMPTY_PAUSE: PauseFormValues = { until: '', reason: '' };

export function typedPause(body: unknown): PauseFormValues {
  const b = (body ?? {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return { until: text(b['until']), reason: text(b['reason']) };
}

type Target = { kind: 'job'; id: number } | { kind: 'customer'; id: number };

interface Loaded extends PauseFields {
  readonly label: string;
}

async function load(db: Db, target: Target): Promise<Loaded> {
  if (target.kind === 'job') {
    const job = await db.job.findUnique({
      where: { id: target.id },
      include: { customer: { select: { name: true } } },
    });
    if (!job) throw new NotFoundError(JOB_MISSING);
    return { ...job, label: `job ${job.customer.name} / ${job.name}` };
  }
  const customer = await db.customer.findUnique({ where: { id: target.id } });
  if (!customer) throw new NotFoundError(CUSTOMER_MISSING);
  return { ...customer, label: `customer ${customer.name}` };
}

const scopeOf = (target: Target): DetectionOptions =>
  target.kind === 'job' ? { jobIds: [target.id] } : { customerId: target.id };

async function writePause(db: Db, target: Target, data: PauseFields): Promise<void> {
  const fields = { pausedAt: data.pausedAt, pauseEndsAt: data.pauseEndsAt, pauseReason: data.pauseReason ?? null };
  if (target.kind === 'job') await db.job.update({ where: { id: target.id }, data: fields });
  else await db.customer.update({ where: { id: target.id }, data: fields });
}

/** Pauses from now, until `input.until` or until resumed. Pausing again replaces the end and reason. */
export async function pause(
  deps: DetectionDeps,
  actor: Actor,
  target: Target,
  input: PauseInput,
  now = new Date(),
): Promise<{ label: string }> {
  const before = await load(deps.db, target);
  await detectMissedRuns(deps, { now, ...scopeOf(target) });
  // A pause that is on keeps its start; a new one starts now.
  const since = currentPause(before, now)?.since ?? now;
  await writePause(deps.db, target, { pausedAt: since, pauseEndsAt: input.until, pauseReason: input.reason });
  const until = input.until ? ` until ${formatDateTime(input.until, deps.timezone)}` : '';
  await audit(deps.db, actor, {
    action: `${target.kind}.paused`,
    summary: `Paused ${before.label}${until}${input.reason ? `: ${input.reason}` : ''}`,
    targetType: target.kind,
    targetId: target.id,
    details: { until: input.until?.toISOString() ?? null, reason: input.reason },
  });
  return { label: before.label };
}

/** Ends the pause now. False when there was none to end (never paused, resumed, or already over). */
export async function resume(
  deps: DetectionDeps,
  actor: Actor,
  target: Target,
  now = new Date(),
): Promise<{ label: string; resumed: boolean }> {
  const before = await load(deps.db, target);
  if (!currentPause(before, now)) return { label: before.label, resumed: false };
  // In this order: while the pause is still recorded, a concurrent cycle also leaves its windows alone.
  await detectMissedRuns(deps, { now, ...scopeOf(target) });
  await skipOpenWindowsInPause(deps, target, before, now);
  await writePause(deps.db, target, { pausedAt: null, pauseEndsAt: null, pauseReason: null });
  await audit(deps.db, actor, {
    action: `${target.kind}.resumed`,
    summary: `Resumed ${before.label}`,
    targetType: target.kind,
    targetId: target.id,
  });
  return { label: before.label, resumed: true };
}

/**
 * Windows whose expected time fell in the pause but whose deadline is still ahead: `checkedUntil`
 * of their schedules moves to the last such deadline (conditionally, never back), in one statement.
 */
async function skipOpenWindowsInPause(deps: DetectionDeps, target: Target, p: PauseFields, now: Date): Promise<void> {
  const schedules = await loadDueSchedules(deps.db, END_OF_TIME, scopeOf(target));
  const moves = schedules.flatMap((s) => {
    const open = windowsWithDeadlineIn(s, deps.timezone, now, new Date(now.getTime() + s.graceMinutes * 60_000));
    const inPause = open.filter((w) => w.expectedAt <= now && isPausedAt(p, w.expectedAt));
    const last = inPause[inPause.length - 1];
    return last ? [{ jobId: s.jobId, until: last.deadline.toISOString().replace('Z', '') }] : [];
  });
  if (moves.length === 0) return;
  await deps.db.$executeRaw`
    UPDATE "JobSchedule" s SET "checkedUntil" = m.until
    FROM json_to_recordset(${JSON.stringify(moves)}::json) AS m("jobId" int, until timestamp(3))
    WHERE s."jobId" = m."jobId" AND s."checkedUntil" < m.until`;
}

export const pauseJob = (deps: DetectionDeps, actor: Actor, id: number, input: PauseInput, now?: Date) =>
  pause(deps, actor, { kind: 'job', id }, input, now);
export const resumeJob = (deps: DetectionDeps, actor: Actor, id: number, now?: Date) =>
  resume(deps, actor, { kind: 'job', id }, now);
export const pauseCustomer = (deps: DetectionDeps, actor: Actor, id: number, input: PauseInput, now?: Date) =>
  pause(deps, actor, { kind: 'customer', id }, input, now);
export const resumeCustomer = (deps: DetectionDeps, actor: Actor, id: number, now?: Date) =>
  resume(deps, actor, { kind: 'customer', id }, now);
