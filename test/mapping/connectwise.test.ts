import { describe, expect, it } from 'vitest';
import { COMPANY } from '@backupchecks/connectwise-simulator';
import { COMPANY_SYNC_KIND } from '../../src/services/mapping/company-sync.ts';
import { settleDeferredWork } from '../../src/shared/deferred-work.ts';
import { decode } from '../settings/helpers.ts';
import { useAppWithPsa } from '../support/psa-harness.ts';
import { addCustomer, mappingOf } from './helpers.ts';

/**
 * Mapping with ConnectWise as the active PSA: customers are searched, mapped and kept current
 * against ConnectWise companies through the PSA port, with the pages naming ConnectWise. What is
 * Autotask's alone (company type and city in the search, default contacts) is not offered.
 * Mapping only reads: neither simulator receives a write, and Autotask is not asked at all.
 */

const suite = useAppWithPsa('connectwise', { signIn: ['admin'] });

const cwCompanyCalls = () => suite.cwSim.requestLog.filter((e) => e.resource === 'company/companies');
const cwWrites = () => suite.cwSim.requestLog.filter((e) => e.method !== 'GET' && e.method !== 'HEAD');
const autotaskCompanyCalls = () => suite.sim.requestLog.filter((e) => e.entity === 'Companies');
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);

/** A customer mapped to a ConnectWise company, as an earlier mapping left it. */
const mappedCustomer = (name: string, companyId: number, companyName: string, lastSyncAt: Date = new Date()) =>
  addCustomer(suite.db, name, { psaType: 'connectwise', companyId, companyName, lastSyncAt });

/** The text of the flash messages on a page. */
const flashTexts = (html: string) =>
  [...html.matchAll(/<div class="flash flash-\w+"[^>]*>\s*<p>([\s\S]*?)<\/p>/g)].map((m) =>
    decode(m[1]!.replace(/<[^>]+>/g, ''))
      .replace(/\s+/g, ' ')
      .trim(),
  );

describe('mapping a customer with ConnectWise active', () => {
  it('searches ConnectWise companies by name and maps the customer to one', async () => {
    const c = await addCustomer(suite.db, 'Acme Dental Practice');
    const { agent, csrf, user } = suite.as.admin;

    const page = await agent.get(`/customers/${c.id}/mapping`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>ConnectWise company of Acme Dental Practice</h1>');
    expect(page.text).toContain('Acme Dental Practice is not mapped to a ConnectWise company.');
    expect(page.text).toContain('<button type="submit">Search ConnectWise</button>');
    expect(page.text).toContain('<label for="map-company-id">ConnectWise company ID</label>');
    expect(cwCompanyCalls()).toHaveLength(0);

    const found = await agent.get(`/customers/${c.id}/mapping/search`).query({ q: 'acme dent' });
    expect(found.status).toBe(200);
    expect(found.text).toMatch(
      new RegExp(`<th scope="row">Acme Dental</th>\\s*<td class="num">${COMPANY.acme}</td>\\s*<td>\\s*<form`),
    );
    // ConnectWise's companies come without Autotask's type and city.
    expect(found.text).not.toContain('<th scope="col">Type</th>');
    expect(cwCompanyCalls()).toHaveLength(1);

    const res = await agent
      .post(`/customers/${c.id}/mapping`)
      .type('form')
      .send({ _csrf: csrf, companyId: String(COMPANY.acme), source: 'search', returnTo: '/customers' });
    expect(res.status).toBe(302);
    expect(await mappingOf(suite.db, c.id)).toMatchObject({
      psaType: 'connectwise',
      companyId: COMPANY.acme,
      companyName: 'Acme Dental',
      status: 'ok',
      mappedById: user.id,
    });
    expect(flashTexts((await agent.get(res.headers.location!)).text)).toContain(
      `Mapped Acme Dental Practice to ConnectWise company Acme Dental (ID ${COMPANY.acme}).`,
    );
    const event = await suite.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'mapping.mapped' } });
    expect(event.summary).toBe(
      `Mapped customer Acme Dental Practice to ConnectWise company Acme Dental (ID ${COMPANY.acme})`,
    );
    expect(event.details).toMatchObject({ psaType: 'connectwise', companyId: COMPANY.acme, source: 'search' });

    expect(autotaskCompanyCalls()).toEqual([]);
    expect(cwWrites()).toEqual([]);
  });

  it('hides companies in an inactive status unless asked, and refuses them, an unknown ID and a bad one', async () => {
    const c = await addCustomer(suite.db, 'Tailspin');
    const { agent, csrf } = suite.as.admin;

    const active = await agent.get(`/customers/${c.id}/mapping/search`).query({ q: 'tailspin' });
    expect(active.text).toContain('No active company in ConnectWise has a name containing “tailspin”.');
    const all = await agent.get(`/customers/${c.id}/mapping/search`).query({ q: 'tailspin', includeInactive: 'on' });
    expect(all.text).toMatch(/Tailspin Toys <span class="badge">inactive<\/span>/);
    expect(all.text).toContain('Inactive: cannot receive tickets');

    const map = (companyId: string) =>
      agent.post(`/customers/${c.id}/mapping`).type('form').send({ _csrf: csrf, companyId });
    const inactive = await map(String(COMPANY.tailspin));
    expect(inactive.status).toBe(422);
    expect(decode(inactive.text)).toContain(
      `Tailspin Toys (ID ${COMPANY.tailspin}) is inactive in ConnectWise, so tickets cannot be created for it. Reactivate it in ConnectWise or pick another company.`,
    );
    const deleted = await map(String(COMPANY.oldClient));
    expect(deleted.status).toBe(422);
    expect(decode(deleted.text)).toContain(`Old Client Ltd (ID ${COMPANY.oldClient}) is inactive in ConnectWise`);
    const unknown = await map('99999');
    expect(unknown.status).toBe(422);
    expect(unknown.text).toContain('ConnectWise has no company with ID 99999, or the API member cannot see it.');
    const typo = await map('abc');
    expect(typo.status).toBe(422);
    expect(typo.text).toContain('The company ID is a number, as shown in ConnectWise');

    expect(await mappingOf(suite.db, c.id)).toBeNull();
    expect(cwWrites()).toEqual([]);
  });

  it('offers no default contact, and refuses the contact actions', async () => {
    const c = await mappedCustomer('Acme Dental', COMPANY.acme, 'Acme Dental');
    const { agent, csrf } = suite.as.admin;

    const page = await agent.get(`/customers/${c.id}/mapping`);
    expect(page.text).toContain('<dt>ConnectWise company</dt>');
    expect(page.text).not.toContain('Default contact');

    const refusal = 'Default contacts are an Autotask feature; ConnectWise is the active PSA.';
    const list = await agent.get(`/customers/${c.id}/mapping/contacts`);
    expect(list.status).toBe(409);
    expect(list.text).toContain(refusal);
    const save = await agent
      .post(`/customers/${c.id}/mapping/contact`)
      .type('form')
      .send({ _csrf: csrf, contactId: '501' });
    expect(save.status).toBe(409);
    expect(save.text).toContain(refusal);
    expect(await mappingOf(suite.db, c.id)).toMatchObject({ contactId: null });
    expect(suite.cwSim.requestLog.filter((e) => e.resource?.startsWith('company/contacts'))).toEqual([]);
  });
});

describe('company names stay current with ConnectWise active', () => {
  it('a rename in ConnectWise is picked up after the Customers page is sent', async () => {
    const stale = await mappedCustomer('Northwind', COMPANY.northwind, 'Northwind Traders', hoursAgo(2));
    await suite.driver.renameCompany(COMPANY.northwind, 'Northwind Traders Group');

    const page = await suite.as.admin.agent.get('/customers');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<th scope="col">ConnectWise company</th>');
    expect(page.text).toContain('<label for="f-mapping">ConnectWise mapping</label>');
    expect(page.text).toContain('ConnectWise company names have not been checked yet.');
    // The page shows what was cached when it was rendered…
    expect(page.text).toContain('<span class="mapping-company">Northwind Traders</span>');

    // …and the sync after it reads ConnectWise.
    await settleDeferredWork();
    expect(await mappingOf(suite.db, stale.id)).toMatchObject({
      psaType: 'connectwise',
      companyId: COMPANY.northwind,
      companyName: 'Northwind Traders Group',
      status: 'renamed',
      statusReason: 'Renamed in ConnectWise from “Northwind Traders” to “Northwind Traders Group”.',
      lastError: null,
    });
    const log = await suite.db.prisma.syncLog.findFirstOrThrow({ where: { kind: COMPANY_SYNC_KIND } });
    expect(log).toMatchObject({ trigger: 'page-view', ok: true, checked: 1, renamed: 1, invalid: 0, errors: 0 });
    expect((await mappingOf(suite.db, stale.id))!.lastSyncAt!.getTime()).toBeGreaterThan(hoursAgo(1).getTime());

    const next = await suite.as.admin.agent.get('/customers');
    expect(next.text).toContain('<span class="mapping-company">Northwind Traders Group</span>');
    expect(next.text).toContain('Renamed in ConnectWise; the mapping is intact');
    expect(next.text).toContain('ConnectWise company names last checked');
    await settleDeferredWork();
    expect(autotaskCompanyCalls()).toEqual([]);
    expect(cwWrites()).toEqual([]);
  });

  it('"Refresh all mappings" reads ConnectWise: renamed, inactive and deleted companies', async () => {
    const renamed = await mappedCustomer('Contoso', COMPANY.contoso, 'Contoso B.V.');
    const inactive = await mappedCustomer('Fabrikam', COMPANY.fabrikam, 'Fabrikam Architects');
    const deleted = await mappedCustomer('Brightwater', COMPANY.brightwater, 'Brightwater Logistics');
    const same = await mappedCustomer('Acme', COMPANY.acme, 'Acme Dental');
    await suite.driver.renameCompany(COMPANY.contoso, 'Contoso Nederland B.V.');
    await suite.driver.deactivateCompany(COMPANY.fabrikam);
    await suite.driver.deleteCompany(COMPANY.brightwater);

    const { agent, csrf } = suite.as.admin;
    const res = await agent
      .post('/customers/mappings/refresh-all')
      .type('form')
      .send({ _csrf: csrf, returnTo: '/customers' });
    expect(res.status).toBe(302);
    expect(flashTexts((await agent.get(res.headers.location!)).text)).toContain(
      'Refreshed 4 mappings: 1 renamed, 2 invalid.',
    );

    expect(await mappingOf(suite.db, renamed.id)).toMatchObject({
      status: 'renamed',
      companyName: 'Contoso Nederland B.V.',
    });
    expect(await mappingOf(suite.db, inactive.id)).toMatchObject({
      status: 'invalid',
      statusReason: suite.driver.inactiveReason(COMPANY.fabrikam),
    });
    expect(await mappingOf(suite.db, deleted.id)).toMatchObject({
      status: 'invalid',
      statusReason: `Company ${COMPANY.brightwater} is inactive in ConnectWise.`,
    });
    expect(await mappingOf(suite.db, same.id)).toMatchObject({ status: 'ok', statusReason: null });

    const event = await suite.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'mapping.refreshed_all' } });
    expect(event.summary).toBe('Refreshed ConnectWise mappings: 4 checked, 1 renamed, 2 invalid');
    expect(autotaskCompanyCalls()).toEqual([]);
    expect(cwWrites()).toEqual([]);
  });
});

describe('mapping suggestions with ConnectWise active', () => {
  it('proposes ConnectWise companies and maps the confirmed exact ones to ConnectWise', async () => {
    const c = await addCustomer(suite.db, 'Brightwater Logistics');
    const { agent, csrf } = suite.as.admin;

    const page = await agent.get('/customers/mappings/suggestions');
    expect(page.status).toBe(200);
    expect(page.text).toContain('ConnectWise companies whose names match unmapped customers');
    expect(page.text).toContain('<th scope="col">ConnectWise company</th>');
    expect(page.text).not.toContain('<th scope="col">City</th>');
    const pairs = [...page.text.matchAll(/name="pair" value="(\d+:\d+)"/g)].map((m) => m[1]);
    expect(pairs).toEqual([`${c.id}:${COMPANY.brightwater}`]);

    const res = await agent
      .post('/customers/mappings/suggestions/confirm-exact')
      .type('form')
      .send({ _csrf: csrf, pair: pairs });
    expect(res.status).toBe(302);
    expect(flashTexts((await agent.get(res.headers.location!)).text)).toContain(
      'Mapped 1 customer to their exactly matching ConnectWise company.',
    );
    expect(await mappingOf(suite.db, c.id)).toMatchObject({
      psaType: 'connectwise',
      companyId: COMPANY.brightwater,
      companyName: 'Brightwater Logistics',
      status: 'ok',
    });
    expect(autotaskCompanyCalls()).toEqual([]);
    expect(cwWrites()).toEqual([]);
  });
});
