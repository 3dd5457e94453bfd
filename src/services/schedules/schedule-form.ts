import { z } from 'zod';
import type { ScheduleKind } from '../../db/database.ts';
import { EVERY_HOURS, minutesOfDay, smallestGapMinutes, type ScheduleSpec } from './occurrences.ts';

/**
 * The schedule form of the job page: what an admin types, checked and turned into a schedule, and
 * a schedule in words and as form values (docs/missed-runs.md).
 */

export const KIND_LABELS: Record<ScheduleKind, string> = {
  daily: 'Daily',
  weekdays: 'Weekdays (Monday to Friday)',
  weekly: 'Weekly',
  hourly: 'Every few hours',
};

export const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** The grace period's upper end in the form; the smallest gap of the schedule is the real limit. */
const GRACE_MAX = 7 * 24 * 60;

/** The form as typed, for showing it again (strings, as a browser sends them). */
export interface ScheduleFormValues {
  readonly kind: string;
  readonly time: string;
  readonly days: readonly string[];
  readonly everyHours: string;
  readonly graceMinutes: string;
}

const TIME_MESSAGE = 'Enter a time as hours and minutes, e.g. 22:30';
const DAYS_MESSAGE = 'Choose at least one day';
const EVERY_MESSAGE = `Choose every ${EVERY_HOURS.slice(0, -1).join(', ')} or ${EVERY_HOURS[EVERY_HOURS.length - 1]} hours`;
const GRACE_MESSAGE = 'Enter the grace period in whole minutes, e.g. 60';

/** One value or the same field repeated (checkboxes), as the form parser hands it over. */
const listOf = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

const timeField = z
  .string({ error: TIME_MESSAGE })
  .trim()
  .regex(/^([01]?\d|2[0-3]):[0-5]\d$/, TIME_MESSAGE)
  .transform((t) => {
    const [h, m] = t.split(':').map(Number);
    return h! * 60 + m!;
  });

export const scheduleFormSchema = z
  .object({
    kind: z.enum(['daily', 'weekdays', 'weekly', 'hourly'], { error: 'Choose how often the job runs' }),
    time: timeField,
    days: z.preprocess(listOf, z.array(z.enum(['1', '2', '3', '4', '5', '6', '7'], { error: DAYS_MESSAGE }))),
    everyHours: z.unknown().optional(),
    graceMinutes: z
      .string({ error: GRACE_MESSAGE })
      .trim()
      .regex(/^\d{1,6}$/, GRACE_MESSAGE)
      .transform(Number)
      .refine((n) => n <= GRACE_MAX, GRACE_MESSAGE),
  })
  .transform((f, ctx): ScheduleSpec => {
    const weekdays = f.kind === 'weekly' ? [...new Set(f.days.map(Number))].sort((a, b) => a - b) : [];
    if (f.kind === 'weekly' && weekdays.length === 0)
      ctx.addIssue({ code: 'custom', path: ['days'], message: DAYS_MESSAGE });
    let everyHours: number | null = null;
    if (f.kind === 'hourly') {
      everyHours = typeof f.everyHours === 'string' && /^\d{1,2}$/.test(f.everyHours) ? Number(f.everyHours) : NaN;
      if (!(EVERY_HOURS as readonly number[]).includes(everyHours)) {
        ctx.addIssue({ code: 'custom', path: ['everyHours'], message: EVERY_MESSAGE });
        everyHours = null;
      }
    }
    const draft = { kind: f.kind, weekdays, everyHours };
    // The first run of the day for "every few hours": the same clock times, whichever one was typed.
    const minuteOfDay = minutesOfDay({ ...draft, minuteOfDay: f.time })[0] ?? f.time;
    const gap = smallestGapMinutes(draft);
    if (f.graceMinutes >= gap && (f.kind !== 'hourly' || everyHours !== null)) {
      ctx.addIssue({
        code: 'custom',
        path: ['graceMinutes'],
        message: `Make the grace period shorter than ${gap} minutes, the shortest time between two expected runs`,
      });
    }
    return { ...draft, minuteOfDay, graceMinutes: f.graceMinutes };
  });

/** A clock time from minutes after midnight: 90 → "01:30". */
export function clockTime(minuteOfDay: number): string {
  return `${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}`;
}

/** "Monday, Wednesday and Friday". */
export function dayList(weekdays: readonly number[]): string {
  const names = weekdays.map((d) => WEEKDAY_NAMES[d - 1] ?? String(d));
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** The schedule in words: "Daily at 22:00", "Every 4 hours from 01:30", each with its grace period. */
export function describeSchedule(spec: ScheduleSpec): string {
  const at = clockTime(spec.minuteOfDay);
  const when: Record<ScheduleKind, () => string> = {
    daily: () => `Daily at ${at}`,
    weekdays: () => `Weekdays (Monday to Friday) at ${at}`,
    weekly: () => `Weekly on ${dayList(spec.weekdays)} at ${at}`,
    hourly: () => `Every ${spec.everyHours} hour${spec.everyHours === 1 ? '' : 's'} from ${at}`,
  };
  return `${when[spec.kind]()}, grace period ${spec.graceMinutes} minutes`;
}

/** A schedule as the form shows it. */
export function formValuesOf(spec: ScheduleSpec): ScheduleFormValues {
  return {
    kind: spec.kind,
    time: clockTime(spec.minuteOfDay),
    days: spec.weekdays.map(String),
    everyHours: spec.everyHours === null ? '' : String(spec.everyHours),
    graceMinutes: String(spec.graceMinutes),
  };
}

/** The form as it came in, for showing it again after a refusal (anything but text is dropped). */
export function typedValues(body: unknown): ScheduleFormValues {
  const b = (body ?? {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    kind: text(b['kind']),
    time: text(b['time']),
    days: listOf(b['days']).filter((d): d is string => typeof d === 'string'),
    everyHours: text(b['everyHours']),
    graceMinutes: text(b['graceMinutes']),
  };
}

/** An empty form: daily at 22:00 with an hour's grace, a common backup window. */
export const DEFAULT_FORM_VALUES: ScheduleFormValues = {
  kind: 'daily',
  time: '22:00',
  days: [],
  everyHours: '',
  graceMinutes: '60',
};
