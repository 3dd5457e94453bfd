import { DateTime } from 'luxon';
import type { ScheduleKind } from '../../db/database.ts';

/**
 * When a scheduled job is expected to run, and the window in which a run counts for each expected
 * time (docs/missed-runs.md). Pure functions over a schedule and the app's time zone: occurrences
 * are local wall-clock times, turned into instants with Luxon, which knows the zone's DST rules.
 */

export interface ScheduleSpec {
  readonly kind: ScheduleKind;
  /** Minutes after local midnight: the time of day; for `hourly`, the first run of the day. */
  readonly minuteOfDay: number;
  /** ISO weekdays (1 = Monday … 7 = Sunday) for `weekly`. */
  readonly weekdays: readonly number[];
  /** For `hourly`: every this many hours, a divisor of 24. */
  readonly everyHours: number | null;
  readonly graceMinutes: number;
}

/** The intervals an hourly schedule may have: divisors of 24, so every day repeats the same clock times. */
export const EVERY_HOURS = [1, 2, 3, 4, 6, 8, 12] as const;
export const WEEKDAYS_MON_FRI: readonly number[] = [1, 2, 3, 4, 5];

export const MINUTES_PER_DAY = 24 * 60;
const MINUTE_MS = 60_000;
const DAY_MS = MINUTES_PER_DAY * MINUTE_MS;

/** The local clock times (minutes after midnight) at which the schedule runs on a day it runs. */
export function minutesOfDay(spec: Pick<ScheduleSpec, 'kind' | 'minuteOfDay' | 'everyHours'>): number[] {
  if (spec.kind !== 'hourly') return [spec.minuteOfDay];
  const step = (spec.everyHours ?? 24) * 60;
  const out: number[] = [];
  for (let m = spec.minuteOfDay % step; m < MINUTES_PER_DAY; m += step) out.push(m);
  return out;
}

/** Whether the schedule runs on a local date of this ISO weekday. */
export function runsOnWeekday(spec: Pick<ScheduleSpec, 'kind' | 'weekdays'>, weekday: number): boolean {
  switch (spec.kind) {
    case 'daily':
    case 'hourly':
      return true;
    case 'weekdays':
      return weekday <= 5;
    case 'weekly':
      return spec.weekdays.includes(weekday);
  }
}

/**
 * The shortest time between two expected runs, as the clock reads it (a DST change can make one gap
 * an hour shorter or longer). The grace period must stay below it, or one late run could satisfy
 * two windows and a window could end after the next one's expected time.
 */
export function smallestGapMinutes(spec: Pick<ScheduleSpec, 'kind' | 'weekdays' | 'everyHours'>): number {
  switch (spec.kind) {
    case 'daily':
    case 'weekdays':
      return MINUTES_PER_DAY;
    case 'hourly':
      return (spec.everyHours ?? 24) * 60;
    case 'weekly': {
      const days = [...new Set(spec.weekdays)].sort((a, b) => a - b);
      if (days.length <= 1) return 7 * MINUTES_PER_DAY;
      // Around the week too: Sunday to Monday is one day.
      const gaps = days.map((d, i) => (i === 0 ? d + 7 - days[days.length - 1]! : d - days[i - 1]!));
      return Math.min(...gaps) * MINUTES_PER_DAY;
    }
  }
}

/** The longest gap in days, rounded up: how far back the occurrence before a moment may lie. */
function longestGapDays(spec: ScheduleSpec): number {
  if (spec.kind === 'weekdays') return 3;
  if (spec.kind === 'weekly') return 7;
  return 1;
}

/**
 * A local wall-clock time as an instant. A time that does not exist (the hour skipped when DST
 * starts) moves forward by the gap: 02:30 becomes 03:30. A time that exists twice (the hour repeated
 * when DST ends) is its first occurrence, the one before the clocks went back; Luxon picks the
 * second, so the earlier offset is tried first.
 */
export function localTime(zone: string, date: { year: number; month: number; day: number }, minute: number): Date {
  const wall = {
    year: date.year,
    month: date.month,
    day: date.day,
    hour: Math.floor(minute / 60),
    minute: minute % 60,
  };
  const picked = DateTime.fromObject(wall, { zone });
  // The offset a few hours earlier: larger when the clocks went back in between.
  const before = DateTime.fromMillis(picked.toMillis() - 3 * 3_600_000, { zone });
  if (before.offset > picked.offset) {
    const earlier = picked.minus({ minutes: before.offset - picked.offset });
    if (earlier.hour === wall.hour && earlier.minute === wall.minute && earlier.day === wall.day) {
      return earlier.toJSDate();
    }
  }
  return picked.toJSDate();
}

/** Every expected time in [from, to], oldest first (local days of the zone, DST included). */
export function occurrencesBetween(spec: ScheduleSpec, zone: string, from: Date, to: Date): Date[] {
  if (to < from) return [];
  const times = minutesOfDay(spec);
  const out: Date[] = [];
  // A day early and a day late: a local day's times may lie outside the UTC day either side.
  for (const day of localDays(zone, from.getTime() - DAY_MS, to.getTime() + DAY_MS)) {
    if (!runsOnWeekday(spec, day.weekday)) continue;
    for (const m of times) {
      const at = day.uniform ? new Date(day.midnight + m * MINUTE_MS) : localTime(zone, day, m);
      if (at >= from && at <= to) out.push(at);
    }
  }
  // Two wall times can be one instant (02:30 moved onto 03:30 when DST starts): one occurrence.
  return out.sort((a, b) => a.getTime() - b.getTime()).filter((d, i, all) => i === 0 || d > all[i - 1]!);
}

interface LocalDay {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  /** ISO weekday, 1 = Monday. */
  readonly weekday: number;
  /** The instant of local midnight. */
  readonly midnight: number;
  /** No change of UTC offset within the day: a wall time is midnight plus its minutes. */
  readonly uniform: boolean;
}

/**
 * The local calendar days from the one holding `fromMs` to the one holding `toMs`. Zone arithmetic
 * costs tens of microseconds a call, and a cycle asks about the same few days for every schedule:
 * each day's midnight and whether its offset changes are computed once and kept.
 */
function localDays(zone: string, fromMs: number, toMs: number): LocalDay[] {
  const first = DateTime.fromMillis(fromMs, { zone });
  const last = DateTime.fromMillis(toMs, { zone });
  const lastKey = Date.UTC(last.year, last.month - 1, last.day);
  const days: LocalDay[] = [];
  for (let d = Date.UTC(first.year, first.month - 1, first.day); d <= lastKey; d += DAY_MS) {
    days.push(localDay(zone, new Date(d)));
  }
  return days;
}

const dayCache = new Map<string, LocalDay>();
const DAY_CACHE_MAX = 10_000;

function localDay(zone: string, utcDate: Date): LocalDay {
  const date = { year: utcDate.getUTCFullYear(), month: utcDate.getUTCMonth() + 1, day: utcDate.getUTCDate() };
  const key = `${zone}|${date.year}-${date.month}-${date.day}`;
  const cached = dayCache.get(key);
  if (cached) return cached;
  const midnight = DateTime.fromObject(date, { zone });
  const next = midnight.plus({ days: 1 }).startOf('day');
  const uniform = midnight.hour === 0 && midnight.minute === 0 && midnight.offset === next.offset && next.hour === 0;
  const day: LocalDay = {
    ...date,
    weekday: ((utcDate.getUTCDay() + 6) % 7) + 1,
    midnight: midnight.toMillis(),
    uniform,
  };
  if (dayCache.size >= DAY_CACHE_MAX) dayCache.clear();
  dayCache.set(key, day);
  return day;
}

/** One expected time and the window in which a run satisfies it. */
export interface ExpectedWindow {
  readonly expectedAt: Date;
  /** Halfway between the previous expected time and this one. */
  readonly opensAt: Date;
  /** The expected time plus the grace period: after it, no run in the window means a missed run. */
  readonly deadline: Date;
}

/**
 * The windows whose deadline lies in (after, upTo], oldest first. Each opens halfway after the
 * previous expected time and closes `graceMinutes` after its own.
 */
export function windowsWithDeadlineIn(spec: ScheduleSpec, zone: string, after: Date, upTo: Date): ExpectedWindow[] {
  const graceMs = spec.graceMinutes * MINUTE_MS;
  const firstExpected = new Date(after.getTime() - graceMs);
  const lastExpected = new Date(upTo.getTime() - graceMs);
  if (lastExpected < firstExpected) return [];
  // Reach back far enough to find the occurrence before the first one, for its window's opening.
  const reach = new Date(firstExpected.getTime() - (longestGapDays(spec) + 1) * DAY_MS);
  const all = occurrencesBetween(spec, zone, reach, lastExpected);
  const windows: ExpectedWindow[] = [];
  for (let i = 1; i < all.length; i++) {
    const expectedAt = all[i]!;
    const deadline = new Date(expectedAt.getTime() + graceMs);
    if (deadline <= after) continue;
    const previous = all[i - 1]!;
    const opensAt = new Date(expectedAt.getTime() - Math.floor((expectedAt.getTime() - previous.getTime()) / 2));
    windows.push({ expectedAt, opensAt, deadline });
  }
  return windows;
}

/** The window of one expected time (which need not be an occurrence of the schedule any more). */
export function windowOf(spec: ScheduleSpec, zone: string, expectedAt: Date): ExpectedWindow {
  const reach = new Date(expectedAt.getTime() - (longestGapDays(spec) + 1) * DAY_MS);
  const before = occurrencesBetween(spec, zone, reach, new Date(expectedAt.getTime() - 1));
  const previous = before[before.length - 1];
  const opensAt = previous
    ? new Date(expectedAt.getTime() - Math.floor((expectedAt.getTime() - previous.getTime()) / 2))
    : expectedAt;
  return { expectedAt, opensAt, deadline: new Date(expectedAt.getTime() + spec.graceMinutes * MINUTE_MS) };
}
