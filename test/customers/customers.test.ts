import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/app.ts';
import { buildTestApp, signInAs } from '../support/app.ts';
import { resetData, useTestDatabase } from '../support/db.ts';
import { addRun } from '../runs/fixtures.ts';

const ctx = useTestDatabase();
let built: BuiltApp;

beforeAll(() => {
  built = buildTestApp(ctx.db);
});
afterAll(() => built.close());
beforeEach(() => resetData(ctx.db));

const customerId = async (name: string) => (await ctx.db.prisma.customer.findFirstOrThrow({ where: { name } })).id;

describe('Customers page', () => {
  it('lists customers with jobs, unreviewed runs, worst recent status and the Autotask column', async () => {
    await addRun(ctx.db, {
      customer: 'Acme Dental',
      job: 'VMs',
      status: 'error',
      runAt: '2026-03-01T22:00:00Z',
      reviewed: true,
    });
    await addRun(ctx.db, { customer: 'Acme Dental', job: 'VMs', status: 'success', runAt: '2026-03-02T22:00:00Z' });
    await addRun(ctx.db, { customer: 'Acme Dental', job: 'NAS', status: 'warning', runAt: '2026-03-02T23:00:00Z' });
    await ctx.db.prisma.customer.create({ data: { name: 'Tailspin Toys', nameKey: 'tailspin toys' } });

    const { agent } = await signInAs(built.app, ctx.db, 'reporter');
    const res = await agent.get('/customers');
    expect(res.status).toBe(200);
    const acme = res.text.slice(res.text.indexOf('Acme Dental'), res.text.indexOf('Tailspin Toys'));
    // 2 jobs, 2 unreviewed runs, worst of the latest runs (success and warning) is warning.
    expect(acme).toMatch(/<td class="num">2<\/td>\s*<td class="num">2<\/td>/);
    expect(acme).toContain('<span class="badge status-warning">warning</span>');
    expect(acme).toContain('—');
    expect(res.text).toContain('no runs');
    // Read-only for everyone but admins.
    expect(res.text).not.toContain('Add a customer');
    expect(res.text).not.toContain('Deactivate');
  });

  it('lets an admin add a customer, and refuses a name that differs only in case', async () => {
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'admin');
    const added = await agent.post('/customers').type('form').send({ _csrf: csrf, name: '  Contoso B.V. ' });
    expect(added.status).toBe(302);
    expect((await agent.get('/customers')).text).toContain('Contoso B.V.');

    const clash = await agent.post('/customers').type('form').send({ _csrf: csrf, name: 'CONTOSO b.v.' });
    expect(clash.status).toBe(409);
    expect(clash.text).toContain('A customer named CONTOSO b.v. already exists.');
    expect(clash.text).toContain('value="CONTOSO b.v."');
    expect(await ctx.db.prisma.customer.count()).toBe(1);

    const empty = await agent.post('/customers').type('form').send({ _csrf: csrf, name: '   ' });
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('Enter a name');

    const events = await ctx.db.prisma.auditEvent.findMany({ where: { action: 'customer.created' } });
    expect(events.map((e) => e.summary)).toEqual(['Added customer Contoso B.V.']);
  });

  it('renames a customer, refusing a clash on the edit page with the typed value', async () => {
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'admin');
    await ctx.db.prisma.customer.createMany({
      data: [
        { name: 'Northwind', nameKey: 'northwind' },
        { name: 'Fabrikam', nameKey: 'fabrikam' },
      ],
    });
    const id = await customerId('Northwind');
    expect((await agent.get(`/customers/${id}/edit`)).text).toContain('value="Northwind"');

    const renamed = await agent
      .post(`/customers/${id}/name`)
      .type('form')
      .send({ _csrf: csrf, name: 'Northwind Traders' });
    expect(renamed.status).toBe(302);
    expect((await ctx.db.prisma.customer.findUniqueOrThrow({ where: { id } })).nameKey).toBe('northwind traders');

    const clash = await agent.post(`/customers/${id}/name`).type('form').send({ _csrf: csrf, name: 'fabrikam' });
    expect(clash.status).toBe(409);
    expect(clash.text).toContain('A customer named fabrikam already exists.');
    expect(clash.text).toContain('value="fabrikam"');

    // A change of case only is a rename of the same customer, not a clash.
    const recased = await agent
      .post(`/customers/${id}/name`)
      .type('form')
      .send({ _csrf: csrf, name: 'NorthWind Traders' });
    expect(recased.status).toBe(302);

    const events = await ctx.db.prisma.auditEvent.findMany({
      where: { action: 'customer.renamed' },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => e.summary)).toEqual([
      'Renamed customer Northwind to Northwind Traders',
      'Renamed customer Northwind Traders to NorthWind Traders',
    ]);
    expect((await agent.get('/customers/999999/edit')).status).toBe(404);
  });

  it('deactivates a customer: hidden from Run Checks and its filter, audited, and reactivatable', async () => {
    await addRun(ctx.db, {
      customer: 'Greenfield Schools',
      job: 'Admin VMs',
      status: 'error',
      runAt: '2026-03-02T22:00:00Z',
    });
    const id = await customerId('Greenfield Schools');
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'admin');
    expect((await agent.get('/run-checks')).text).toContain('Greenfield Schools');

    const off = await agent.post(`/customers/${id}/active`).type('form').send({ _csrf: csrf, active: 'false' });
    expect(off.status).toBe(302);
    const list = await agent.get('/customers');
    expect(list.text).toContain('deactivated');
    expect(list.text).toContain('Reactivate');
    expect((await agent.get('/run-checks')).text).not.toContain('Greenfield Schools');

    await agent.post(`/customers/${id}/active`).type('form').send({ _csrf: csrf, active: 'true' });
    expect((await agent.get('/run-checks')).text).toContain('Greenfield Schools');
    const actions = (
      await ctx.db.prisma.auditEvent.findMany({ where: { targetType: 'customer' }, orderBy: { id: 'asc' } })
    ).map((e) => e.action);
    expect(actions).toEqual(['customer.deactivated', 'customer.reactivated']);
  });

  it('refuses changes from operators', async () => {
    await ctx.db.prisma.customer.create({ data: { name: 'Acme Dental', nameKey: 'acme dental' } });
    const id = await customerId('Acme Dental');
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'operator');
    expect((await agent.post('/customers').type('form').send({ _csrf: csrf, name: 'New' })).status).toBe(403);
    expect((await agent.post(`/customers/${id}/name`).type('form').send({ _csrf: csrf, name: 'X' })).status).toBe(403);
    expect(
      (await agent.post(`/customers/${id}/active`).type('form').send({ _csrf: csrf, active: 'false' })).status,
    ).toBe(403);
    expect((await ctx.db.prisma.customer.findUniqueOrThrow({ where: { id } })).active).toBe(true);
  });
});
