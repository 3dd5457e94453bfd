import { DateTime } from 'luxon';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/app.ts';
import { buildTestApp, signInAs } from '../support/app.ts';
import { resetData, useTestDatabase } from '../support/db.ts';
import { AMS, addJobRun, detectAt, makeScheduledJob } from './fixtures.ts';
import { addRun } from '../runs/fixtures.ts';

/** The job page (/jobs/:id): who sees what, the schedule form, pause and resume, and the run page's links to it. */

const ctx = useTestDatabase();
let built: BuiltApp;
beforeAll(() => {
  built = buildTestApp(ctx.db, { APP_TIMEZONE: AMS });
});
afterAll(() => built.close());
beforeEach(() => resetData(ctx.db));

/** A job without a schedule, with a run every night at 22:00 local over the last `nights` nights. */
async function jobWithNightlyRuns(nights: number) {
  const run = await addRun(ctx.db, {
    customer: 'Acme Dental',
    job: 'Practice servers',
    status: 'success',
    runAt: new Date(Date.now() - 30 * 86_400_000).toISOString(),
  });
  const today = DateTime.now().setZone(AMS).startOf('day');
  for (let i = 1; i <= nights; i++) {
    await addJobRun(ctx.db, run.jobId, today.minus({ days: i }).set({ hour: 22, minute: 0 }).toJSDate());
  }
  return run.jobId;
}

/** A local date and time `days` from now, as a datetime-local field sends it. */
const localInput = (days: number) => DateTime.now().setZone(AMS).plus({ days }).toFormat("yyyy-MM-dd'T'HH:mm");

const scheduleForm = (csrf: string, fields: Record<string, string | string[]>) => ({ _csrf: csrf, ...fields });

describe('the job page for each role', () => {
  it('shows a reporter the job, its schedule state, the suggestion and recent runs, without any form', async () => {
    const jobId = await jobWithNightlyRuns(8);
    const { agent } = await signInAs(built.app, ctx.db, 'reporter');
    const page = await agent.get(`/jobs/${jobId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Acme Dental');
    expect(page.text).toContain('<h1>Practice servers');
    expect(page.text).toContain('Veeam Backup &amp; Replication');
    expect(page.text).toContain('VM backup');
    expect(page.text).toContain('No schedule.');
    expect(page.text).toContain('Daily at 22:00, grace period 30 minutes');
    expect(page.text).toContain('Runs of the last 14 days');
    // The run of 30 days ago is not among them; the eight nightly ones are, with links.
    expect(page.text.match(/href="\/runs\/\d+"/g)).toHaveLength(8);
    for (const label of ['Save schedule', 'Use this schedule', 'Pause job', 'Resume job', 'Remove schedule']) {
      expect(page.text).not.toContain(label);
    }
    expect((await agent.get('/jobs/999999')).status).toBe(404);
  });

  it('refuses an operator (and a reporter) every change, server-side', async () => {
    const jobId = await jobWithNightlyRuns(0);
    const customer = await ctx.db.prisma.customer.findFirstOrThrow();
    for (const role of ['operator', 'reporter'] as const) {
      const { agent, csrf } = await signInAs(built.app, ctx.db, role);
      const page = await agent.get(`/jobs/${jobId}`);
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('Save schedule');
      const posts = [
        [`/jobs/${jobId}/schedule`, { kind: 'daily', time: '22:00', graceMinutes: '60' }],
        [`/jobs/${jobId}/schedule/remove`, {}],
        [`/jobs/${jobId}/pause`, { until: '', reason: '' }],
        [`/jobs/${jobId}/resume`, {}],
        [`/customers/${customer.id}/pause`, { until: '', reason: '' }],
        [`/customers/${customer.id}/resume`, {}],
      ] as const;
      for (const [url, fields] of posts) {
        const res = await agent
          .post(url)
          .type('form')
          .send({ _csrf: csrf, ...fields });
        expect(res.status, `${role} POST ${url}`).toBe(403);
      }
    }
    expect(await ctx.db.prisma.jobSchedule.count()).toBe(0);
    expect((await ctx.db.prisma.job.findUniqueOrThrow({ where: { id: jobId } })).pausedAt).toBeNull();
    expect((await ctx.db.prisma.customer.findUniqueOrThrow({ where: { id: customer.id } })).pausedAt).toBeNull();
  });

  it('says when there are not enough runs to suggest a schedule', async () => {
    const jobId = await jobWithNightlyRuns(2);
    const { agent } = await signInAs(built.app, ctx.db, 'admin');
    const page = await agent.get(`/jobs/${jobId}`);
    expect(page.text).toContain('Not enough runs in the last 14 days to suggest a schedule');
    expect(page.text).not.toContain('Use this schedule');
  });
});

describe('the schedule form (admins)', () => {
  it('prefills the suggestion, saves it with an audit event, and removes it', async () => {
    const jobId = await jobWithNightlyRuns(7);
    const { agent, csrf, user } = await signInAs(built.app, ctx.db, 'admin');
    const page = await agent.get(`/jobs/${jobId}`);
    for (const label of ['Runs', 'Time', 'Days', 'Every (hours)', 'Grace period (minutes)', 'Save schedule']) {
      expect(page.text).toContain(label);
    }
    for (const option of ['Daily', 'Weekdays (Monday to Friday)', 'Weekly', 'Every few hours']) {
      expect(page.text).toContain(`>${option}</option>`);
    }
    expect(page.text).toContain(`href="/jobs/${jobId}?use=suggestion#schedule-form"`);
    const prefilled = await agent.get(`/jobs/${jobId}?use=suggestion`);
    expect(prefilled.text).toContain('The form holds the suggested schedule.');
    expect(prefilled.text).toContain('<option value="daily" selected>Daily</option>');
    expect(prefilled.text).toContain('name="time" type="time" value="22:00"');
    expect(prefilled.text).toContain('name="graceMinutes" inputmode="numeric" value="30"');

    const saved = await agent
      .post(`/jobs/${jobId}/schedule`)
      .type('form')
      .send(
        scheduleForm(csrf, { kind: 'weekly', time: '03:00', days: ['1', '4'], everyHours: '', graceMinutes: '90' }),
      );
    expect(saved.status).toBe(302);
    expect(saved.headers.location).toBe(`/jobs/${jobId}`);
    const row = await ctx.db.prisma.jobSchedule.findUniqueOrThrow({ where: { jobId } });
    expect(row).toMatchObject({
      kind: 'weekly',
      minuteOfDay: 180,
      weekdays: [1, 4],
      everyHours: null,
      graceMinutes: 90,
    });
    expect(row.confirmedById).toBe(user.id);
    expect(row.checkedUntil.getTime()).toBeGreaterThanOrEqual(row.confirmedAt.getTime());
    const after = await agent.get(`/jobs/${jobId}`);
    expect(after.text).toContain('Schedule saved: Weekly on Monday and Thursday at 03:00, grace period 90 minutes.');
    expect(after.text).toContain('Remove schedule');

    const removed = await agent.post(`/jobs/${jobId}/schedule/remove`).type('form').send({ _csrf: csrf });
    expect(removed.status).toBe(302);
    expect(await ctx.db.prisma.jobSchedule.count()).toBe(0);
    expect((await agent.get(`/jobs/${jobId}`)).text).toContain('No schedule.');

    const events = await ctx.db.prisma.auditEvent.findMany({
      where: { action: { not: 'auth.login' } },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => [e.action, e.actorId, e.targetType, e.targetId, e.summary])).toEqual([
      [
        'schedule.saved',
        user.id,
        'job',
        String(jobId),
        'Set the schedule of Acme Dental / Practice servers: Weekly on Monday and Thursday at 03:00, grace period 90 minutes',
      ],
      [
        'schedule.removed',
        user.id,
        'job',
        String(jobId),
        'Removed the schedule of Acme Dental / Practice servers (Weekly on Monday and Thursday at 03:00, grace period 90 minutes)',
      ],
    ]);
  });

  it('stores every few hours as the first run of the day', async () => {
    const jobId = await jobWithNightlyRuns(0);
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'admin');
    const res = await agent
      .post(`/jobs/${jobId}/schedule`)
      .type('form')
      .send(scheduleForm(csrf, { kind: 'hourly', time: '13:15', everyHours: '4', graceMinutes: '45' }));
    expect(res.status).toBe(302);
    const row = await ctx.db.prisma.jobSchedule.findUniqueOrThrow({ where: { jobId } });
    expect(row).toMatchObject({ kind: 'hourly', minuteOfDay: 75, everyHours: 4, weekdays: [] });
    expect((await agent.get(`/jobs/${jobId}`)).text).toContain('Every 4 hours from 01:15, grace period 45 minutes');
  });

  it('refuses a bad time with the typed values kept', async () => {
    const jobId = await jobWithNightlyRuns(0);
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'admin');
    const res = await agent
      .post(`/jobs/${jobId}/schedule`)
      .type('form')
      .send(scheduleForm(csrf, { kind: 'weekly', time: '25:00', days: ['6'], graceMinutes: '75' }));
    expect(res.status).toBe(422);
    expect(res.text).toContain('Enter a time as hours and minutes, e.g. 22:30');
    expect(res.text).toContain('name="time" type="time" value="25:00"');
    expect(res.text).toContain('<option value="weekly" selected>Weekly</option>');
    expect(res.text).toMatch(/value="6" checked>/);
    expect(res.text).toContain('value="75"');
    expect(await ctx.db.prisma.jobSchedule.count()).toBe(0);
  });

  it('refuses a grace period as long as the time between two runs, and a weekly schedule without days', async () => {
    const jobId = await jobWithNightlyRuns(0);
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'admin');
    const long = await agent
      .post(`/jobs/${jobId}/schedule`)
      .type('form')
      .send(scheduleForm(csrf, { kind: 'hourly', time: '00:30', everyHours: '2', graceMinutes: '120' }));
    expect(long.status).toBe(422);
    expect(long.text).toContain(
      'Make the grace period shorter than 120 minutes, the shortest time between two expected runs',
    );
    expect(long.text).toContain('<option value="2" selected>2</option>');
    expect(long.text).toContain('value="120"');

    const noDays = await agent
      .post(`/jobs/${jobId}/schedule`)
      .type('form')
      .send(scheduleForm(csrf, { kind: 'weekly', time: '03:00', graceMinutes: '60' }));
    expect(noDays.status).toBe(422);
    expect(noDays.text).toContain('Choose at least one day');

    const noInterval = await agent
      .post(`/jobs/${jobId}/schedule`)
      .type('form')
      .send(scheduleForm(csrf, { kind: 'hourly', time: '03:00', everyHours: '5', graceMinutes: '60' }));
    expect(noInterval.status).toBe(422);
    expect(noInterval.text).toContain('Choose every 1, 2, 3, 4, 6, 8 or 12 hours');
    expect(await ctx.db.prisma.jobSchedule.count()).toBe(0);
    expect(await ctx.db.prisma.auditEvent.count({ where: { action: { not: 'auth.login' } } })).toBe(0);
  });
});

describe('pause and resume (admins)', () => {
  it('pauses a job until a moment, shows it, resumes it, and audits both', async () => {
    const jobId = await jobWithNightlyRuns(0);
    const { agent, csrf, user } = await signInAs(built.app, ctx.db, 'admin');
    expect((await agent.get(`/jobs/${jobId}`)).text).toContain('Pause (maintenance)');

    const bad = await agent
      .post(`/jobs/${jobId}/pause`)
      .type('form')
      .send({ _csrf: csrf, until: localInput(-1), reason: 'Server move' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Choose a moment in the future, or leave it empty');
    expect(bad.text).toContain('value="Server move"');

    const until = localInput(2);
    const paused = await agent
      .post(`/jobs/${jobId}/pause`)
      .type('form')
      .send({ _csrf: csrf, until, reason: 'Server move' });
    expect(paused.status).toBe(302);
    const job = await ctx.db.prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(job.pauseReason).toBe('Server move');
    expect(DateTime.fromJSDate(job.pauseEndsAt!).setZone(AMS).toFormat("yyyy-MM-dd'T'HH:mm")).toBe(until);
    const page = await agent.get(`/jobs/${jobId}`);
    expect(page.text).toContain('Paused since');
    expect(page.text).toContain('Resume job');
    expect(page.text).toContain('Server move');

    const resumed = await agent.post(`/jobs/${jobId}/resume`).type('form').send({ _csrf: csrf });
    expect(resumed.status).toBe(302);
    expect((await ctx.db.prisma.job.findUniqueOrThrow({ where: { id: jobId } })).pausedAt).toBeNull();
    const again = await agent.get(`/jobs/${jobId}`);
    expect(again.text).toContain('Job resumed.');
    expect(again.text).not.toContain('Resume job');
    expect(again.text).toContain('Pause job');

    const events = await ctx.db.prisma.auditEvent.findMany({
      where: { action: { not: 'auth.login' } },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => [e.action, e.actorId, e.targetId])).toEqual([
      ['job.paused', user.id, String(jobId)],
      ['job.resumed', user.id, String(jobId)],
    ]);
  });

  it('pauses and resumes a customer from its edit page', async () => {
    await jobWithNightlyRuns(0);
    const customer = await ctx.db.prisma.customer.findFirstOrThrow();
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'admin');
    const edit = await agent.get(`/customers/${customer.id}/edit`);
    expect(edit.text).toContain('Pause customer');
    expect(edit.text).toContain('Until (optional)');
    expect(edit.text).toContain('Reason (optional)');

    const tooLong = await agent
      .post(`/customers/${customer.id}/pause`)
      .type('form')
      .send({ _csrf: csrf, until: 'tomorrow', reason: 'x' });
    expect(tooLong.status).toBe(422);
    expect(tooLong.text).toContain('Enter a date and time, e.g. 2026-12-24 18:00');
    expect(tooLong.text).toContain('value="tomorrow"');

    const paused = await agent
      .post(`/customers/${customer.id}/pause`)
      .type('form')
      .send({ _csrf: csrf, until: '', reason: '' });
    expect(paused.status).toBe(302);
    expect(paused.headers.location).toBe(`/customers/${customer.id}/edit`);
    const shown = await agent.get(`/customers/${customer.id}/edit`);
    expect(shown.text).toContain('Paused customer Acme Dental until you resume it.');
    expect(shown.text).toContain('Resume customer');
    // The job page says so too.
    const jobPage = await agent.get(`/jobs/${(await ctx.db.prisma.job.findFirstOrThrow()).id}`);
    expect(jobPage.text).toContain('The customer is paused');

    await agent.post(`/customers/${customer.id}/resume`).type('form').send({ _csrf: csrf });
    expect((await ctx.db.prisma.customer.findUniqueOrThrow({ where: { id: customer.id } })).pausedAt).toBeNull();
    const actions = (
      await ctx.db.prisma.auditEvent.findMany({ where: { action: { not: 'auth.login' } }, orderBy: { id: 'asc' } })
    ).map((e) => e.action);
    expect(actions).toEqual(['customer.paused', 'customer.resumed']);
  });
});

describe('the run page', () => {
  it('links the job to its page; a missed run shows its window and the run that arrived later', async () => {
    const { job } = await makeScheduledJob(ctx.db, {
      customerName: 'Acme Dental',
      jobName: 'Nightly',
      schedule: { kind: 'daily', minuteOfDay: 22 * 60, graceMinutes: 60 },
      confirmedAt: new Date('2026-06-01T10:00Z'),
    });
    await detectAt(ctx.db, '2026-06-02T10:00Z');
    const missed = await ctx.db.prisma.run.findFirstOrThrow({ where: { jobId: job.id, status: 'missed' } });
    const { agent } = await signInAs(built.app, ctx.db, 'reporter');

    const before = await agent.get(`/runs/${missed.id}`);
    expect(before.status).toBe(200);
    expect(before.text).toContain(`href="/jobs/${job.id}"`);
    expect(before.text).toContain('No run arrived between 01/06/2026, 10:00 CEST and 01/06/2026, 23:00 CEST');
    expect(before.text).toContain('expected at 01/06/2026, 22:00 CEST, grace 60 minutes');
    expect(before.text).not.toContain('<h2>Objects</h2>');
    expect(before.text).not.toContain('A run arrived later');
    // The Customers list ranks the missed run as the job's latest status.
    expect((await agent.get('/customers')).text).toContain('<span class="badge status-missed">missed</span>');

    const late = await addJobRun(ctx.db, job.id, '2026-06-01T23:40Z', 'warning'); // 01:40 the next night
    const after = await agent.get(`/runs/${missed.id}`);
    expect(after.text).toContain(`A run arrived later: <a href="/runs/${late.id}">02/06/2026, 01:40 CEST</a>`);
    // The late run's own page is an ordinary one.
    const latePage = await agent.get(`/runs/${late.id}`);
    expect(latePage.text).toContain('<h2>Objects</h2>');
    expect(latePage.text).not.toContain('A run arrived later');
  });
});
