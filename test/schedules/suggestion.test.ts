import { describe, expect, it } from 'vitest';
import { describeSchedule } from '../../src/services/schedules/schedule-form.ts';
import { NOT_ENOUGH_RUNS, suggestSchedule } from '../../src/services/schedules/suggestion.ts';

const AMS = 'Europe/Amsterdam';
const DAY = 24 * 3_600_000;
const MIN = 60_000;

/** Run times: `days` consecutive days from Monday 1 June 2026 (CEST, UTC+2), at local `hh:mm` plus a jitter. */
function runsAt(hhmm: string, days: readonly number[], jitterMinutes: (i: number) => number = () => 0): Date[] {
  const [h, m] = hhmm.split(':').map(Number);
  const monday = Date.UTC(2026, 5, 1, h! - 2, m);
  return days.map((d, i) => new Date(monday + d * DAY + jitterMinutes(i) * MIN));
}
const fortnight = Array.from({ length: 14 }, (_, i) => i);

function suggested(times: Date[]) {
  const s = suggestSchedule(times, AMS);
  if (!s.ok) throw new Error(s.reason);
  return s.schedule;
}

describe('schedule suggestion from the last 14 days of runs', () => {
  it('daily: every day around 22:00 → daily at the median, rounded to 5 minutes; grace twice the spread', () => {
    // Between 21:58 and 22:19: median 22:03 → 22:05; largest deviation 14 minutes → 28 → 30.
    const times = runsAt('22:00', fortnight, (i) => [3, -2, 19, 1, 4, 2, 8, 3, 5, 0, 2, 6, 3, 1][i]!);
    const s = suggested(times);
    expect(s).toEqual({ kind: 'daily', minuteOfDay: 22 * 60 + 5, weekdays: [], everyHours: null, graceMinutes: 30 });
    expect(describeSchedule(s)).toBe('Daily at 22:05, grace period 30 minutes');
  });

  it('daily around midnight: runs at 23:55 and 00:05 are one rhythm, at midnight', () => {
    const times = runsAt('23:55', fortnight, (i) => (i % 2 ? 10 : 0));
    const s = suggested(times);
    expect(s.kind).toBe('daily');
    expect([0, 1435, 1430]).toContain(s.minuteOfDay);
    expect(s.graceMinutes).toBe(30);
  });

  it('weekdays: Monday to Friday of two weeks → weekdays', () => {
    const s = suggested(runsAt('21:30', [0, 1, 2, 3, 4, 7, 8, 9, 10, 11]));
    expect(s).toMatchObject({ kind: 'weekdays', minuteOfDay: 21 * 60 + 30, weekdays: [] });
  });

  it('weekly: on the days seen (Monday and Thursday) → weekly on those days', () => {
    const s = suggested(runsAt('03:00', [0, 3, 7, 10]));
    expect(s).toMatchObject({ kind: 'weekly', minuteOfDay: 180, weekdays: [1, 4] });
    expect(describeSchedule(s)).toBe('Weekly on Monday and Thursday at 03:00, grace period 30 minutes');
  });

  it('hourly: every 4 hours from 02:10 → every few hours, first run of the day 02:10', () => {
    const start = Date.UTC(2026, 5, 1, 0, 10); // 02:10 CEST
    const times = Array.from({ length: 30 }, (_, i) => new Date(start + i * 4 * 3_600_000 + (i % 3) * MIN));
    const s = suggested(times);
    expect(s).toEqual({ kind: 'hourly', minuteOfDay: 130, weekdays: [], everyHours: 4, graceMinutes: 30 });
    expect(describeSchedule(s)).toBe('Every 4 hours from 02:10, grace period 30 minutes');
  });

  it('hourly: every hour, the grace stays below the hour', () => {
    const start = Date.UTC(2026, 5, 1, 0, 0);
    const times = Array.from({ length: 48 }, (_, i) => new Date(start + i * 3_600_000 + (i % 4) * 5 * MIN));
    const s = suggested(times);
    expect(s.kind).toBe('hourly');
    expect(s.everyHours).toBe(1);
    expect(s.graceMinutes).toBeLessThan(60);
  });

  it('not enough runs: fewer than 3', () => {
    expect(suggestSchedule(runsAt('22:00', [0, 1]), AMS)).toEqual({ ok: false, reason: NOT_ENOUGH_RUNS });
    expect(suggestSchedule([], AMS)).toEqual({ ok: false, reason: NOT_ENOUGH_RUNS });
    expect(NOT_ENOUGH_RUNS).toBe('Not enough runs in the last 14 days to suggest a schedule');
  });
});
