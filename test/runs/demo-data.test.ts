import { describe, expect, it } from 'vitest';
import { demoCustomerNames } from '../../src/services/demo/catalog.ts';
import { planDemoData, planLargeData, seedDemoDataIfEmpty } from '../../src/services/demo/seed-demo-data.ts';
import { loadRunChecks } from '../../src/services/runs/run-checks.ts';
import { addUser } from '../support/app.ts';
import { useTestDatabase } from '../support/db.ts';

const ctx = useTestDatabase();
const now = new Date('2026-03-10T08:00:00Z');

describe('demo data', () => {
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
    expect(page.groups[0]!.worstStatus).toBe('error');
  });
});
