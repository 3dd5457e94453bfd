import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { AutotaskRateLimitedError, AutotaskUnavailableError } from '../../src/autotask/client.ts';
import { PsaError } from '../../src/psa/errors.ts';
import type { PsaClient } from '../../src/psa/port.ts';
import { refreshCustomerMapping } from '../../src/services/mapping/company-sync.ts';
import { useAppWithSimulator } from '../support/app-with-simulator.ts';
import { addCustomer, appClient, companyRequests, mappingOf, writeRequests } from './helpers.ts';

const { ctx, simCtx, built } = useAppWithSimulator();
let client: PsaClient;

afterAll(() => {
  expect(writeRequests(simCtx.sim)).toEqual([]);
});
beforeEach(async () => {
  client = await appClient(built, ctx.db);
});

const deps = () => ({ db: ctx.db.prisma, client });
const syncLogs = () => ctx.db.prisma.syncLog.findMany({ orderBy: { id: 'asc' } });

describe('refreshCustomerMapping (one customer, one GET)', () => {
  it('returns null for a customer without a mapped company, asking Autotask nothing', async () => {
    const c = await addCustomer(ctx.db, 'Unmapped');
    expect(await refreshCustomerMapping(deps(), c.id, 'test')).toBeNull();
    expect(companyRequests(simCtx.sim)).toHaveLength(0);
    expect(await syncLogs()).toHaveLength(0);
  });

  it('rename → renamed with the cached name updated and the customer name unchanged; no change later → ok', async () => {
    const c = await addCustomer(ctx.db, 'Acme Dental', { companyId: 100, companyName: 'Acme Dental' });
    simCtx.sim.state.renameCompany(100, 'Acme Dental Care');

    const first = await refreshCustomerMapping(deps(), c.id, 'ticket');
    expect(first).toMatchObject({ status: 'renamed', companyId: 100, companyName: 'Acme Dental Care' });
    expect(first!.statusReason).toContain('Acme Dental Care');
    expect(first!.lastSyncAt!.getTime()).toBeGreaterThan(c.mapping!.lastSyncAt!.getTime() - 1);
    expect((await ctx.db.prisma.customer.findUniqueOrThrow({ where: { id: c.id } })).name).toBe('Acme Dental');
    expect(companyRequests(simCtx.sim).map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /ATServicesRest/V1.0/Companies/100',
    ]);

    const second = await refreshCustomerMapping(deps(), c.id, 'ticket');
    expect(second).toMatchObject({ status: 'ok', companyName: 'Acme Dental Care', statusReason: null });

    const logs = await syncLogs();
    expect(logs.map((l) => [l.kind, l.trigger, l.ok, l.checked, l.renamed, l.invalid, l.errors])).toEqual([
      ['company_names', 'ticket', true, 1, 1, 0, 0],
      ['company_names', 'ticket', true, 1, 0, 0, 0],
    ]);
    expect(logs.every((l) => l.finishedAt && l.durationMs !== null)).toBe(true);
  });

  it('deleted → invalid with the reason in words', async () => {
    const c = await addCustomer(ctx.db, 'Tailspin Toys', { companyId: 117, companyName: 'Tailspin Toys' });
    simCtx.sim.state.deleteCompany(117);
    const m = await refreshCustomerMapping(deps(), c.id, 'test');
    expect(m).toMatchObject({ status: 'invalid', companyId: 117, companyName: 'Tailspin Toys' });
    expect(m!.statusReason).toBe('Autotask returned no company with ID 117 (deleted, or not visible to the API user).');
    expect((await syncLogs())[0]).toMatchObject({ ok: true, checked: 1, invalid: 1 });
  });

  it('inactive → invalid; active again → ok', async () => {
    const c = await addCustomer(ctx.db, 'Fabrikam Architects', { companyId: 108, companyName: 'Fabrikam Architects' });
    simCtx.sim.state.deactivateCompany(108);
    expect(await refreshCustomerMapping(deps(), c.id, 'test')).toMatchObject({
      status: 'invalid',
      statusReason: 'Company 108 is inactive in Autotask.',
    });
    simCtx.sim.state.activateCompany(108);
    expect(await refreshCustomerMapping(deps(), c.id, 'test')).toMatchObject({ status: 'ok', statusReason: null });
  });

  describe('a failed call changes no status, logs a failed sync and re-throws', () => {
    const cases = [
      {
        name: 'Autotask down (bare 502 from a proxy)',
        inject: () => simCtx.sim.faults.failNext({ entity: 'Companies', status: 502, body: 'text', count: 5 }),
        error: AutotaskUnavailableError,
        message: /server error/,
      },
      {
        name: 'rate limited (429)',
        inject: () => simCtx.sim.faults.rateLimitNext({ entity: 'Companies', count: 5, retryAfterSeconds: 120 }),
        error: AutotaskRateLimitedError,
        message: /API request threshold exceeded/,
      },
      {
        name: 'timeout',
        inject: () => simCtx.sim.faults.hangNext({ entity: 'Companies' }),
        error: AutotaskUnavailableError,
        message: /did not answer within/,
      },
    ];
    for (const t of cases) {
      it(t.name, async () => {
        const c = await addCustomer(ctx.db, 'Northwind Traders', {
          companyId: 112,
          companyName: 'Northwind Traders (before)',
          status: 'renamed',
          statusReason: 'kept',
          lastSyncAt: new Date('2026-01-01T00:00:00Z'),
        });
        // Would be a rename and an invalid mapping if the answer came through.
        simCtx.sim.state.renameCompany(112, 'Northwind Traders BV');
        simCtx.sim.state.deactivateCompany(112);
        t.inject();

        // The port's error, with Autotask's own as its cause.
        const thrown: unknown = await refreshCustomerMapping(deps(), c.id, 'test').catch((e: unknown) => e);
        expect(thrown).toBeInstanceOf(PsaError);
        expect((thrown as PsaError).cause).toBeInstanceOf(t.error);

        const m = await mappingOf(ctx.db, c.id);
        expect(m).toMatchObject({
          status: 'renamed',
          statusReason: 'kept',
          companyName: 'Northwind Traders (before)',
          lastSyncAt: new Date('2026-01-01T00:00:00Z'),
        });
        expect(m!.lastError).toMatch(t.message);
        const [log] = await syncLogs();
        expect(log).toMatchObject({ ok: false, checked: 0, errors: 1 });
        expect(log!.finishedAt).not.toBeNull();
        expect(log!.message).toMatch(t.message);
      });
    }
  });
});
