import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/errors/catalogue.ts';
import { saveMapping, getCustomerWithMapping } from '../../src/services/mapping/map-customer.ts';
import { signInAs } from '../support/app.ts';
import { addRun } from '../runs/fixtures.ts';
import { addCustomer, companyRequests, mappingOf, useMappingSuite } from './helpers.ts';

const suite = useMappingSuite();
const { ctx, simCtx } = suite;

const auditActions = async () =>
  (
    await ctx.db.prisma.auditEvent.findMany({ where: { action: { startsWith: 'mapping.' } }, orderBy: { id: 'asc' } })
  ).map((e) => e.action);

describe('mapping page and search', () => {
  it('searches active companies by name, showing name, ID, type and city with a Map button each', async () => {
    const c = await addCustomer(ctx.db, 'Acme Dental');
    const page = await suite.admin.agent.get(`/customers/${c.id}/mapping`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('is not mapped to an Autotask company');
    expect(companyRequests(simCtx.sim)).toHaveLength(0);

    const res = await suite.admin.agent.get(`/customers/${c.id}/mapping/search`).query({ q: 'acme dent' });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(
      /<th scope="row">Acme Dental<\/th>\s*<td class="num">100<\/td>\s*<td>Customer<\/td>\s*<td>Utrecht<\/td>/,
    );
    expect(res.text).toContain('Acme Dental Group');
    // Acme Dentistry (102) is inactive: hidden by default…
    expect(res.text).not.toContain('Acme Dentistry');
    expect(res.text.match(/>Map<span/g)).toHaveLength(2);

    // …and shown, without a Map button, when asked for.
    const all = await suite.admin.agent
      .get(`/customers/${c.id}/mapping/search`)
      .query({ q: 'acme dent', includeInactive: 'on' });
    expect(all.text).toMatch(/Acme Dentistry <span class="badge">inactive<\/span>/);
    expect(all.text).toContain('Inactive: cannot receive tickets');
    expect(all.text).toMatch(/name="includeInactive" type="checkbox" role="switch" checked/);
    expect(all.text.match(/>Map<span/g)).toHaveLength(2);
  });

  it('re-renders the search form with the typed value when the name is too short', async () => {
    const c = await addCustomer(ctx.db, 'Acme Dental');
    const res = await suite.admin.agent.get(`/customers/${c.id}/mapping/search`).query({ q: 'a' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Enter at least 2 characters');
    expect(res.text).toContain('value="a"');
    expect(companyRequests(simCtx.sim)).toHaveLength(0);
  });

  it('marks companies already mapped to another customer instead of offering them', async () => {
    await addCustomer(ctx.db, 'Contoso', { companyId: 105, companyName: 'Contoso B.V.' });
    const c = await addCustomer(ctx.db, 'Contoso Group');
    const res = await suite.admin.agent.get(`/customers/${c.id}/mapping/search`).query({ q: 'contoso' });
    expect(res.text).toMatch(/Mapped to <a href="\/customers\/\d+\/mapping">Contoso<\/a>/);
  });
});

describe('map a customer', () => {
  it('maps by search pick: status ok, cached name, sync time, audit; the customer name is untouched', async () => {
    const c = await addCustomer(ctx.db, 'Acme Dental Practice');
    const res = await suite.admin.agent
      .post(`/customers/${c.id}/mapping`)
      .type('form')
      .send({ _csrf: suite.admin.csrf, companyId: '100', source: 'search', returnTo: '/customers?q=acme' });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/customers?q=acme');

    const m = await mappingOf(ctx.db, c.id);
    expect(m).toMatchObject({ companyId: 100, companyName: 'Acme Dental', status: 'ok', psaType: 'autotask' });
    expect(m!.lastSyncAt).not.toBeNull();
    expect(m!.mappedById).toBe(suite.admin.user.id);
    expect((await ctx.db.prisma.customer.findUniqueOrThrow({ where: { id: c.id } })).name).toBe('Acme Dental Practice');

    const event = await ctx.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'mapping.mapped' } });
    expect(event.summary).toBe('Mapped customer Acme Dental Practice to Autotask company Acme Dental (ID 100)');
    expect(event.details).toMatchObject({ companyId: 100, source: 'search', previousCompanyId: null });

    const list = await suite.admin.agent.get('/customers');
    expect(list.text).toContain('Mapped Acme Dental Practice to Autotask company Acme Dental (ID 100).');
    expect(list.text).toMatch(
      /<span class="mapping-company">Acme Dental<\/span>\s*<small class="muted-text">ID 100<\/small>/,
    );
    expect(list.text).toContain('<span class="badge mapping-ok"');
    expect(list.text).toMatch(/as of \d{2}\/\d{2}\/\d{4}/);
  });

  it('maps by typed ID after verifying it with Autotask, and remaps to another company', async () => {
    const c = await addCustomer(ctx.db, 'Northwind');
    await suite.admin.agent
      .post(`/customers/${c.id}/mapping`)
      .type('form')
      .send({ _csrf: suite.admin.csrf, companyId: ' 112 ' });
    expect(await mappingOf(ctx.db, c.id)).toMatchObject({
      companyId: 112,
      companyName: 'Northwind Traders',
      status: 'ok',
    });
    expect(companyRequests(simCtx.sim).map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /ATServicesRest/V1.0/Companies/112',
    ]);

    await suite.admin.agent
      .post(`/customers/${c.id}/mapping`)
      .type('form')
      .send({ _csrf: suite.admin.csrf, companyId: '113' });
    expect(await mappingOf(ctx.db, c.id)).toMatchObject({ companyId: 113, companyName: 'Northwind Trading' });
    const events = await ctx.db.prisma.auditEvent.findMany({
      where: { action: 'mapping.mapped' },
      orderBy: { id: 'asc' },
    });
    expect(events[1]!.summary).toContain('replacing company 112');
  });

  it('refuses an unknown ID with a field error and the typed value, saving nothing', async () => {
    const c = await addCustomer(ctx.db, 'Nobody');
    const res = await suite.admin.agent
      .post(`/customers/${c.id}/mapping`)
      .type('form')
      .send({ _csrf: suite.admin.csrf, companyId: '999999' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Autotask has no company with ID 999999, or the API user cannot see it.');
    expect(res.text).toContain('value="999999"');
    expect(res.text).toContain('aria-invalid="true" aria-describedby="companyId-error"');
    expect(await mappingOf(ctx.db, c.id)).toBeNull();
    expect(await auditActions()).toEqual([]);
  });

  it('refuses input that is not an ID without asking Autotask', async () => {
    const c = await addCustomer(ctx.db, 'Nobody');
    const res = await suite.admin.agent
      .post(`/customers/${c.id}/mapping`)
      .type('form')
      .send({ _csrf: suite.admin.csrf, companyId: '12ab' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('The company ID is a number');
    expect(res.text).toContain('value="12ab"');
    expect(companyRequests(simCtx.sim)).toHaveLength(0);
  });

  it('refuses an inactive company', async () => {
    const c = await addCustomer(ctx.db, 'Contoso UK');
    const res = await suite.admin.agent
      .post(`/customers/${c.id}/mapping`)
      .type('form')
      .send({ _csrf: suite.admin.csrf, companyId: '107' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Contoso Ltd (ID 107) is inactive in Autotask');
    expect(await mappingOf(ctx.db, c.id)).toBeNull();
  });

  it('refuses a company already mapped to another customer, naming that customer', async () => {
    await addCustomer(ctx.db, 'Contoso', { companyId: 105, companyName: 'Contoso B.V.' });
    const c = await addCustomer(ctx.db, 'Contoso Netherlands');
    const res = await suite.admin.agent
      .post(`/customers/${c.id}/mapping`)
      .type('form')
      .send({ _csrf: suite.admin.csrf, companyId: '105' });
    expect(res.status).toBe(409);
    expect(res.text).toContain('Contoso B.V. (ID 105) is already mapped to customer Contoso.');
    expect(await mappingOf(ctx.db, c.id)).toBeNull();
    // Refused before Autotask was asked.
    expect(companyRequests(simCtx.sim)).toHaveLength(0);
  });

  it('lets the unique constraint decide when two mappings race for one company', async () => {
    const first = await addCustomer(ctx.db, 'Contoso', { companyId: 105, companyName: 'Contoso B.V.' });
    const second = await getCustomerWithMapping(ctx.db.prisma, (await addCustomer(ctx.db, 'Contoso Two')).id);
    // As if the second admin's check ran before the first admin's mapping was saved.
    const company = {
      id: 105,
      name: 'Contoso B.V.',
      isActive: true,
      companyNumber: null,
      companyType: 1,
      phone: null,
      city: null,
    };
    const attempt = saveMapping(ctx.db.prisma, { id: null, label: 'test' }, second, company, 'id');
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    await expect(attempt).rejects.toThrow('already mapped to customer Contoso.');
    expect(await mappingOf(ctx.db, second.id)).toBeNull();
    expect(await mappingOf(ctx.db, first.id)).toMatchObject({ companyId: 105 });
  });

  it('explains an Autotask outage in the page, with Autotask’s words, and saves nothing', async () => {
    const c = await addCustomer(ctx.db, 'Acme Dental');
    simCtx.sim.faults.failNext({ entity: 'Companies', status: 500, errors: ['Database unavailable.'] });
    const res = await suite.admin.agent
      .post(`/customers/${c.id}/mapping`)
      .type('form')
      .send({ _csrf: suite.admin.csrf, companyId: '100' });
    expect(res.status).toBe(502);
    expect(res.text).toContain('Could not check the company in Autotask.');
    expect(res.text).toContain('Autotask said: <q>Database unavailable.</q>');
    expect(await mappingOf(ctx.db, c.id)).toBeNull();
  });
});

describe('clear a mapping', () => {
  it('sets status missing and keeps the ticket links on runs', async () => {
    const run = await addRun(ctx.db, {
      customer: 'Acme Dental',
      job: 'VMs',
      status: 'error',
      runAt: '2026-03-01T22:00:00Z',
    });
    const c = await ctx.db.prisma.customer.findFirstOrThrow({ where: { name: 'Acme Dental' } });
    await ctx.db.prisma.companyMapping.create({
      data: { customerId: c.id, companyId: 100, companyName: 'Acme Dental', status: 'ok', lastSyncAt: new Date() },
    });
    await ctx.db.prisma.ticket.create({
      data: {
        originRunId: run.id,
        jobId: run.jobId,
        runs: { connect: { id: run.id } },
        state: 'created',
        reference: 'BC-RUN-1',
        ticketId: 7001,
        ticketNumber: 'T20260105.0001',
      },
    });

    const res = await suite.admin.agent
      .post(`/customers/${c.id}/mapping/clear`)
      .type('form')
      .send({ _csrf: suite.admin.csrf });
    expect(res.status).toBe(302);
    expect(await mappingOf(ctx.db, c.id)).toMatchObject({
      companyId: null,
      companyName: null,
      status: 'missing',
      lastSyncAt: null,
    });
    expect(await ctx.db.prisma.ticket.findUnique({ where: { originRunId: run.id } })).toMatchObject({
      state: 'created',
      ticketId: 7001,
      ticketNumber: 'T20260105.0001',
    });
    const event = await ctx.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'mapping.cleared' } });
    expect(event.summary).toContain('Acme Dental');
    expect(event.details).toMatchObject({ previousCompanyId: 100 });

    // The company is free for another customer now.
    const other = await addCustomer(ctx.db, 'Acme Dental 2');
    await suite.admin.agent
      .post(`/customers/${other.id}/mapping`)
      .type('form')
      .send({ _csrf: suite.admin.csrf, companyId: '100' });
    expect(await mappingOf(ctx.db, other.id)).toMatchObject({ companyId: 100, status: 'ok' });

    const list = await suite.admin.agent.get('/customers?mapping=missing');
    expect(list.text).toContain('>Acme Dental</a>');
    expect(list.text).not.toContain('>Acme Dental 2</a>');
  });
});

describe('Customers list: Autotask column and filter', () => {
  it('shows each status with its reason and filters by status; only admins get the actions', async () => {
    await addCustomer(ctx.db, 'Alpha', { companyId: 100, companyName: 'Acme Dental' });
    await addCustomer(ctx.db, 'Bravo', {
      companyId: 101,
      companyName: 'Acme Dental Group',
      status: 'renamed',
      statusReason: 'Renamed in Autotask from “Acme Grp” to “Acme Dental Group”.',
    });
    await addCustomer(ctx.db, 'Charlie', {
      companyId: 102,
      companyName: 'Acme Dentistry',
      status: 'invalid',
      statusReason: 'Company 102 is inactive in Autotask.',
    });
    await addCustomer(ctx.db, 'Delta');

    const all = await suite.admin.agent.get('/customers');
    expect(all.text).toContain('<span class="badge mapping-ok"');
    expect(all.text).toContain('<span class="badge mapping-renamed"');
    expect(all.text).toContain('Company 102 is inactive in Autotask.');
    expect(all.text).toContain('<span class="badge mapping-missing"');
    expect(all.text).toContain('Refresh all mappings');
    expect(all.text).toContain('action="/customers/mappings/refresh-all"');

    const invalid = await suite.admin.agent.get('/customers?mapping=invalid');
    expect(invalid.text).toContain('Charlie');
    expect(invalid.text).not.toContain('Alpha');
    expect(invalid.text).toMatch(/<option value="invalid" selected>/);
    const missing = await suite.admin.agent.get('/customers?mapping=missing');
    expect(missing.text).toContain('Delta');
    expect(missing.text).not.toContain('Bravo');

    const reporter = await signInAs(suite.built.app, ctx.db, 'reporter');
    const seen = await reporter.agent.get('/customers');
    expect(seen.text).toContain('Acme Dental Group');
    expect(seen.text).not.toContain('/mapping/refresh');
    expect(seen.text).not.toContain('Refresh all mappings');
    // A reporter may look at a mapping (Run Checks links there) but gets no forms.
    const page = await reporter.agent.get(
      `/customers/${(await ctx.db.prisma.customer.findFirstOrThrow({ where: { name: 'Charlie' } })).id}/mapping`,
    );
    expect(page.status).toBe(200);
    expect(page.text).toContain('Only an admin can change this mapping.');
    expect(page.text).not.toContain('Map by company ID');
  });
});

describe('operators and reporters cannot change mappings', () => {
  for (const role of ['operator', 'reporter'] as const) {
    it(`${role}: 403 on every mapping change and search, nothing changed`, async () => {
      const mapped = await addCustomer(ctx.db, 'Acme Dental', { companyId: 100, companyName: 'Acme Dental' });
      const unmapped = await addCustomer(ctx.db, 'Contoso');
      const { agent, csrf } = await signInAs(suite.built.app, ctx.db, role);
      const attempts: Array<[string, string, Record<string, string>]> = [
        ['GET', `/customers/${unmapped.id}/mapping/search?q=contoso`, {}],
        ['POST', `/customers/${unmapped.id}/mapping`, { companyId: '105' }],
        ['POST', `/customers/${mapped.id}/mapping/clear`, {}],
        ['POST', `/customers/${mapped.id}/mapping/refresh`, {}],
        ['POST', '/customers/mappings/refresh-all', {}],
        ['GET', '/customers/mappings/suggestions', {}],
        ['POST', '/customers/mappings/suggestions/confirm', { customerId: String(unmapped.id), companyId: '105' }],
        ['POST', '/customers/mappings/suggestions/confirm-exact', { pair: `${unmapped.id}:105` }],
      ];
      for (const [method, path, body] of attempts) {
        const res =
          method === 'GET'
            ? await agent.get(path)
            : await agent
                .post(path)
                .type('form')
                .send({ _csrf: csrf, ...body });
        expect(res.status, `${method} ${path}`).toBe(403);
      }
      expect(await mappingOf(ctx.db, unmapped.id)).toBeNull();
      expect(await mappingOf(ctx.db, mapped.id)).toMatchObject({ companyId: 100, status: 'ok' });
      expect(companyRequests(simCtx.sim)).toHaveLength(0);
      expect(await ctx.db.prisma.syncLog.count()).toBe(0);
    });
  }
});
