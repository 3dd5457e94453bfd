import { beforeEach, describe, expect, it } from 'vitest';
import { demoCustomerNames } from '../../src/services/demo/catalog.ts';
import { largeDataState, planJobHistory, seedLargeData } from '../../src/services/demo/large-data.ts';
import {
  largeDataDefaults,
  planDemoData,
  planLargeData,
  seedDemoDataIfEmpty,
} from '../../src/services/demo/seed-demo-data.ts';
import { loadRunChecks } from '../../src/services/runs/run-checks.ts';
import { addUser } from '../support/app.ts';
import { resetData, useTestDatabase } from '../support/db.ts';

const ctx = useTestDatabase();
const now = new Date('2026-03-10T08:00:00Z');
const severity = { success: 0, warning: 1, error: 2, missed: 3 } as const;

/** Runs whose "searchText" is not what the triggers of the run-checks migration would make of them. */
async function wrongSearchText(): Promise<number> {
  const [row] = await ctx.db.sql.query<{ wrong: number }>(`
    SELECT count(*)::int AS wrong FROM "Run" r
    WHERE r."searchText" IS DISTINCT FROM lower(coalesce(r.remark, '')) || coalesce((
      SELECT string_agg(' ' || lower(o.name || ' ' || coalesce(o.message, '')), '' ORDER BY o.position)
      FROM "RunObject" o WHERE o."runId" = r.id), '')`);
  return row!.wrong;
}

describe('demo data', () => {
  beforeEach(() => resetData(ctx.db));

  it('is the same for the same seed and reference date, and differs for another seed', () => {
    expect(planDemoData(7, now)).toEqual(planDemoData(7, now));
    expect(planDemoData(8, now)).not.toEqual(planDemoData(7, now));
  });

  it('has the eight simulator companies, ~25 jobs, 14 days of runs and a believable mix', () => {
    const plan = planDemoData(7, now);
    expect(plan.map((c) => c.name)).toEqual([
      'Acme Dental',
      'Brightwater Logistics',
      'Contoso B.V.',
      'Fabrikam Architects',
      'Greenfield Schools',
      'Northwind Traders',
      'Riverside Medical Centre',
      'Tailspin Toys',
    ]);
    expect(demoCustomerNames).toHaveLength(8);
    const jobs = plan.flatMap((c) => c.jobs);
    expect(jobs).toHaveLength(25);
    const runs = jobs.flatMap((j) => j.runs);
    const days = new Set(runs.map((r) => r.runAt.toISOString().slice(0, 10)));
    expect(days.size).toBe(14);
    expect(runs.every((r) => r.runAt <= now)).toBe(true);
    const count = (s: string) => runs.filter((r) => r.status === s).length;
    expect(count('success')).toBeGreaterThan(runs.length / 2);
    expect(count('warning')).toBeGreaterThan(10);
    expect(count('error')).toBeGreaterThan(5);
    const unreviewed = runs.filter((r) => !r.reviewed);
    expect(unreviewed.length).toBeGreaterThan(10);
    expect(unreviewed.length).toBeLessThan(80);
    const types = new Set(runs.flatMap((r) => r.objects.map((o) => o.type)));
    for (const t of ['VM', 'Host', 'NAS share', 'USB disk']) expect(types).toContain(t);
    // Every problem object says what went wrong.
    expect(runs.flatMap((r) => r.objects).filter((o) => o.status !== 'success' && !o.message)).toEqual([]);
  });

  it('plans the large benchmark set at full size', () => {
    const plan = planLargeData(1, now);
    const jobs = plan.flatMap((c) => c.jobs);
    expect(plan).toHaveLength(500);
    expect(new Set(plan.map((c) => c.name.toLowerCase())).size).toBe(500);
    expect(jobs).toHaveLength(2_000);
    expect(jobs.flatMap((j) => j.runs).filter((r) => !r.reviewed)).toHaveLength(20_000);
  });

  it('plans 200,000 reviewed runs of history, older than the unreviewed ones and mostly successful', () => {
    const jobs = planLargeData(1, now).flatMap((c) => c.jobs);
    const count = { runs: 0, success: 0, warning: 0, error: 0, objects: 0 };
    // Checked in plain code and asserted once: 200,000 expect calls would take most of a minute.
    const wrong: string[] = [];
    for (const [i, job] of jobs.entries()) {
      const before = job.runs[0]!.runAt;
      const history = planJobHistory(job.template, { before, count: largeDataDefaults.historyRunsPerJob, seed: i });
      const firstDay = Date.UTC(before.getUTCFullYear(), before.getUTCMonth(), before.getUTCDate());
      const objectNames = job.template.objects.map((o) => o.name).join('|');
      for (const [n, run] of history.entries()) {
        count.runs += 1;
        count[run.status as 'success' | 'warning' | 'error'] += 1;
        count.objects += run.objects.length;
        const worst = Math.max(...run.objects.map((o) => severity[o.status]));
        if (!run.reviewed) wrong.push(`job ${i} run ${n}: not reviewed`);
        if (run.runAt.getTime() >= firstDay) wrong.push(`job ${i} run ${n}: not before the unreviewed runs`);
        if (n > 0 && run.runAt.getTime() - history[n - 1]!.runAt.getTime() < 23 * 3600 * 1000) {
          wrong.push(`job ${i} run ${n}: not a day after the one before`);
        }
        if (run.objects.map((o) => o.name).join('|') !== objectNames) wrong.push(`job ${i} run ${n}: objects`);
        // A run is as bad as its worst object.
        if (worst !== severity[run.status]) wrong.push(`job ${i} run ${n}: ${run.status}, worst object ${worst}`);
      }
    }
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(count.runs).toBe(200_000);
    expect(count.success / count.runs).toBeGreaterThan(0.7);
    expect(count.warning / count.runs).toBeGreaterThan(0.1);
    expect(count.error / count.runs).toBeGreaterThan(0.02);
    expect(count.error / count.runs).toBeLessThan(0.1);
    expect(count.objects / count.runs).toBeGreaterThan(2);
    // The same seed gives the same history.
    const job = jobs[7]!;
    const again = (seed: number) => planJobHistory(job.template, { before: now, count: 30, seed });
    expect(again(7)).toEqual(again(7));
    expect(again(8)).not.toEqual(again(7));
  });

  it('seeds the large set with its history in set-based statements, search text included, once', async () => {
    const size = { customers: 3, jobsPerCustomer: 2, runsPerJob: 2, historyRunsPerJob: 5 };
    expect(await largeDataState(ctx.db.prisma)).toBe('absent');
    const seeded = await seedLargeData(ctx.db.prisma, { now, size });
    expect(seeded).toMatchObject({ customers: 3, jobs: 6, runs: 42, unreviewed: 12, reviewed: 30 });
    expect(await ctx.db.prisma.run.count()).toBe(42);
    expect(await ctx.db.prisma.run.count({ where: { reviewedAt: { not: null } } })).toBe(30);
    expect(await ctx.db.prisma.runObject.count()).toBe(seeded.objects);
    expect(await wrongSearchText()).toBe(0);
    const [{ empty }] = (await ctx.db.sql.query<{ empty: number }>(
      `SELECT count(*)::int AS empty FROM "Run" WHERE "searchText" = ''`,
    )) as [{ empty: number }];
    expect(empty).toBe(0);
    // Every job's history lies before its unreviewed runs, and was reviewed the morning after.
    for (const job of await ctx.db.prisma.job.findMany({ include: { runs: true } })) {
      const reviewed = job.runs.filter((r) => r.reviewedAt);
      const open = job.runs.filter((r) => !r.reviewedAt);
      expect([reviewed.length, open.length]).toEqual([5, 2]);
      const newestReviewed = Math.max(...reviewed.map((r) => r.runAt.getTime()));
      expect(newestReviewed).toBeLessThan(Math.min(...open.map((r) => r.runAt.getTime())));
      for (const r of reviewed) expect(r.reviewedAt!.getTime() - r.runAt.getTime()).toBe(9 * 3600 * 1000);
    }
    expect(await largeDataState(ctx.db.prisma)).toBe('complete');
  });

  it('adds only the history to a large set seeded without one', async () => {
    const size = { customers: 2, jobsPerCustomer: 2, runsPerJob: 3, historyRunsPerJob: 0 };
    await seedLargeData(ctx.db.prisma, { now, size });
    expect(await largeDataState(ctx.db.prisma)).toBe('without history');
    const later = new Date(now.getTime() + 5 * 24 * 3600 * 1000);
    const added = await seedLargeData(ctx.db.prisma, {
      now: later,
      size: { ...size, historyRunsPerJob: 4 },
      historyOnly: true,
    });
    expect(added).toMatchObject({ customers: 0, jobs: 0, runs: 16, reviewed: 16 });
    expect(await ctx.db.prisma.customer.count()).toBe(2);
    expect(await ctx.db.prisma.run.count()).toBe(12 + 16);
    // Behind the runs that were there, although the reference date moved on.
    const oldestOpen = await ctx.db.prisma.run.findFirstOrThrow({
      where: { reviewedAt: null },
      orderBy: { runAt: 'asc' },
    });
    expect(
      await ctx.db.prisma.run.count({ where: { reviewedAt: { not: null }, runAt: { gte: oldestOpen.runAt } } }),
    ).toBe(0);
    expect(await wrongSearchText()).toBe(0);
    expect(await largeDataState(ctx.db.prisma)).toBe('complete');
  });

  it('seeds an empty database once, with older runs reviewed by the first admin', async () => {
    const admin = await addUser(ctx.db, 'admin');
    const seeded = await seedDemoDataIfEmpty(ctx.db.prisma, now);
    expect(seeded).toMatchObject({ customers: 8, jobs: 25 });
    expect(await seedDemoDataIfEmpty(ctx.db.prisma, now)).toBeNull();
    expect(await ctx.db.prisma.customer.count()).toBe(8);

    const reviewed = await ctx.db.prisma.run.findFirstOrThrow({ where: { reviewedAt: { not: null } } });
    expect(reviewed.reviewedById).toBe(admin.id);
    const page = await loadRunChecks(ctx.db.prisma, { includeReviewed: false, page: 1 }, now);
    expect(page.unreviewedTotal).toBe(seeded!.unreviewed);
    expect(page.rows[0]!.worstStatus).toBe('error');
    expect(await wrongSearchText()).toBe(0);
  });
});
