import { beforeEach, describe, expect, it } from 'vitest';
import { CATCH_UP_DAYS } from '../../src/services/schedules/detection.ts';
import { resetData, useTestDatabase } from '../support/db.ts';
import { addJobRun, detectAt, makeScheduledJob, missedOf } from './fixtures.ts';

/**
 * Missed-run detection against the database, in Europe/Amsterdam (CEST = UTC+2 in June). Times in
 * the comments are local.
 */

const ctx = useTestDatabase();
beforeEach(() => resetData(ctx.db));

describe('a missed run per window without a run', () => {
  it('records a missed run with the window in its remark, and none where a run arrived within the grace period', async () => {
    // Daily at 22:00 with 60 minutes' grace, confirmed on 1 June at noon.
    const { job } = await makeScheduledJob(ctx.db, {
      schedule: { kind: 'daily', minuteOfDay: 22 * 60, graceMinutes: 60 },
      confirmedAt: new Date('2026-06-01T10:00Z'),
    });
    await addJobRun(ctx.db, job.id, '2026-06-01T20:59Z'); // 22:59: inside the grace period
    await addJobRun(ctx.db, job.id, '2026-06-02T21:01Z'); // 23:01: a minute after the deadline
    await addJobRun(ctx.db, job.id, '2026-06-03T19:30Z'); // 21:30: early, inside the window

    const result = await detectAt(ctx.db, '2026-06-04T10:00Z');
    expect(result).toEqual({ schedules: 1, windows: 3, missed: 1 });
    expect(await missedOf(ctx.db, job.id)).toEqual(['2026-06-02T20:00Z']);
    const missed = await ctx.db.prisma.run.findFirstOrThrow({
      where: { jobId: job.id, status: 'missed' },
      include: { objects: true },
    });
    expect(missed).toMatchObject({ runAt: new Date('2026-06-02T20:00Z'), reviewedAt: null, objects: [] });
    expect(missed.remark).toBe(
      'No run arrived between 02/06/2026, 10:00 CEST and 02/06/2026, 23:00 CEST (expected at 02/06/2026, 22:00 CEST, grace 60 minutes).',
    );
    // The late run is a normal run: stored, not in the window.
    expect(await ctx.db.prisma.run.count({ where: { jobId: job.id, status: 'success' } })).toBe(3);
  });

  it('checks a window only once its deadline has passed, and never again', async () => {
    const { job, schedule } = await makeScheduledJob(ctx.db, {
      schedule: { kind: 'daily', minuteOfDay: 22 * 60, graceMinutes: 60 },
      confirmedAt: new Date('2026-06-01T10:00Z'),
    });
    expect(await detectAt(ctx.db, '2026-06-01T20:59Z')).toMatchObject({ windows: 0, missed: 0 }); // 22:59
    expect(await detectAt(ctx.db, '2026-06-01T21:00Z')).toMatchObject({ windows: 1, missed: 1 }); // 23:00
    expect(await detectAt(ctx.db, '2026-06-01T21:05Z')).toMatchObject({ windows: 0, missed: 0 });
    const after = await ctx.db.prisma.jobSchedule.findUniqueOrThrow({ where: { jobId: job.id } });
    expect(after.checkedUntil).toEqual(new Date('2026-06-01T21:05Z'));
    expect(after.confirmedAt).toEqual(schedule.confirmedAt);
  });

  it('each kind across a day boundary and the spring DST change: only the windows without a run', async () => {
    // Saturday 28 to Monday 30 March 2026; summer time starts on Sunday 29 March at 02:00.
    const confirmedAt = new Date('2026-03-27T12:00Z');
    const daily = await makeScheduledJob(ctx.db, {
      schedule: { kind: 'daily', minuteOfDay: 150, graceMinutes: 30 }, // 02:30: does not exist on the 29th
      confirmedAt,
    });
    await addJobRun(ctx.db, daily.job.id, '2026-03-28T01:40Z'); // Sat 02:40 CET
    await addJobRun(ctx.db, daily.job.id, '2026-03-29T01:45Z'); // Sun 03:45 CEST: 02:30 moved to 03:30, grace 30

    const weekdays = await makeScheduledJob(ctx.db, {
      schedule: { kind: 'weekdays', minuteOfDay: 23 * 60 + 30, graceMinutes: 60 }, // 23:30, grace past midnight
      confirmedAt,
    });
    await addJobRun(ctx.db, weekdays.job.id, '2026-03-27T23:10Z'); // Sat 00:10: Friday's, after midnight

    const weekly = await makeScheduledJob(ctx.db, {
      schedule: { kind: 'weekly', minuteOfDay: 60, weekdays: [7], graceMinutes: 120 }, // Sunday 01:00
      confirmedAt,
    });

    const hourly = await makeScheduledJob(ctx.db, {
      schedule: { kind: 'hourly', minuteOfDay: 30, everyHours: 2, graceMinutes: 20 }, // 00:30, 02:30, 04:30, …
      confirmedAt: new Date('2026-03-28T21:00Z'), // Sat 22:00
    });
    // Sat 22:30, Sun 00:30, then 02:30 → 03:30 CEST, 04:30 CEST (run missing), 06:30 CEST.
    for (const t of ['2026-03-28T21:30Z', '2026-03-28T23:30Z', '2026-03-29T01:31Z', '2026-03-29T04:30Z']) {
      await addJobRun(ctx.db, hourly.job.id, t);
    }

    await detectAt(ctx.db, '2026-03-29T05:00Z'); // Sun 07:00 CEST
    expect(await missedOf(ctx.db, daily.job.id)).toEqual([]);
    expect(await missedOf(ctx.db, weekdays.job.id)).toEqual([]);
    expect(await missedOf(ctx.db, weekly.job.id)).toEqual(['2026-03-29T00:00Z']); // Sun 01:00 CET
    expect(await missedOf(ctx.db, hourly.job.id)).toEqual(['2026-03-29T02:30Z']); // 04:30 CEST

    await detectAt(ctx.db, '2026-03-31T10:00Z'); // Tuesday noon
    expect(await missedOf(ctx.db, daily.job.id)).toEqual(['2026-03-30T00:30Z', '2026-03-31T00:30Z']);
    expect(await missedOf(ctx.db, weekdays.job.id)).toEqual(['2026-03-30T21:30Z']); // Monday 23:30 CEST
  });

  it('across the autumn DST change: the repeated 02:30 is expected once, at its first occurrence', async () => {
    const { job } = await makeScheduledJob(ctx.db, {
      schedule: { kind: 'hourly', minuteOfDay: 30, everyHours: 1, graceMinutes: 10 },
      confirmedAt: new Date('2026-10-24T22:00Z'), // Sun 00:00 CEST
    });
    // 00:30 CEST, 01:30 CEST, 02:30 CEST (first) …, 03:30 CET: runs at all of them but 02:30.
    await addJobRun(ctx.db, job.id, '2026-10-24T22:30Z');
    await addJobRun(ctx.db, job.id, '2026-10-24T23:30Z');
    await addJobRun(ctx.db, job.id, '2026-10-25T01:30Z'); // 02:30 CET: the second 02:30, outside the first's window
    await addJobRun(ctx.db, job.id, '2026-10-25T02:30Z'); // 03:30 CET
    await detectAt(ctx.db, '2026-10-25T03:00Z');
    expect(await missedOf(ctx.db, job.id)).toEqual(['2026-10-25T00:30Z']);
  });
});

describe('where checking starts', () => {
  it('never before the confirmation of the schedule', async () => {
    const { job } = await makeScheduledJob(ctx.db, {
      schedule: { kind: 'daily', minuteOfDay: 22 * 60, graceMinutes: 60 },
      confirmedAt: new Date('2026-06-05T12:00Z'),
    });
    await ctx.db.prisma.jobSchedule.update({
      where: { jobId: job.id },
      data: { checkedUntil: new Date('2026-06-01T00:00Z') },
    });
    await detectAt(ctx.db, '2026-06-06T12:00Z');
    expect(await missedOf(ctx.db, job.id)).toEqual(['2026-06-05T20:00Z']);
  });

  it(`after a long outage, at most the last ${CATCH_UP_DAYS} days of windows are recorded`, async () => {
    const { job } = await makeScheduledJob(ctx.db, {
      schedule: { kind: 'daily', minuteOfDay: 22 * 60, graceMinutes: 60 },
      confirmedAt: new Date('2026-05-01T12:00Z'),
    });
    const result = await detectAt(ctx.db, '2026-06-01T12:00Z');
    expect(result.missed).toBe(CATCH_UP_DAYS);
    const missed = await missedOf(ctx.db, job.id);
    expect(missed[0]).toBe('2026-05-18T20:00Z');
    expect(missed[missed.length - 1]).toBe('2026-05-31T20:00Z');
  });

  it('leaves inactive customers alone, and does not come back for their windows', async () => {
    const { job, customer } = await makeScheduledJob(ctx.db, {
      schedule: { kind: 'daily' },
      confirmedAt: new Date('2026-06-01T10:00Z'),
      customerActive: false,
    });
    await detectAt(ctx.db, '2026-06-03T10:00Z');
    await ctx.db.prisma.customer.update({ where: { id: customer.id }, data: { active: true } });
    await detectAt(ctx.db, '2026-06-04T10:00Z');
    expect(await missedOf(ctx.db, job.id)).toEqual(['2026-06-03T20:00Z']);
  });
});

describe('idempotence', () => {
  it('a second cycle, or one after a crash before checkedUntil moved, records nothing twice', async () => {
    const { job } = await makeScheduledJob(ctx.db, {
      schedule: { kind: 'hourly', minuteOfDay: 0, everyHours: 3, graceMinutes: 30 },
      confirmedAt: new Date('2026-06-01T00:00Z'),
    });
    const first = await detectAt(ctx.db, '2026-06-02T00:00Z');
    expect(first.missed).toBe(8);
    expect((await detectAt(ctx.db, '2026-06-02T00:00Z')).missed).toBe(0);
    // As after a restart that lost the advance of checkedUntil: the same windows again.
    await ctx.db.prisma.jobSchedule.update({
      where: { jobId: job.id },
      data: { checkedUntil: new Date('2026-06-01T00:00Z') },
    });
    const again = await detectAt(ctx.db, '2026-06-02T00:00Z');
    expect(again).toMatchObject({ windows: 8, missed: 0 });
    expect(await missedOf(ctx.db, job.id)).toHaveLength(8);
  });

  it('never moves checkedUntil backwards (a cycle with an older clock)', async () => {
    const { job } = await makeScheduledJob(ctx.db, {
      schedule: { kind: 'daily' },
      confirmedAt: new Date('2026-06-01T00:00Z'),
    });
    await detectAt(ctx.db, '2026-06-03T00:00Z');
    await detectAt(ctx.db, '2026-06-02T00:00Z');
    const s = await ctx.db.prisma.jobSchedule.findUniqueOrThrow({ where: { jobId: job.id } });
    expect(s.checkedUntil).toEqual(new Date('2026-06-03T00:00Z'));
  });
});

describe('a run that arrives after its window was recorded as missed', () => {
  it('is stored as a normal run; the missed run stays, and no second one is recorded', async () => {
    const { job } = await makeScheduledJob(ctx.db, {
      schedule: { kind: 'daily', minuteOfDay: 22 * 60, graceMinutes: 60 },
      confirmedAt: new Date('2026-06-01T10:00Z'),
    });
    await detectAt(ctx.db, '2026-06-01T21:30Z');
    expect(await missedOf(ctx.db, job.id)).toEqual(['2026-06-01T20:00Z']);
    // The report of a run at 22:10 arrives late, then one at 01:00 the next night.
    await addJobRun(ctx.db, job.id, '2026-06-01T20:10Z');
    await addJobRun(ctx.db, job.id, '2026-06-01T23:00Z');
    await ctx.db.prisma.jobSchedule.update({
      where: { jobId: job.id },
      data: { checkedUntil: new Date('2026-06-01T12:00Z') },
    });
    await detectAt(ctx.db, '2026-06-01T23:30Z');
    expect(await missedOf(ctx.db, job.id)).toEqual(['2026-06-01T20:00Z']);
    expect(await ctx.db.prisma.run.count({ where: { jobId: job.id } })).toBe(3);
  });
});
