import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/app.ts';
import { buildTestApp, signInAs } from '../support/app.ts';
import { resetData, useTestDatabase } from '../support/db.ts';
import { addRun } from './fixtures.ts';

const ctx = useTestDatabase();
let built: BuiltApp;
let runs: number[];
let jobId: number;

beforeAll(() => {
  built = buildTestApp(ctx.db);
});
afterAll(() => built.close());

beforeEach(async () => {
  await resetData(ctx.db);
  runs = [];
  for (const [day, status] of [
    [7, 'error'],
    [8, 'warning'],
    [9, 'success'],
  ] as const) {
    runs.push(
      (
        await addRun(ctx.db, {
          customer: 'Acme Dental',
          job: 'Practice servers',
          status,
          runAt: `2026-03-0${day}T22:00:00Z`,
        })
      ).id,
    );
  }
  await addRun(ctx.db, {
    customer: 'Acme Dental',
    job: 'Reception PCs',
    status: 'error',
    runAt: '2026-03-09T12:00:00Z',
  });
  jobId = (await ctx.db.prisma.job.findFirstOrThrow({ where: { name: 'Practice servers' } })).id;
});

const reviewState = async () =>
  (await ctx.db.prisma.run.findMany({ where: { jobId }, orderBy: { id: 'asc' } })).map((r) => [r.id, r.reviewedById]);

describe('Mark as reviewed', () => {
  it('per run: records who and when, writes an audit event, and tells a second click who was first', async () => {
    const { agent, csrf, user } = await signInAs(built.app, ctx.db, 'operator');
    const before = Date.now();
    const res = await agent
      .post(`/run-checks/runs/${runs[0]}/review`)
      .type('form')
      .send({ _csrf: csrf, returnTo: '/run-checks?status=error' });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/run-checks?status=error');

    const run = await ctx.db.prisma.run.findUniqueOrThrow({ where: { id: runs[0] } });
    expect(run.reviewedById).toBe(user.id);
    expect(run.reviewedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(await ctx.db.prisma.run.count({ where: { reviewedAt: null } })).toBe(3);

    const events = await ctx.db.prisma.auditEvent.findMany({ where: { action: 'run.reviewed' } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: user.id, targetType: 'run', targetId: String(runs[0]) });
    expect(events[0]!.summary).toBe(`Marked run #${runs[0]} of Acme Dental / Practice servers (error) as reviewed`);

    // The job's row opened: the reviewed run is no longer shown, the others still are.
    const page = await agent.get(`/run-checks?open=${jobId}`);
    expect(page.text).toContain(`Marked run #${runs[0]} of Acme Dental / Practice servers as reviewed.`);
    expect(page.text).not.toContain(`action="/run-checks/runs/${runs[0]}/review"`);
    expect(page.text).toContain(`action="/run-checks/runs/${runs[1]}/review"`);

    const again = await agent
      .post(`/run-checks/runs/${runs[0]}/review`)
      .type('form')
      .send({ _csrf: csrf })
      .redirects(1);
    expect(again.text).toContain('was already reviewed by Operator User');
    expect(await ctx.db.prisma.auditEvent.count({ where: { action: 'run.reviewed' } })).toBe(1);
  });

  it('per job: reviews the runs the operator saw, one audit event with the count, newer runs stay', async () => {
    const { agent, csrf, user } = await signInAs(built.app, ctx.db, 'admin');
    const page = await agent.get('/run-checks');
    expect(page.text).toContain(`name="upTo" value="${runs[2]}"`);
    // A run arrives after the page was rendered.
    const late = await addRun(ctx.db, {
      customer: 'Acme Dental',
      job: 'Practice servers',
      status: 'error',
      runAt: '2026-03-10T01:00:00Z',
    });

    const res = await agent
      .post(`/run-checks/jobs/${jobId}/review`)
      .type('form')
      .send({ _csrf: csrf, upTo: String(runs[2]), returnTo: '/run-checks' })
      .redirects(1);
    expect(res.text).toContain('Marked 3 runs of Acme Dental / Practice servers as reviewed.');
    expect(res.text).toContain(
      '1 newer run of Acme Dental / Practice servers arrived after the page was loaded and is still unreviewed.',
    );
    expect(await reviewState()).toEqual([...runs.map((id) => [id, user.id]), [late.id, null]]);
    // The other job is untouched.
    expect(await ctx.db.prisma.run.count({ where: { reviewedAt: null, job: { name: 'Reception PCs' } } })).toBe(1);

    const events = await ctx.db.prisma.auditEvent.findMany({ where: { action: 'job.reviewed' } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: user.id, targetType: 'job', targetId: String(jobId) });
    expect(events[0]!.summary).toBe('Marked 3 runs of Acme Dental / Practice servers as reviewed');
    expect(events[0]!.details).toEqual({ count: 3, runIds: runs });
  });

  it('per job from the run page context: only unreviewed runs count', async () => {
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'operator');
    await agent.post(`/run-checks/runs/${runs[1]}/review`).type('form').send({ _csrf: csrf });
    const res = await agent.post(`/run-checks/jobs/${jobId}/review`).type('form').send({ _csrf: csrf }).redirects(1);
    expect(res.text).toContain('Marked 2 runs of Acme Dental / Practice servers as reviewed.');
    const event = await ctx.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'job.reviewed' } });
    expect(event.details).toEqual({ count: 2, runIds: [runs[0], runs[2]] });
  });

  it('refuses reporters with 403 and changes nothing', async () => {
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'reporter');
    expect((await agent.post(`/run-checks/runs/${runs[0]}/review`).type('form').send({ _csrf: csrf })).status).toBe(
      403,
    );
    expect((await agent.post(`/run-checks/jobs/${jobId}/review`).type('form').send({ _csrf: csrf })).status).toBe(403);
    expect(await ctx.db.prisma.run.count({ where: { reviewedAt: { not: null } } })).toBe(0);
    expect(await ctx.db.prisma.auditEvent.count({ where: { action: { in: ['run.reviewed', 'job.reviewed'] } } })).toBe(
      0,
    );
  });

  it('refuses a review without a CSRF token, and never redirects off-site', async () => {
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'operator');
    expect((await agent.post(`/run-checks/runs/${runs[0]}/review`).type('form').send({})).status).toBe(403);
    const res = await agent
      .post(`/run-checks/runs/${runs[0]}/review`)
      .type('form')
      .send({ _csrf: csrf, returnTo: '//evil.example.com/run-checks' });
    expect(res.headers.location).toBe('/run-checks');
    expect((await agent.post('/run-checks/runs/999999/review').type('form').send({ _csrf: csrf })).status).toBe(404);
  });

  it('offers review on the run page and returns there', async () => {
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'operator');
    const page = await agent.get(`/runs/${runs[0]}`);
    expect(page.text).toContain(`action="/run-checks/runs/${runs[0]}/review"`);
    const res = await agent
      .post(`/run-checks/runs/${runs[0]}/review`)
      .type('form')
      .send({ _csrf: csrf, returnTo: `/runs/${runs[0]}` });
    expect(res.headers.location).toBe(`/runs/${runs[0]}`);
    expect((await agent.get(`/runs/${runs[0]}`)).text).toContain('Reviewed by Operator User');
  });
});
