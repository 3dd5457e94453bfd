import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/app.ts';
import {
  loadRunChecks,
  objectsPerRun,
  runsPerJob,
  runsPerPage,
  type RunChecksFilters,
} from '../../src/services/runs/run-checks.ts';
import { buildTestApp, signInAs } from '../support/app.ts';
import { resetData, useTestDatabase } from '../support/db.ts';
import { addRun } from './fixtures.ts';

const ctx = useTestDatabase();
let built: BuiltApp;
const now = new Date('2026-03-10T08:00:00Z');
const xss = '<script>alert(1)</script><img src=x onerror=alert(2)>';
const ids: Record<string, number> = {};

/**
 * The fixed data set:
 *   Alpha Care    VMs     r1 error (unreviewed, objects success/warning/error), r2 warning, r3 success (reviewed)
 *                 NAS     r4 success
 *   Bravo Bikes   Server  r5 warning (object message with markup)
 *                 Laptops r6 success
 *   Charlie Cafe  Cloud   r7 success; r8 error reviewed 9 days ago; r9 error reviewed 4 days ago
 *   Delta Dental  (deactivated) Old r10 error
 */
async function seedFixedSet() {
  const add = async (key: string, f: Parameters<typeof addRun>[1]) => (ids[key] = (await addRun(ctx.db, f)).id);
  await add('r1', {
    customer: 'Alpha Care',
    job: 'VMs',
    status: 'error',
    runAt: '2026-03-09T22:00:00Z',
    remark: 'Failed: 1 of 3 objects',
    objects: [
      { name: 'vm-success', status: 'success', message: 'Processed 10 GB' },
      { name: 'vm-warning', status: 'warning', message: 'CBT disabled' },
      { name: 'vm-error', status: 'error', message: 'Snapshot failed: timed out' },
    ],
  });
  await add('r2', { customer: 'Alpha Care', job: 'VMs', status: 'warning', runAt: '2026-03-08T22:00:00Z' });
  await add('r3', {
    customer: 'Alpha Care',
    job: 'VMs',
    status: 'success',
    runAt: '2026-03-07T22:00:00Z',
    reviewed: true,
  });
  await add('r4', { customer: 'Alpha Care', job: 'NAS', status: 'success', runAt: '2026-03-09T23:00:00Z' });
  await add('r5', {
    customer: 'Bravo Bikes',
    job: 'Server',
    status: 'warning',
    runAt: '2026-03-09T21:00:00Z',
    objects: [{ name: 'srv01', status: 'warning', message: xss }],
  });
  await add('r6', { customer: 'Bravo Bikes', job: 'Laptops', status: 'success', runAt: '2026-03-09T12:00:00Z' });
  await add('r7', { customer: 'Charlie Cafe', job: 'Cloud', status: 'success', runAt: '2026-03-09T02:00:00Z' });
  await add('r8', {
    customer: 'Charlie Cafe',
    job: 'Cloud',
    status: 'error',
    runAt: '2026-03-01T02:00:00Z',
    reviewed: true,
  });
  await add('r9', {
    customer: 'Charlie Cafe',
    job: 'Cloud',
    status: 'error',
    runAt: '2026-03-06T02:00:00Z',
    reviewed: true,
  });
  await add('r10', {
    customer: 'Delta Dental',
    job: 'Old',
    status: 'error',
    runAt: '2026-03-09T02:00:00Z',
    customerActive: false,
  });
}

const load = (f: Partial<RunChecksFilters> = {}) =>
  loadRunChecks(ctx.db.prisma, { includeReviewed: false, page: 1, ...f }, now);

/** The page as a compact outline: customer [job: run ids…]. */
const outline = (page: Awaited<ReturnType<typeof load>>) =>
  page.groups.map((g) => [g.customer.name, g.worstStatus, g.jobs.map((j) => [j.job.name, j.runs.map((r) => r.id)])]);

beforeAll(async () => {
  built = buildTestApp(ctx.db, { APP_TIMEZONE: 'Europe/Amsterdam' });
  await seedFixedSet();
});
afterAll(() => built.close());

describe('Run Checks: grouping and order', () => {
  it('groups unreviewed runs by customer and job, worst status first, and leaves out deactivated customers', async () => {
    const page = await load();
    expect(outline(page)).toEqual([
      [
        'Alpha Care',
        'error',
        [
          ['VMs', [ids.r1, ids.r2]],
          ['NAS', [ids.r4]],
        ],
      ],
      [
        'Bravo Bikes',
        'warning',
        [
          ['Server', [ids.r5]],
          ['Laptops', [ids.r6]],
        ],
      ],
      ['Charlie Cafe', 'success', [['Cloud', [ids.r7]]]],
    ]);
    expect(page.unreviewedTotal).toBe(6);
    expect(page.runTotal).toBe(6);
    expect(page.customerOptions.map((c) => c.name)).toEqual(['Alpha Care', 'Bravo Bikes', 'Charlie Cafe']);
  });

  it('puts error and warning objects first', async () => {
    const run = (await load()).groups[0]!.jobs[0]!.runs[0]!;
    expect(run.objects.map((o) => o.name)).toEqual(['vm-error', 'vm-warning', 'vm-success']);
    expect(run.objectCount).toBe(3);
    expect(run.customer.mapping).toBeNull();
    expect(run.ticket).toBeNull();
  });

  it('reports per job what "mark job as reviewed" would cover', async () => {
    const vms = (await load({ status: 'error' })).groups[0]!.jobs[0]!;
    expect(vms.matchingCount).toBe(1);
    expect(vms.unreviewedCount).toBe(2);
    expect(vms.maxUnreviewedRunId).toBe(ids.r2);
  });
});

describe('Run Checks: filters', () => {
  it('filters by status', async () => {
    expect(outline(await load({ status: 'warning' }))).toEqual([
      ['Alpha Care', 'warning', [['VMs', [ids.r2]]]],
      ['Bravo Bikes', 'warning', [['Server', [ids.r5]]]],
    ]);
  });

  it('filters by customer', async () => {
    const bravo = (await load()).customerOptions.find((c) => c.name === 'Bravo Bikes')!;
    expect(outline(await load({ customerId: bravo.id })).map((g) => g[0])).toEqual(['Bravo Bikes']);
  });

  // Both ways of searching objects: run by run (few runs in view) and one pass (many).
  it.each([
    ['run by run', undefined],
    ['in one pass', 0],
  ])('searches customer, job, remark, object names and messages, literally (%s)', async (_how, limit) => {
    const runIds = async (search: string) =>
      (await loadRunChecks(ctx.db.prisma, { includeReviewed: false, page: 1, search }, now, limit)).groups.flatMap(
        (g) => g.jobs.flatMap((j) => j.runs.map((r) => r.id)),
      );
    expect(await runIds('snapshot FAILED')).toEqual([ids.r1]);
    expect(await runIds('laptops')).toEqual([ids.r6]);
    expect(await runIds('bravo')).toEqual([ids.r5, ids.r6]);
    expect(await runIds('1 of 3')).toEqual([ids.r1]);
    expect(await runIds('srv01')).toEqual([ids.r5]);
    expect(await runIds('%')).toEqual([]);
  });

  it('includes reviewed runs of the last days on request, which can reorder customers', async () => {
    const page = await load({ includeReviewed: true });
    expect(outline(page)).toEqual([
      [
        'Alpha Care',
        'error',
        [
          ['VMs', [ids.r1, ids.r2, ids.r3]],
          ['NAS', [ids.r4]],
        ],
      ],
      ['Charlie Cafe', 'error', [['Cloud', [ids.r9, ids.r7]]]],
      [
        'Bravo Bikes',
        'warning',
        [
          ['Server', [ids.r5]],
          ['Laptops', [ids.r6]],
        ],
      ],
    ]);
  });

  it('falls back to defaults for invalid filter values in the address', async () => {
    const { agent } = await signInAs(built.app, ctx.db, 'operator');
    const res = await agent.get('/run-checks?status=broken&customer=abc&page=-3&q=' + 'x'.repeat(300));
    expect(res.status).toBe(200);
    for (const name of ['Alpha Care', 'Bravo Bikes', 'Charlie Cafe']) expect(res.text).toContain(name);
  });

  it('renders filters and results on the page', async () => {
    const { agent } = await signInAs(built.app, ctx.db, 'operator');
    const res = await agent.get('/run-checks?status=warning');
    expect(res.text).toContain('<option value="warning" selected>');
    expect(res.text).toContain('2 runs in 2 jobs match the filters.');
    expect(res.text).not.toContain('Charlie Cafe</a>');
    expect(res.text).not.toContain('Delta Dental');
  });
});

describe('Run Checks page', () => {
  it('shows times in the configured time zone, badges, remarks and review controls for operators', async () => {
    const { agent } = await signInAs(built.app, ctx.db, 'operator');
    const res = await agent.get('/run-checks');
    expect(res.status).toBe(200);
    // 2026-03-09T22:00Z is 23:00 in Amsterdam (CET).
    expect(res.text).toContain('09/03/2026, 23:00 CET');
    expect(res.text).toContain('<span class="badge status-error">error</span>');
    expect(res.text).toContain('Failed: 1 of 3 objects');
    expect(res.text).toContain(`action="/run-checks/runs/${ids.r1}/review"`);
    expect(res.text).toMatch(/Mark job as reviewed \(2 runs\)/);
    expect(res.text.indexOf('Alpha Care')).toBeLessThan(res.text.indexOf('Bravo Bikes'));
    expect(res.text.indexOf('Bravo Bikes')).toBeLessThan(res.text.indexOf('Charlie Cafe'));
  });

  it('is read-only for reporters', async () => {
    const { agent } = await signInAs(built.app, ctx.db, 'reporter');
    const res = await agent.get('/run-checks');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Alpha Care');
    expect(res.text).not.toContain('Mark as reviewed');
    expect(res.text).not.toContain('Mark job as reviewed');
    expect(res.text).not.toContain('/review"');
  });

  it('renders an object message with markup as text, on Run Checks and on the run page', async () => {
    const { agent } = await signInAs(built.app, ctx.db, 'reporter');
    for (const path of ['/run-checks', `/runs/${ids.r5}`]) {
      const res = await agent.get(path);
      expect(res.status).toBe(200);
      expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
      expect(res.text).not.toContain('<script>alert(1)');
      expect(res.text).not.toContain('<img src=x');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    }
  });
});

describe('Run detail page', () => {
  it('shows everything about one run, with its objects and the other runs of its job', async () => {
    const { agent } = await signInAs(built.app, ctx.db, 'operator');
    const res = await agent.get(`/runs/${ids.r1}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain(`Run #${ids.r1}`);
    expect(res.text).toContain('Alpha Care');
    expect(res.text).toContain('VMs');
    expect(res.text).toContain('Snapshot failed: timed out');
    expect(res.text).toContain('1 error, 1 warning, 1 success');
    expect(res.text).toContain('Not reviewed yet.');
    expect(res.text).toContain(`href="/runs/${ids.r2}"`);
    expect(res.text.indexOf('vm-error')).toBeLessThan(res.text.indexOf('vm-success'));
  });

  it('answers 404 for a missing or malformed run id', async () => {
    const { agent } = await signInAs(built.app, ctx.db, 'reporter');
    expect((await agent.get('/runs/999999')).status).toBe(404);
    expect((await agent.get('/runs/abc')).status).toBe(404);
  });
});

describe('Run Checks: limits and pagination', () => {
  it('pages by about 50 runs at job boundaries, caps runs per job and objects per run, clamps past the end', async () => {
    await resetData(ctx.db);
    expect([runsPerPage, runsPerJob]).toEqual([50, 25]);
    for (let j = 0; j < 60; j += 1) {
      await addRun(ctx.db, {
        customer: 'Echo Energy',
        job: `Job ${String(j).padStart(2, '0')}`,
        status: 'success',
        runAt: '2026-03-09T01:00:00Z',
      });
    }
    for (let r = 0; r < runsPerJob + 5; r += 1) {
      await addRun(ctx.db, {
        customer: 'Foxtrot Foods',
        job: 'Hourly',
        status: r === 7 ? 'error' : 'success',
        runAt: new Date(Date.UTC(2026, 2, 9, 0, r)).toISOString(),
        objects:
          r === runsPerJob + 4
            ? Array.from({ length: objectsPerRun + 10 }, (_, i) => ({
                name: `file-${i}`,
                status: i === 55 ? ('error' as const) : ('success' as const),
              }))
            : [],
      });
    }

    const first = await load();
    // Hourly first (it has an error): 25 runs shown; then Echo's one-run jobs until 50 runs.
    expect(first.pages).toBe(2);
    expect(first.jobTotal).toBe(61);
    expect(first.groups.flatMap((g) => g.jobs)).toHaveLength(26);
    const hourly = first.groups[0]!.jobs[0]!;
    expect(hourly.job.name).toBe('Hourly');
    expect(hourly.runs).toHaveLength(runsPerJob);
    expect(hourly.matchingCount).toBe(runsPerJob + 5);
    expect(hourly.runs[0]!.status).toBe('error');
    const withObjects = hourly.runs.find((r) => r.objectCount > 0)!;
    expect(withObjects.objects).toHaveLength(objectsPerRun);
    expect(withObjects.objectCount).toBe(objectsPerRun + 10);
    expect(withObjects.objects[0]!.name).toBe('file-55');

    const second = await load({ page: 2 });
    expect(second.groups.flatMap((g) => g.jobs)).toHaveLength(35);
    expect(second.groups[0]!.jobs[0]!.job.name).toBe('Job 25');
    const beyond = await load({ page: 9 });
    expect(beyond.page).toBe(2);

    const { agent } = await signInAs(built.app, ctx.db, 'operator');
    const html = await agent.get('/run-checks?page=2');
    expect(html.text).toContain('Page 2 of 2');
    expect(html.text).toContain('Echo Energy');
  });

  it('says so when there is nothing to check', async () => {
    await resetData(ctx.db);
    const { agent } = await signInAs(built.app, ctx.db, 'operator');
    const res = await agent.get('/run-checks');
    expect(res.text).toContain('Nothing to check');
    const filtered = await agent.get('/run-checks?q=nothing');
    expect(filtered.text).toContain('No runs match these filters.');
  });
});
