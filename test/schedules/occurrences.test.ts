import { describe, expect, it } from 'vitest';
import {
  localTime,
  occurrencesBetween,
  smallestGapMinutes,
  windowOf,
  windowsWithDeadlineIn,
  type ScheduleSpec,
} from '../../src/services/schedules/occurrences.ts';

/**
 * Expected times are local wall-clock times of the app's zone. Europe/Amsterdam changes to summer
 * time on 29 March 2026 (02:00 CET → 03:00 CEST) and back on 25 October 2026 (03:00 CEST → 02:00 CET).
 */
const AMS = 'Europe/Amsterdam';
const iso = (dates: readonly Date[]) => dates.map((d) => d.toISOString().replace(':00.000Z', 'Z'));
const at = (s: string) => new Date(s);

const spec = (s: Partial<ScheduleSpec> & Pick<ScheduleSpec, 'kind'>): ScheduleSpec => ({
  minuteOfDay: 22 * 60,
  weekdays: [],
  everyHours: null,
  graceMinutes: 60,
  ...s,
});

describe('local wall-clock times and DST', () => {
  it('moves a time in the spring-forward gap forward: 02:30 becomes 03:30 CEST', () => {
    expect(localTime(AMS, { year: 2026, month: 3, day: 29 }, 150).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    // The day before and after: 02:30 CET and 02:30 CEST.
    expect(localTime(AMS, { year: 2026, month: 3, day: 28 }, 150).toISOString()).toBe('2026-03-28T01:30:00.000Z');
    expect(localTime(AMS, { year: 2026, month: 3, day: 30 }, 150).toISOString()).toBe('2026-03-30T00:30:00.000Z');
  });

  it('takes the first of a repeated time in the fall-back overlap: 02:30 CEST, not 02:30 CET', () => {
    expect(localTime(AMS, { year: 2026, month: 10, day: 25 }, 150).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(localTime(AMS, { year: 2026, month: 10, day: 25 }, 120).toISOString()).toBe('2026-10-25T00:00:00.000Z');
    // Just outside the overlap nothing changes.
    expect(localTime(AMS, { year: 2026, month: 10, day: 25 }, 180).toISOString()).toBe('2026-10-25T02:00:00.000Z');
    expect(localTime(AMS, { year: 2026, month: 10, day: 25 }, 119).toISOString()).toBe('2026-10-24T23:59:00.000Z');
  });
});

describe('occurrences of each kind', () => {
  it('daily: once a day at the local time, across the spring change', () => {
    const daily = spec({ kind: 'daily', minuteOfDay: 150 });
    expect(iso(occurrencesBetween(daily, AMS, at('2026-03-27T12:00Z'), at('2026-03-30T12:00Z')))).toEqual([
      '2026-03-28T01:30Z',
      '2026-03-29T01:30Z', // 02:30 does not exist: 03:30 CEST
      '2026-03-30T00:30Z',
    ]);
  });

  it('daily: across the autumn change the repeated time counts once', () => {
    const daily = spec({ kind: 'daily', minuteOfDay: 150 });
    expect(iso(occurrencesBetween(daily, AMS, at('2026-10-23T12:00Z'), at('2026-10-26T12:00Z')))).toEqual([
      '2026-10-24T00:30Z',
      '2026-10-25T00:30Z',
      '2026-10-26T01:30Z',
    ]);
  });

  it('daily: a time just after local midnight lies on the previous UTC day (day boundary)', () => {
    const daily = spec({ kind: 'daily', minuteOfDay: 30 });
    expect(iso(occurrencesBetween(daily, AMS, at('2026-06-01T00:00Z'), at('2026-06-02T23:59Z')))).toEqual([
      '2026-06-01T22:30Z',
      '2026-06-02T22:30Z',
    ]);
  });

  it('weekdays: Monday to Friday, the weekend skipped', () => {
    const weekdays = spec({ kind: 'weekdays', minuteOfDay: 20 * 60 });
    // Thursday 26 March to Tuesday 31 March 2026 (the spring change on Sunday).
    expect(iso(occurrencesBetween(weekdays, AMS, at('2026-03-26T00:00Z'), at('2026-03-31T23:00Z')))).toEqual([
      '2026-03-26T19:00Z',
      '2026-03-27T19:00Z',
      '2026-03-30T18:00Z',
      '2026-03-31T18:00Z',
    ]);
  });

  it('weekly: on the chosen ISO weekdays only, across the autumn change', () => {
    const weekly = spec({ kind: 'weekly', minuteOfDay: 23 * 60, weekdays: [1, 7] });
    // Sunday 25 October (change day) and Monday 26 October; Sunday 1 November.
    expect(iso(occurrencesBetween(weekly, AMS, at('2026-10-20T00:00Z'), at('2026-11-02T00:00Z')))).toEqual([
      '2026-10-25T22:00Z',
      '2026-10-26T22:00Z',
      '2026-11-01T22:00Z',
    ]);
  });

  it('every few hours: the same clock times each day, across midnight', () => {
    const hourly = spec({ kind: 'hourly', minuteOfDay: 3 * 60, everyHours: 6 });
    expect(iso(occurrencesBetween(hourly, 'UTC', at('2026-06-01T20:00Z'), at('2026-06-02T10:00Z')))).toEqual([
      '2026-06-01T21:00Z',
      '2026-06-02T03:00Z',
      '2026-06-02T09:00Z',
    ]);
  });

  it('every hour on the spring change day: 23 runs, 02:30 falling onto 03:30 once', () => {
    const hourly = spec({ kind: 'hourly', minuteOfDay: 30, everyHours: 1, graceMinutes: 15 });
    const day = occurrencesBetween(hourly, AMS, at('2026-03-28T23:00Z'), at('2026-03-29T21:59Z'));
    expect(day).toHaveLength(23);
    expect(iso(day.slice(0, 4))).toEqual([
      '2026-03-28T23:30Z',
      '2026-03-29T00:30Z',
      '2026-03-29T01:30Z',
      '2026-03-29T02:30Z',
    ]);
  });

  it('every hour on the autumn change day: 24 runs, the repeated 02:30 once (its first)', () => {
    const hourly = spec({ kind: 'hourly', minuteOfDay: 30, everyHours: 1, graceMinutes: 15 });
    const day = occurrencesBetween(hourly, AMS, at('2026-10-24T22:00Z'), at('2026-10-25T22:59Z'));
    expect(day).toHaveLength(24);
    expect(iso(day.slice(1, 5))).toEqual([
      '2026-10-24T23:30Z', // 01:30 CEST
      '2026-10-25T00:30Z', // 02:30 CEST, the first 02:30
      '2026-10-25T02:30Z', // 03:30 CET: two hours later
      '2026-10-25T03:30Z',
    ]);
  });

  it('a first run of the day later than the interval is the same clock lattice', () => {
    const a = spec({ kind: 'hourly', minuteOfDay: 13 * 60, everyHours: 4 });
    const b = spec({ kind: 'hourly', minuteOfDay: 60, everyHours: 4 });
    const range = [at('2026-06-01T00:00Z'), at('2026-06-03T00:00Z')] as const;
    expect(occurrencesBetween(a, 'UTC', ...range)).toEqual(occurrencesBetween(b, 'UTC', ...range));
  });
});

describe('windows', () => {
  it('open halfway after the previous expected time and close at the expected time plus the grace', () => {
    const daily = spec({ kind: 'daily', minuteOfDay: 22 * 60, graceMinutes: 90 });
    const windows = windowsWithDeadlineIn(daily, 'UTC', at('2026-06-01T12:00Z'), at('2026-06-03T12:00Z'));
    expect(windows.map((w) => iso([w.opensAt, w.expectedAt, w.deadline]))).toEqual([
      ['2026-06-01T10:00Z', '2026-06-01T22:00Z', '2026-06-01T23:30Z'],
      ['2026-06-02T10:00Z', '2026-06-02T22:00Z', '2026-06-02T23:30Z'],
    ]);
  });

  it('select by deadline: a window closing exactly at the lower bound is not selected again', () => {
    const daily = spec({ kind: 'daily', minuteOfDay: 22 * 60, graceMinutes: 60 });
    expect(windowsWithDeadlineIn(daily, 'UTC', at('2026-06-01T23:00Z'), at('2026-06-02T23:00Z'))).toHaveLength(1);
    expect(windowsWithDeadlineIn(daily, 'UTC', at('2026-06-01T22:59Z'), at('2026-06-02T22:59Z'))).toHaveLength(1);
    expect(windowsWithDeadlineIn(daily, 'UTC', at('2026-06-01T23:00Z'), at('2026-06-02T22:59Z'))).toHaveLength(0);
  });

  it('on weekdays, Monday’s window opens on Sunday morning, halfway from Friday evening', () => {
    const weekdays = spec({ kind: 'weekdays', minuteOfDay: 20 * 60 });
    const monday = windowOf(weekdays, 'UTC', at('2026-06-08T20:00Z'));
    expect(monday.opensAt.toISOString()).toBe('2026-06-07T08:00:00.000Z');
  });

  it('the smallest gap bounds the grace period', () => {
    expect(smallestGapMinutes({ kind: 'daily', weekdays: [], everyHours: null })).toBe(1440);
    expect(smallestGapMinutes({ kind: 'weekdays', weekdays: [], everyHours: null })).toBe(1440);
    expect(smallestGapMinutes({ kind: 'hourly', weekdays: [], everyHours: 4 })).toBe(240);
    expect(smallestGapMinutes({ kind: 'weekly', weekdays: [3], everyHours: null })).toBe(7 * 1440);
    expect(smallestGapMinutes({ kind: 'weekly', weekdays: [1, 4], everyHours: null })).toBe(3 * 1440);
    expect(smallestGapMinutes({ kind: 'weekly', weekdays: [1, 7], everyHours: null })).toBe(1440);
  });
});
