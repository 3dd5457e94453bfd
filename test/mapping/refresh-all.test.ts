import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { settleDeferredWork } from '../../src/shared/deferred-work.ts';
import { claimBackgroundSync, runPeriodicCompanySync } from '../../src/services/mapping/background-sync.ts';
import { COMPANY_SYNC_KIND } from '../../src/services/mapping/company-sync.ts';
import { configureAutotask } from '../support/autotask.ts';
import { addCustomer, companyRequests, mappingOf, useMappingSuite } from './helpers.ts';

const suite = useMappingSuite({ warmZone: true });
const { ctx, simCtx } = suite;

const hourAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);

/** `n` Autotask companies and as many customers mapped to them (synced `syncedAt`). */
async function seedMapped(n: number, syncedAt: Date = new Date()) {
  const db = ctx.db.prisma;
  for (let i = 0; i < n; i++)
    simCtx.sim.state.addCompany({ id: 5000 + i, companyName: `Company ${i}`, city: 'Utrecht' });
  await db.customer.createMany({
    data: Array.from({ length: n }, (_, i) => ({ name: `Customer ${i}`, nameKey: `customer ${i}` })),
  });
  const customers = await db.customer.findMany({ select: { id: true, name: true }, orderBy: { id: 'asc' } });
  await db.companyMapping.createMany({
    data: customers.map((c, i) => ({
      customerId: c.id,
      companyId: 5000 + i,
      companyName: `Company ${i}`,
      status: 'ok' as const,
      lastSyncAt: syncedAt,
    })),
  });
  return customers;
}

const refreshAll = () =>
  suite.admin.agent
    .post('/customers/mappings/refresh-all')
    .type('form')
    .send({ _csrf: suite.admin.csrf, returnTo: '/customers' });

describe('Refresh all mappings', () => {
  it('refreshes 1,200 mapped customers in 3 batched requests and applies every rule', async () => {
    const customers = await seedMapped(1200, hourAgo(0.5));
    simCtx.sim.state.renameCompany(5000, 'Company 0 Renamed');
    simCtx.sim.state.deleteCompany(5600);
    simCtx.sim.state.deactivateCompany(5999);
    const before = Date.now();

    const res = await refreshAll();
    expect(res.status).toBe(302);

    const requests = companyRequests(simCtx.sim);
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(
      Array(3).fill('POST /ATServicesRest/V1.0/Companies/query'),
    );
    const sizes = requests
      .map((r) => (r.body as { filter: Array<{ op: string; value: unknown[] }> }).filter[0]!)
      .map((f) => [f.op, f.value.length]);
    expect(sizes.sort()).toEqual([
      ['in', 200],
      ['in', 500],
      ['in', 500],
    ]);

    expect(await mappingOf(ctx.db, customers[0]!.id)).toMatchObject({
      status: 'renamed',
      companyName: 'Company 0 Renamed',
    });
    expect(await mappingOf(ctx.db, customers[600]!.id)).toMatchObject({
      status: 'invalid',
      statusReason: 'Autotask returned no company with ID 5600 (deleted, or not visible to the API user).',
    });
    expect(await mappingOf(ctx.db, customers[999]!.id)).toMatchObject({
      status: 'invalid',
      statusReason: 'Company 5999 is inactive in Autotask.',
    });
    const okCount = await ctx.db.prisma.companyMapping.count({
      where: { status: 'ok', lastSyncAt: { gte: new Date(before - 5) } },
    });
    expect(okCount).toBe(1197);
    // The Backupchecks name is never touched.
    expect((await ctx.db.prisma.customer.findUniqueOrThrow({ where: { id: customers[0]!.id } })).name).toBe(
      'Customer 0',
    );

    const log = await ctx.db.prisma.syncLog.findFirstOrThrow({ where: { kind: COMPANY_SYNC_KIND } });
    expect(log).toMatchObject({ trigger: 'refresh-all', ok: true, checked: 1200, renamed: 1, invalid: 2, errors: 0 });
    expect(log.durationMs).not.toBeNull();
    const event = await ctx.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'mapping.refreshed_all' } });
    expect(event.details).toMatchObject({ checked: 1200, renamed: 1, invalid: 2, errors: 0, requests: 3 });

    const page = await suite.admin.agent.get('/customers');
    expect(page.text).toContain('Refreshed 1200 mappings: 1 renamed, 2 invalid.');

    // A later refresh that finds no change puts the renamed mapping back to ok.
    simCtx.sim.state.clearRequestLog();
    await refreshAll();
    expect(await mappingOf(ctx.db, customers[0]!.id)).toMatchObject({
      status: 'ok',
      companyName: 'Company 0 Renamed',
      statusReason: null,
    });
    expect(companyRequests(simCtx.sim)).toHaveLength(3);
  }, 60_000);

  const failures = [
    {
      name: 'Autotask down (bare 502)',
      inject: () => simCtx.sim.faults.failNext({ entity: 'Companies', status: 502, body: 'text', count: 5 }),
      text: 'Autotask had a server error.',
    },
    {
      name: 'rate limited (429)',
      inject: () => simCtx.sim.faults.rateLimitNext({ entity: 'Companies', count: 5, retryAfterSeconds: 120 }),
      text: 'API request threshold exceeded',
    },
    {
      name: 'timeout',
      inject: () => simCtx.sim.faults.hangNext({ entity: 'Companies' }),
      text: 'did not answer within',
    },
    {
      name: 'permission',
      inject: () =>
        simCtx.sim.faults.failNext({
          entity: 'Companies',
          status: 500,
          errors: ['User does not have the adequate permissions to query Companies.'],
        }),
      text: 'does not have the adequate permissions',
    },
  ];
  for (const f of failures) {
    it(`${f.name}: no status changes, a failed sync is logged with Autotask’s message`, async () => {
      const lastSyncAt = new Date('2026-01-01T00:00:00Z');
      const a = await addCustomer(ctx.db, 'Alpha', { companyId: 100, companyName: 'Acme Dental', lastSyncAt });
      const b = await addCustomer(ctx.db, 'Bravo', {
        companyId: 112,
        companyName: 'Old name',
        status: 'renamed',
        statusReason: 'was renamed',
        lastSyncAt,
      });
      simCtx.sim.state.deleteCompany(100);
      f.inject();

      const res = await refreshAll();
      expect(res.status).toBe(302);

      expect(await mappingOf(ctx.db, a.id)).toMatchObject({ status: 'ok', companyName: 'Acme Dental', lastSyncAt });
      expect(await mappingOf(ctx.db, b.id)).toMatchObject({
        status: 'renamed',
        companyName: 'Old name',
        statusReason: 'was renamed',
        lastSyncAt,
      });
      expect((await mappingOf(ctx.db, a.id))!.lastError).toContain(f.text);
      const log = await ctx.db.prisma.syncLog.findFirstOrThrow({ where: { kind: COMPANY_SYNC_KIND } });
      expect(log).toMatchObject({ ok: false, checked: 0, errors: 2 });
      expect(log.finishedAt).not.toBeNull();
      expect(log.message).toContain(f.text);

      const page = await suite.admin.agent.get('/customers');
      expect(page.text).toContain('2 of 2 mappings could not be checked; their statuses are unchanged.');
      expect(page.text).toContain('Last refresh failed; status unchanged.');
    });
  }

  it('applies the batches that answered when one batch fails', async () => {
    await seedMapped(1200, hourAgo(3));
    simCtx.sim.faults.failNext({ entity: 'Companies', status: 502, body: 'text' });
    await refreshAll();
    const log = await ctx.db.prisma.syncLog.findFirstOrThrow({ where: { kind: COMPANY_SYNC_KIND } });
    expect(log.ok).toBe(false);
    expect(log.errors + log.checked).toBe(1200);
    expect([200, 500]).toContain(log.errors);
    expect(await ctx.db.prisma.companyMapping.count({ where: { lastError: { not: null } } })).toBe(log.errors);
    expect(await ctx.db.prisma.companyMapping.count({ where: { lastSyncAt: { gt: hourAgo(1) } } })).toBe(log.checked);
  }, 60_000);
});

describe('names stay current without anyone asking', () => {
  it('opening the Customers page refreshes, after it is sent, the mappings synced over an hour ago', async () => {
    const stale = await addCustomer(ctx.db, 'Stale', {
      companyId: 100,
      companyName: 'Acme Dental',
      lastSyncAt: hourAgo(2),
    });
    const fresh = await addCustomer(ctx.db, 'Fresh', {
      companyId: 103,
      companyName: 'Brightwater Logistics',
      lastSyncAt: hourAgo(0.5),
    });
    simCtx.sim.state.renameCompany(100, 'Acme Dental Clinics');
    simCtx.sim.state.renameCompany(103, 'Brightwater Logistics NL');

    const res = await suite.admin.agent.get('/customers');
    expect(res.status).toBe(200);
    // The page shows what was cached when it was rendered.
    expect(res.text).toContain('<span class="mapping-company">Acme Dental</span>');

    // The refresh the page view started after its response: wait for it, then look.
    await settleDeferredWork();
    expect((await mappingOf(ctx.db, stale.id))!.status).toBe('renamed');
    expect(await mappingOf(ctx.db, stale.id)).toMatchObject({ companyName: 'Acme Dental Clinics' });
    expect(await mappingOf(ctx.db, fresh.id)).toMatchObject({ status: 'ok', companyName: 'Brightwater Logistics' });
    const [request] = companyRequests(simCtx.sim);
    expect((request!.body as { filter: Array<{ value: number[] }> }).filter[0]!.value).toEqual([100]);
    expect(await ctx.db.prisma.syncLog.count({ where: { finishedAt: { not: null } } })).toBe(1);
    expect(await ctx.db.prisma.syncLog.findFirst()).toMatchObject({
      trigger: 'page-view',
      ok: true,
      checked: 1,
      renamed: 1,
    });
  });

  it('does not start while another instance’s sync is running, nor when the integration is off', async () => {
    const stale = await addCustomer(ctx.db, 'Stale', {
      companyId: 100,
      companyName: 'Acme Dental',
      lastSyncAt: hourAgo(2),
    });
    simCtx.sim.state.renameCompany(100, 'Acme Dental Clinics');

    const running = await ctx.db.prisma.syncLog.create({ data: { kind: COMPANY_SYNC_KIND, trigger: 'page-view' } });
    await suite.admin.agent.get('/customers');
    await settleDeferredWork();
    expect(companyRequests(simCtx.sim)).toHaveLength(0);
    expect(await ctx.db.prisma.syncLog.count()).toBe(1);

    await ctx.db.prisma.syncLog.update({ where: { id: running.id }, data: { finishedAt: new Date(), ok: true } });
    await configureAutotask(ctx.db, simCtx.sim, { enabled: false });
    await suite.admin.agent.get('/customers');
    await settleDeferredWork();
    expect(companyRequests(simCtx.sim)).toHaveLength(0);
    expect(await mappingOf(ctx.db, stale.id)).toMatchObject({ status: 'ok', companyName: 'Acme Dental' });
  });

  it('of two claims made at once, exactly one wins', async () => {
    const db = ctx.db.prisma;
    const claims = await Promise.all([
      claimBackgroundSync(db, 'a'),
      claimBackgroundSync(db, 'b'),
      claimBackgroundSync(db, 'c'),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await db.syncLog.count()).toBe(1);
  });

  it('the periodic sync refreshes mappings older than the interval, and is off by default', async () => {
    const logger = createLogger('silent');
    const old = await addCustomer(ctx.db, 'Old', {
      companyId: 100,
      companyName: 'Acme Dental',
      lastSyncAt: new Date(Date.now() - 40 * 60_000),
    });
    const recent = await addCustomer(ctx.db, 'Recent', {
      companyId: 103,
      companyName: 'Brightwater Logistics',
      lastSyncAt: new Date(Date.now() - 10 * 60_000),
    });
    simCtx.sim.state.deactivateCompany(100);
    simCtx.sim.state.deactivateCompany(103);
    const deps = { db: ctx.db.prisma, psa: suite.built.context.psa, logger };
    expect(await runPeriodicCompanySync(deps)).toBeNull();
    expect(companyRequests(simCtx.sim)).toHaveLength(0);

    await configureAutotask(ctx.db, simCtx.sim, { syncIntervalMinutes: 30 });
    const summary = await runPeriodicCompanySync(deps);
    expect(summary).toMatchObject({ checked: 1, invalid: 1, requests: 1 });
    expect(await mappingOf(ctx.db, old.id)).toMatchObject({ status: 'invalid' });
    expect(await mappingOf(ctx.db, recent.id)).toMatchObject({ status: 'ok' });
    expect(await ctx.db.prisma.syncLog.findFirst()).toMatchObject({ trigger: 'periodic' });
  });
});
