import { describe, expect, it } from 'vitest';
import { Prisma } from '../../src/db/database.ts';
import { createLogger } from '../../src/logger.ts';
import { runPeriodicCompanySync } from '../../src/services/mapping/background-sync.ts';
import { settleDeferredWork } from '../../src/shared/deferred-work.ts';
import { PSAS, useAppWithPsa } from '../support/psa-harness.ts';
import { addCustomer, escapeRegExp, flashesOf, postCreate } from './support.ts';

/**
 * Customer ↔ company mapping over HTTP, the same cases for every PSA: search and map by ID; a
 * renamed company keeps its mapping with the new name cached; a deleted or inactive company makes
 * the mapping invalid and blocks tickets; a company belongs to one customer. Mapping only reads
 * the PSA.
 */

describe.each(PSAS)('Company mapping with %s active', (psa) => {
  const suite = useAppWithPsa(psa, { env: { AUTOTASK_TIMEOUT_MS: '10000' }, signIn: ['admin'] });
  const mappingOf = (customerId: number) => suite.db.prisma.companyMapping.findUnique({ where: { customerId } });
  /** "Refresh from <PSA>" on the mapping page, followed to the page it goes back to. */
  const refresh = async (customerId: number) => {
    const { agent, csrf } = suite.as.admin;
    const res = await agent
      .post(`/customers/${customerId}/mapping/refresh`)
      .type('form')
      .send({ _csrf: csrf, returnTo: `/customers/${customerId}/mapping` });
    expect(res.status).toBe(302);
    return flashesOf((await agent.get(res.headers.location!)).text);
  };

  it('searches the company by name and maps it by its ID; a typed ID is checked with the PSA first', async () => {
    const d = suite.driver;
    const { agent, csrf, user } = suite.as.admin;
    const { acme, northwind } = d.companies;
    const customer = await addCustomer(suite, 'Acme Dental Practice');

    const page = await agent.get(`/customers/${customer.id}/mapping`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<h1>${d.name} company of Acme Dental Practice</h1>`);

    const found = await agent.get(`/customers/${customer.id}/mapping/search`).query({ q: 'acme dent' });
    expect(found.status).toBe(200);
    expect(found.text).toMatch(
      new RegExp(`<th scope="row">${escapeRegExp(acme.name)}</th>\\s*<td class="num">${acme.id}</td>`),
    );
    expect(found.text).toContain(
      `Map<span class="visually-hidden"> Acme Dental Practice to ${acme.name} (ID ${acme.id})</span>`,
    );

    const mapped = await agent
      .post(`/customers/${customer.id}/mapping`)
      .type('form')
      .send({ _csrf: csrf, companyId: String(acme.id), source: 'search', returnTo: '/customers' });
    expect(mapped.status).toBe(302);
    expect(await mappingOf(customer.id)).toMatchObject({
      psaType: psa,
      companyId: acme.id,
      companyName: acme.name,
      status: 'ok',
      mappedById: user.id,
    });
    const event = await suite.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'mapping.mapped' } });
    expect(event.summary).toBe(
      `Mapped customer Acme Dental Practice to ${d.name} company ${acme.name} (ID ${acme.id})`,
    );
    // The customer keeps its own name.
    expect((await suite.db.prisma.customer.findUniqueOrThrow({ where: { id: customer.id } })).name).toBe(
      'Acme Dental Practice',
    );

    // By typed ID (spaces around it are fine): the PSA's name is cached.
    const other = await addCustomer(suite, 'Northwind');
    const typed = await agent
      .post(`/customers/${other.id}/mapping`)
      .type('form')
      .send({ _csrf: csrf, companyId: ` ${northwind.id} `, source: 'id' });
    expect(typed.status).toBe(302);
    expect(await mappingOf(other.id)).toMatchObject({
      psaType: psa,
      companyId: northwind.id,
      companyName: northwind.name,
      status: 'ok',
    });
    expect(d.writes()).toEqual([]);
  });

  it('a renamed company: status renamed and the cached name updated; the mapping and its tickets stay', async () => {
    const d = suite.driver;
    const { fabrikam } = d.companies;
    const { customer, run } = await suite.customerWithRun(fabrikam, { customerName: 'Fabrikam' });
    await d.renameCompany(fabrikam.id, 'Fabrikam Design Studio');

    expect(await refresh(customer.id)).toEqual([
      {
        type: 'info',
        text: `Company ${fabrikam.id} is now called Fabrikam Design Studio in ${d.name}. The cached name is updated; the customer keeps its own name.`,
        said: null,
      },
    ]);
    expect(await mappingOf(customer.id)).toMatchObject({
      psaType: psa,
      companyId: fabrikam.id,
      companyName: 'Fabrikam Design Studio',
      status: 'renamed',
    });
    expect((await suite.db.prisma.customer.findUniqueOrThrow({ where: { id: customer.id } })).name).toBe('Fabrikam');

    // Tickets go to the company ID: a rename does not block them.
    const { agent, csrf } = suite.as.admin;
    await postCreate(agent, csrf, run.id);
    await settleDeferredWork();
    expect(d.ticketsOfRun(run.id).map((t) => t.companyId)).toEqual([fabrikam.id]);
  });

  describe('a deleted or inactive company makes the mapping invalid and blocks tickets', () => {
    for (const change of ['deleted', 'inactive'] as const) {
      it(change, async () => {
        const d = suite.driver;
        const { northwind } = d.companies;
        const { customer, run } = await suite.customerWithRun(northwind, { customerName: 'Northwind' });
        if (change === 'deleted') await d.deleteCompany(northwind.id);
        else await d.deactivateCompany(northwind.id);

        const said = await refresh(customer.id);
        expect(said).toHaveLength(1);
        expect(said[0]!.type).toBe('warning');
        expect(said[0]!.text).toMatch(
          /^The mapping of Northwind is invalid: .+ Tickets are blocked until it is fixed\.$/,
        );
        const mapping = await mappingOf(customer.id);
        expect(mapping).toMatchObject({ psaType: psa, companyId: northwind.id, status: 'invalid' });
        if (change === 'inactive') expect(mapping!.statusReason).toBe(d.inactiveReason(northwind.id));
        expect(mapping!.statusReason).toContain(String(northwind.id));
        expect(mapping!.statusReason).toContain(d.name);
        expect(said[0]!.text).toContain(mapping!.statusReason!);

        const { agent, csrf } = suite.as.admin;
        d.clearRequestLog();
        const refused = await postCreate(agent, csrf, run.id).redirects(1);
        expect(flashesOf(refused.text).map((f) => [f.type, f.text])).toEqual([
          [
            'error',
            `No ticket was created. The ${d.name} company of Northwind was deleted or is inactive (company ${northwind.id}). ${mapping!.statusReason}`,
          ],
        ]);
        expect(d.createPosts()).toEqual([]);
        expect(await suite.db.prisma.ticket.count({ where: { originRunId: run.id } })).toBe(0);
      });
    }
  });

  it('the periodic sync refreshes the active PSA at the installation interval, off by default', async () => {
    const d = suite.driver;
    const { fabrikam } = d.companies;
    const { customer } = await suite.customerWithRun(fabrikam, { customerName: 'Fabrikam' });
    await suite.db.prisma.companyMapping.update({
      where: { customerId: customer.id },
      data: { lastSyncAt: new Date(Date.now() - 40 * 60_000) },
    });
    await d.renameCompany(fabrikam.id, 'Fabrikam Design Studio');
    const deps = { db: suite.db.prisma, psa: suite.built.context.psa, logger: createLogger('silent') };

    await suite.db.prisma.integrationSettings.update({ where: { id: 1 }, data: { syncIntervalMinutes: null } });
    expect(await runPeriodicCompanySync(deps)).toBeNull();
    expect(await mappingOf(customer.id)).toMatchObject({ status: 'ok' });

    // One interval for the installation, saved on either PSA's page, applied to the active PSA.
    await suite.db.prisma.integrationSettings.update({ where: { id: 1 }, data: { syncIntervalMinutes: 30 } });
    expect(await runPeriodicCompanySync(deps)).toMatchObject({ checked: 1, renamed: 1 });
    expect(await mappingOf(customer.id)).toMatchObject({
      psaType: psa,
      companyName: 'Fabrikam Design Studio',
      status: 'renamed',
    });
    expect(await suite.db.prisma.syncLog.findFirst({ where: { trigger: 'periodic' } })).not.toBeNull();
    expect(d.writes()).toEqual([]);
  });

  it('the same company cannot be mapped to two customers', async () => {
    const d = suite.driver;
    const { contoso } = d.companies;
    const holder = await addCustomer(suite, 'Contoso', contoso);
    const second = await addCustomer(suite, 'Contoso Netherlands');
    const { agent, csrf } = suite.as.admin;

    const found = await agent.get(`/customers/${second.id}/mapping/search`).query({ q: 'contoso' });
    expect(found.text).toContain(`Mapped to <a href="/customers/${holder.id}/mapping">Contoso</a>`);
    expect(found.text).not.toContain(`Map<span class="visually-hidden"> Contoso Netherlands to ${contoso.name} (ID`);

    const res = await agent
      .post(`/customers/${second.id}/mapping`)
      .type('form')
      .send({ _csrf: csrf, companyId: String(contoso.id) });
    expect(res.status).toBe(409);
    expect(res.text).toContain(`${contoso.name} (ID ${contoso.id}) is already mapped to customer Contoso.`);
    expect((await mappingOf(second.id))?.companyId ?? null).toBeNull();
    expect(await mappingOf(holder.id)).toMatchObject({ psaType: psa, companyId: contoso.id });

    // The database holds the rule too, whatever a racing request checked before it.
    await expect(
      suite.db.prisma.companyMapping.create({
        data: { customerId: second.id, psaType: psa, companyId: contoso.id, status: 'ok' },
      }),
    ).rejects.toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect(d.writes()).toEqual([]);
  });
});
