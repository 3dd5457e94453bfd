import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/app.ts';
import { buildTestApp, signInAs } from '../support/app.ts';
import { resetData, useTestDatabase } from '../support/db.ts';
import { addRun } from './fixtures.ts';
import { rowsOnPage } from './run-checks-html.ts';

/**
 * "Mark reviewed" for the rows selected on Run Checks (POST /run-checks/review): each checkbox is
 * `<jobId>:<newest unreviewed run id the row showed>`.
 *
 *   Acme Dental  Practice servers  error, warning, success
 *                Reception PCs     error
 *   Bravo Bikes  Server            warning (never selected)
 */

const ctx = useTestDatabase();
let built: BuiltApp;
const runs: Record<string, number[]> = {};
const job: Record<string, number> = {};

beforeAll(() => {
  built = buildTestApp(ctx.db);
});
afterAll(() => built.close());

async function add(customer: string, name: string, status: 'error' | 'warning' | 'success', runAt: string) {
  const run = await addRun(ctx.db, { customer, job: name, status, runAt });
  job[name] = run.jobId;
  (runs[name] ??= []).push(run.id);
  return run;
}

beforeEach(async () => {
  await resetData(ctx.db);
  for (const key of Object.keys(runs)) delete runs[key];
  await add('Acme Dental', 'Practice servers', 'error', '2026-03-07T22:00:00Z');
  await add('Acme Dental', 'Practice servers', 'warning', '2026-03-08T22:00:00Z');
  await add('Acme Dental', 'Practice servers', 'success', '2026-03-09T22:00:00Z');
  await add('Acme Dental', 'Reception PCs', 'error', '2026-03-09T12:00:00Z');
  await add('Bravo Bikes', 'Server', 'warning', '2026-03-09T13:00:00Z');
});

/** Who reviewed each run, by job, in id order (null: unreviewed). */
const reviewers = async () => {
  const all = await ctx.db.prisma.run.findMany({ orderBy: { id: 'asc' }, include: { job: true } });
  return Object.fromEntries(
    Object.keys(job).map((name) => [name, all.filter((r) => r.job.name === name).map((r) => r.reviewedById)]),
  );
};
const selectionsOn = (html: string) =>
  [...html.matchAll(/name="job" value="([^"]+)" form="bulk-review"/g)].map((m) => m[1]);
const bulkEvents = () => ctx.db.prisma.auditEvent.findMany({ where: { action: 'runs.reviewed' } });
const post = (agent: Awaited<ReturnType<typeof signInAs>>['agent'], body: string) =>
  agent.post('/run-checks/review').type('form').send(body);

describe('Run Checks: mark the selected rows as reviewed', () => {
  it('reviews exactly the selected jobs up to the runs the page showed, in one audit event; newer runs stay', async () => {
    const { agent, csrf, user } = await signInAs(built.app, ctx.db, 'operator');
    const page = await agent.get('/run-checks');
    const practice = `${job['Practice servers']}:${runs['Practice servers']!.at(-1)}`;
    const reception = `${job['Reception PCs']}:${runs['Reception PCs']!.at(-1)}`;
    expect(selectionsOn(page.text)).toEqual([practice, reception, `${job.Server}:${runs.Server![0]}`]);
    // A run arrives after the page was rendered.
    await add('Acme Dental', 'Practice servers', 'error', '2026-03-10T01:00:00Z');

    const res = await post(
      agent,
      new URLSearchParams([
        ['_csrf', csrf],
        ['job', practice],
        ['job', reception],
        ['returnTo', '/run-checks?status=error'],
      ]).toString(),
    );
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/run-checks?status=error');
    const after = await agent.get(res.headers.location!);
    expect(after.text).toContain('Marked 4 runs of 2 jobs as reviewed.');
    expect(after.text).toContain(
      '1 newer run of the selected jobs arrived after the page was loaded and is still unreviewed.',
    );
    expect(await reviewers()).toEqual({
      'Practice servers': [user.id, user.id, user.id, null],
      'Reception PCs': [user.id],
      Server: [null],
    });
    const reviewed = await ctx.db.prisma.run.findMany({ where: { reviewedAt: { not: null } } });
    expect(new Set(reviewed.map((r) => r.reviewedAt!.getTime())).size).toBe(1);

    const events = await bulkEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: user.id, targetType: 'job', targetId: null });
    expect(events[0]!.summary).toBe('Marked 4 runs of 2 jobs as reviewed');
    const details = events[0]!.details as { count: number; jobs: Array<{ jobId: number; runIds: number[] }> };
    expect(details.count).toBe(4);
    expect([...details.jobs].sort((a, b) => a.jobId - b.jobId)).toEqual([
      { jobId: job['Practice servers'], runIds: runs['Practice servers']!.slice(0, 3) },
      { jobId: job['Reception PCs'], runIds: runs['Reception PCs'] },
    ]);
    // The rows left: the late run's job and the one not selected.
    expect(rowsOnPage((await agent.get('/run-checks')).text)).toEqual([job['Practice servers'], job.Server]);
  });

  it('takes a single selection, reviews only up to its run id, and names the job in the audit event', async () => {
    const { agent, csrf, user } = await signInAs(built.app, ctx.db, 'admin');
    const [first, second] = runs['Practice servers']!;
    const res = await post(agent, `_csrf=${encodeURIComponent(csrf)}&job=${job['Practice servers']}:${second}`);
    expect(res.headers.location).toBe('/run-checks');
    const after = await agent.get('/run-checks');
    expect(after.text).toContain('Marked 2 runs of 1 job as reviewed.');
    expect(after.text).toContain(
      '1 newer run of the selected jobs arrived after the page was loaded and is still unreviewed.',
    );
    expect((await reviewers())['Practice servers']).toEqual([user.id, user.id, null]);
    const [event] = await bulkEvents();
    expect(event).toMatchObject({ targetType: 'job', targetId: String(job['Practice servers']) });
    expect(event!.details).toEqual({ count: 2, jobs: [{ jobId: job['Practice servers'], runIds: [first, second] }] });
  });

  it('leaves runs someone else reviewed meanwhile to them, and says so when nothing was left', async () => {
    const first = await signInAs(built.app, ctx.db, 'operator');
    const second = await signInAs(built.app, ctx.db, 'operator');
    const selection = `job=${job['Reception PCs']}:${runs['Reception PCs']![0]}`;
    await post(first.agent, `_csrf=${encodeURIComponent(first.csrf)}&${selection}`);
    const res = await post(second.agent, `_csrf=${encodeURIComponent(second.csrf)}&${selection}`);
    expect(res.status).toBe(302);
    expect((await second.agent.get('/run-checks')).text).toContain(
      'Nothing to review in the selected rows: their runs were already reviewed.',
    );
    expect((await reviewers())['Reception PCs']).toEqual([first.user.id]);
    expect(await bulkEvents()).toHaveLength(1);
  });

  it('with nothing selected, says so and changes nothing', async () => {
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'operator');
    const res = await post(
      agent,
      `_csrf=${encodeURIComponent(csrf)}&returnTo=${encodeURIComponent('/run-checks?q=acme')}`,
    );
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/run-checks?q=acme');
    expect((await agent.get(res.headers.location!)).text).toContain(
      'Select the rows to mark as reviewed first. Nothing was changed.',
    );
    expect(await ctx.db.prisma.run.count({ where: { reviewedAt: { not: null } } })).toBe(0);
    expect(await bulkEvents()).toHaveLength(0);
  });

  it.each([
    ['not a pair', 'abc'],
    ['a job id alone', '12'],
    ['a zero run id', '1:0'],
    ['a zero job id', '0:5'],
    ['three parts', '1:2:3'],
    ['a negative id', '-1:5'],
    ['an id past the largest', '1:99999999999'],
    ['an empty value', ''],
  ])('refuses a malformed selection (%s) with 422 and changes nothing', async (_what, value) => {
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'operator');
    const valid = `${job['Reception PCs']}:${runs['Reception PCs']![0]}`;
    const res = await post(agent, `_csrf=${encodeURIComponent(csrf)}&job=${valid}&job=${encodeURIComponent(value)}`);
    expect(res.status).toBe(422);
    expect(res.text).toContain('The page did not say which runs it showed, so nothing was marked reviewed.');
    expect(await ctx.db.prisma.run.count({ where: { reviewedAt: { not: null } } })).toBe(0);
    expect(await bulkEvents()).toHaveLength(0);
  });

  it('refuses more selections than a page has rows with 422', async () => {
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'operator');
    const many = Array.from({ length: 51 }, () => `job=${job.Server}:${runs.Server![0]}`).join('&');
    expect((await post(agent, `_csrf=${encodeURIComponent(csrf)}&${many}`)).status).toBe(422);
    expect(await ctx.db.prisma.run.count({ where: { reviewedAt: { not: null } } })).toBe(0);
  });

  it('refuses reporters (403) and a POST without a CSRF token, changing nothing; never redirects off-site', async () => {
    const selection = `job=${job.Server}:${runs.Server![0]}`;
    const reporter = await signInAs(built.app, ctx.db, 'reporter');
    expect((await post(reporter.agent, `_csrf=${encodeURIComponent(reporter.csrf)}&${selection}`)).status).toBe(403);

    const { agent, csrf } = await signInAs(built.app, ctx.db, 'operator');
    const missing = await post(agent, selection);
    expect(missing.status).toBe(403);
    expect(missing.text).toContain('This form has expired or did not come from this site');
    expect((await post(agent, `_csrf=forged-token&${selection}`)).status).toBe(403);
    expect(await ctx.db.prisma.run.count({ where: { reviewedAt: { not: null } } })).toBe(0);
    expect(await bulkEvents()).toHaveLength(0);

    const offSite = await post(
      agent,
      `_csrf=${encodeURIComponent(csrf)}&${selection}&returnTo=${encodeURIComponent('//evil.example.com/run-checks')}`,
    );
    expect(offSite.headers.location).toBe('/run-checks');
    expect(await ctx.db.prisma.run.count({ where: { reviewedAt: { not: null } } })).toBe(1);
  });
});
