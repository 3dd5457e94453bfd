import { beforeEach, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/services/accounts/audit.ts';
import { currentPause } from '../../src/services/schedules/pause.ts';
import { pauseCustomer, pauseJob, resumeCustomer, resumeJob } from '../../src/services/schedules/pauses.ts';
import { resetData, useTestDatabase } from '../support/db.ts';
import { AMS, addJobRun, detectAt, makeScheduledJob, missedOf } from './fixtures.ts';

/**
 * Maintenance pauses: no expected time inside a pause is reported missed, before or after the pause
 * ends. Daily at 22:00 CEST (20:00 UTC) with an hour's grace throughout.
 */

const ctx = useTestDatabase();
beforeEach(() => resetData(ctx.db));
const deps = () => ({ db: ctx.db.prisma, timezone: AMS });
const daily = () =>
  makeScheduledJob(ctx.db, {
    customerName: 'Acme Dental',
    jobName: 'Nightly',
    schedule: { kind: 'daily', minuteOfDay: 22 * 60, graceMinutes: 60 },
    confirmedAt: new Date('2026-06-01T10:00Z'),
  });

describe('pausing a job', () => {
  it('with an end time: the windows inside are never reported, those after it are', async () => {
    const { job } = await daily();
    await pauseJob(
      deps(),
      systemActor,
      job.id,
      { until: new Date('2026-06-04T10:00Z'), reason: 'Server move' },
      new Date('2026-06-02T10:00Z'),
    );
    // The window that closed before the pause was settled when the pause started.
    expect(await missedOf(ctx.db, job.id)).toEqual(['2026-06-01T20:00Z']);
    await detectAt(ctx.db, '2026-06-06T10:00Z');
    expect(await missedOf(ctx.db, job.id)).toEqual(['2026-06-01T20:00Z', '2026-06-04T20:00Z', '2026-06-05T20:00Z']);

    const row = await ctx.db.prisma.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(row).toMatchObject({ pauseReason: 'Server move', pausedAt: new Date('2026-06-02T10:00Z') });
    // Past its end the pause is over: nothing to resume.
    expect(currentPause(row, new Date('2026-06-03T10:00Z'))).not.toBeNull();
    expect(currentPause(row, new Date('2026-06-06T10:00Z'))).toBeNull();
    expect(await resumeJob(deps(), systemActor, job.id, new Date('2026-06-06T10:00Z'))).toMatchObject({
      resumed: false,
    });
    const events = await ctx.db.prisma.auditEvent.findMany({ orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.action, e.summary])).toEqual([
      ['job.paused', 'Paused job Acme Dental / Nightly until 04/06/2026, 12:00 CEST: Server move'],
    ]);
  });

  it('resumed while the window of an expected time inside the pause is still open: that window is not reported', async () => {
    const { job } = await daily();
    await pauseJob(deps(), systemActor, job.id, { until: null, reason: null }, new Date('2026-06-02T10:00Z'));
    await detectAt(ctx.db, '2026-06-03T10:00Z');
    // 22:30 on 3 June: 22:00 fell in the pause, its deadline (23:00) is still ahead.
    await resumeJob(deps(), systemActor, job.id, new Date('2026-06-03T20:30Z'));
    await detectAt(ctx.db, '2026-06-05T10:00Z');
    expect(await missedOf(ctx.db, job.id)).toEqual(['2026-06-01T20:00Z', '2026-06-04T20:00Z']);
    const row = await ctx.db.prisma.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(row).toMatchObject({ pausedAt: null, pauseEndsAt: null, pauseReason: null });
  });

  it('runs that arrive during a pause are stored as usual', async () => {
    const { job } = await daily();
    await pauseJob(deps(), systemActor, job.id, { until: null, reason: null }, new Date('2026-06-01T12:00Z'));
    await addJobRun(ctx.db, job.id, '2026-06-01T20:05Z', 'error');
    await detectAt(ctx.db, '2026-06-03T10:00Z');
    expect(await missedOf(ctx.db, job.id)).toEqual([]);
    expect(await ctx.db.prisma.run.count({ where: { jobId: job.id } })).toBe(1);
  });
});

describe('pausing a customer', () => {
  it('pauses all its jobs; resuming reports nothing that fell inside the pause', async () => {
    const { job: first, customer } = await daily();
    const { job: second } = await makeScheduledJob(ctx.db, {
      customerName: 'Acme Dental',
      jobName: 'Hourly',
      schedule: { kind: 'hourly', minuteOfDay: 0, everyHours: 12, graceMinutes: 60 },
      confirmedAt: new Date('2026-06-01T10:00Z'),
    });
    const other = await makeScheduledJob(ctx.db, {
      customerName: 'Tailspin Toys',
      schedule: { kind: 'daily', minuteOfDay: 22 * 60, graceMinutes: 60 },
      confirmedAt: new Date('2026-06-01T10:00Z'),
    });
    await pauseCustomer(
      deps(),
      systemActor,
      customer.id,
      { until: null, reason: 'Office move' },
      new Date('2026-06-01T21:30Z'),
    );
    await detectAt(ctx.db, '2026-06-03T10:00Z');
    await resumeCustomer(deps(), systemActor, customer.id, new Date('2026-06-03T20:30Z'));
    await detectAt(ctx.db, '2026-06-05T10:00Z');

    expect(await missedOf(ctx.db, first.id)).toEqual(['2026-06-01T20:00Z', '2026-06-04T20:00Z']);
    // 00:00 and 12:00 local (22:00 and 10:00 UTC): before the pause, then from the resume (22:30 on 3 June) on.
    expect(await missedOf(ctx.db, second.id)).toEqual([
      '2026-06-01T10:00Z',
      '2026-06-03T22:00Z',
      '2026-06-04T10:00Z',
      '2026-06-04T22:00Z',
    ]);
    expect(await missedOf(ctx.db, other.job.id)).toHaveLength(4);
    const events = await ctx.db.prisma.auditEvent.findMany({ orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.action, e.targetType, e.targetId, e.summary])).toEqual([
      ['customer.paused', 'customer', String(customer.id), 'Paused customer Acme Dental: Office move'],
      ['customer.resumed', 'customer', String(customer.id), 'Resumed customer Acme Dental'],
    ]);
  });

  it('with an end time in the past the pause is over, and the windows after it are reported', async () => {
    const { job, customer } = await daily();
    await pauseCustomer(
      deps(),
      systemActor,
      customer.id,
      { until: new Date('2026-06-02T22:00Z'), reason: null },
      new Date('2026-06-01T12:00Z'),
    );
    await detectAt(ctx.db, '2026-06-04T10:00Z');
    expect(await missedOf(ctx.db, job.id)).toEqual(['2026-06-03T20:00Z']);
  });
});
