import { DateTime } from 'luxon';
import {
  EVERY_HOURS,
  MINUTES_PER_DAY,
  smallestGapMinutes,
  WEEKDAYS_MON_FRI,
  type ScheduleSpec,
} from './occurrences.ts';

/**
 * A schedule learnt from a job's recent runs, for an admin to confirm on the job page
 * (docs/missed-runs.md). Pure: the runs' times and the app's time zone in, a schedule or a reason out.
 */

/** How far back the runs are read. */
export const SUGGESTION_DAYS = 14;
/** Fewer runs than this say nothing about a rhythm. */
export const SUGGESTION_MIN_RUNS = 3;
export const NOT_ENOUGH_RUNS = `Not enough runs in the last ${SUGGESTION_DAYS} days to suggest a schedule`;

export type Suggestion =
  | { readonly ok: true; readonly schedule: ScheduleSpec; readonly runCount: number }
  | { readonly ok: false; readonly reason: string };

/** Share of the gaps between runs that must lie near N hours for an every-N-hours schedule. */
const HOURLY_SHARE = 0.75;
const GRACE_MIN = 30;
const GRACE_STEP = 15;

/** Suggests a schedule from the times of a job's runs (missed runs left out by the caller). */
export function suggestSchedule(runTimes: readonly Date[], zone: string): Suggestion {
  const times = [...new Set(runTimes.map((t) => t.getTime()))].sort((a, b) => a - b);
  if (times.length < SUGGESTION_MIN_RUNS) return { ok: false, reason: NOT_ENOUGH_RUNS };
  const locals = times.map((t) => DateTime.fromMillis(t, { zone }));
  const everyHours = hourlyRhythm(times);
  const schedule = everyHours ? hourly(locals, everyHours) : byDay(locals);
  return { ok: true, schedule, runCount: times.length };
}

/** N when most gaps between consecutive runs lie near N hours, N < 24 dividing 24; else null. */
function hourlyRhythm(times: readonly number[]): number | null {
  const gaps = times.slice(1).map((t, i) => (t - times[i]!) / 60_000);
  const n = Math.round(median(gaps) / 60);
  if (!(EVERY_HOURS as readonly number[]).includes(n)) return null;
  const tolerance = Math.max(15, n * 60 * 0.15);
  const near = gaps.filter((g) => Math.abs(g - n * 60) <= tolerance).length;
  return near >= HOURLY_SHARE * gaps.length ? n : null;
}

function hourly(locals: readonly DateTime[], everyHours: number): ScheduleSpec {
  const period = everyHours * 60;
  const { center, deviations } = circularCenter(
    locals.map((l) => minuteOf(l) % period),
    period,
  );
  const draft = { kind: 'hourly' as const, minuteOfDay: center, weekdays: [], everyHours };
  return { ...draft, graceMinutes: graceFor(deviations, smallestGapMinutes(draft)) };
}

/** Daily, weekdays or weekly: the usual time of day, and the weekdays the runs fell on. */
function byDay(locals: readonly DateTime[]): ScheduleSpec {
  const { center, deviations } = circularCenter(locals.map(minuteOf), MINUTES_PER_DAY);
  // The day a run belongs to is that of its expected time: a run at 00:05 for 23:55 is the day before's.
  const days = [...new Set(locals.map((l, i) => l.minus({ minutes: deviations[i]! }).weekday))].sort((a, b) => a - b);
  const draft =
    days.length === 7
      ? { kind: 'daily' as const, minuteOfDay: center, weekdays: [], everyHours: null }
      : sameDays(days, WEEKDAYS_MON_FRI)
        ? { kind: 'weekdays' as const, minuteOfDay: center, weekdays: [], everyHours: null }
        : { kind: 'weekly' as const, minuteOfDay: center, weekdays: days, everyHours: null };
  return { ...draft, graceMinutes: graceFor(deviations, smallestGapMinutes(draft)) };
}

const minuteOf = (l: DateTime): number => l.hour * 60 + l.minute;

const sameDays = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * The median of values on a circle of `period` minutes (a clock), rounded to 5 minutes, and each
 * value's signed distance from it. Values are measured from the first one, so runs around midnight
 * (23:55 and 00:05) have a median near midnight, not at noon.
 */
function circularCenter(values: readonly number[], period: number): { center: number; deviations: number[] } {
  const wrap = (x: number) => ((((x + period / 2) % period) + period) % period) - period / 2;
  const ref = values[0]!;
  const middle = ref + median(values.map((v) => wrap(v - ref)));
  const center = (((Math.round(middle / 5) * 5) % period) + period) % period;
  return { center, deviations: values.map((v) => wrap(v - center)) };
}

/** Generous: twice the largest deviation, at least 30 minutes, in steps of 15; below the smallest gap. */
function graceFor(deviations: readonly number[], smallestGap: number): number {
  const largest = Math.max(0, ...deviations.map(Math.abs));
  const grace = Math.max(GRACE_MIN, Math.ceil((2 * largest) / GRACE_STEP) * GRACE_STEP);
  return Math.min(grace, smallestGap - GRACE_STEP);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
