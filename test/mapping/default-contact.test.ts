import { describe, expect, it } from 'vitest';
import { CONTACT, setContactActive } from '@backupchecks/autotask-simulator';
import { signInAs } from '../support/app.ts';
import { addCustomer, mappingOf, useMappingSuite } from './helpers.ts';

/** A customer's default contact for new tickets: chosen from the company's active contacts, admins only. */

const suite = useMappingSuite();
const { ctx, simCtx } = suite;

const contactEvents = async () =>
  (
    await ctx.db.prisma.auditEvent.findMany({
      where: { action: { startsWith: 'mapping.contact' } },
      orderBy: { id: 'asc' },
    })
  ).map((e) => e.action);
const contactRequests = () => simCtx.sim.requestLog.filter((r) => r.entity === 'Contacts');

describe('choosing the default contact', () => {
  it("lists the mapped company's active contacts only, saves the chosen one with CSRF, audits and shows it", async () => {
    const c = await addCustomer(ctx.db, 'Acme Dental', { companyId: 100, companyName: 'Acme Dental' });
    const { agent, csrf } = suite.admin;

    const page = await agent.get(`/customers/${c.id}/mapping`);
    expect(page.text).toContain('None: tickets go without a contact');
    expect(page.text).toContain('Choose a default contact');
    expect(contactRequests()).toHaveLength(0);

    const list = await agent.get(`/customers/${c.id}/mapping/contacts`);
    expect(list.status).toBe(200);
    expect(list.text).toContain('Sanne de Vries (office@acme-dental.example)');
    expect(list.text).toContain('Pieter Bakker');
    expect(list.text).not.toContain('Joost Visser'); // inactive in Autotask
    expect(contactRequests()).toHaveLength(1);

    const noCsrf = await agent.post(`/customers/${c.id}/mapping/contact`).type('form').send({ contactId: '1' });
    expect(noCsrf.status).toBe(403);

    const saved = await agent
      .post(`/customers/${c.id}/mapping/contact`)
      .type('form')
      .send({ _csrf: csrf, contactId: String(CONTACT.acmeDentist) });
    expect(saved.status).toBe(302);
    expect(saved.headers['location']).toBe(`/customers/${c.id}/mapping#default-contact`);
    expect(await mappingOf(ctx.db, c.id)).toMatchObject({
      contactId: CONTACT.acmeDentist,
      contactName: 'Pieter Bakker',
    });
    expect(await contactEvents()).toEqual(['mapping.contact_set']);

    const shown = await agent.get(`/customers/${c.id}/mapping`);
    expect(shown.text).toMatch(/Pieter Bakker <small class="muted-text">ID 30682002<\/small>/);
    expect(shown.text).toContain('Remove default contact');
  });

  it('refuses an inactive contact or one of another company, naming why', async () => {
    const c = await addCustomer(ctx.db, 'Acme Dental', { companyId: 100, companyName: 'Acme Dental' });
    const { agent, csrf } = suite.admin;
    const choose = (contactId: number) =>
      agent
        .post(`/customers/${c.id}/mapping/contact`)
        .type('form')
        .send({ _csrf: csrf, contactId: String(contactId) });

    const inactive = await choose(CONTACT.acmeFormer);
    expect(inactive.status).toBe(422);
    expect(inactive.text).toContain('Joost Visser is inactive in Autotask');
    const other = await choose(CONTACT.contosoIt);
    expect(other.text).toContain('Emma Jansen is a contact of another Autotask company.');
    const unknown = await choose(999);
    expect(unknown.text).toContain('Autotask has no contact with ID 999');
    expect((await mappingOf(ctx.db, c.id))?.contactId).toBeNull();
    expect(await contactEvents()).toEqual([]);
  });

  it('is removed by its button, and cleared when the customer is mapped to another company', async () => {
    const c = await addCustomer(ctx.db, 'Acme Dental', { companyId: 100, companyName: 'Acme Dental' });
    const { agent, csrf } = suite.admin;
    const setContact = () =>
      ctx.db.prisma.companyMapping.update({
        where: { customerId: c.id },
        data: { contactId: CONTACT.acmeOffice, contactName: 'Sanne de Vries' },
      });

    await setContact();
    const removed = await agent.post(`/customers/${c.id}/mapping/contact/clear`).type('form').send({ _csrf: csrf });
    expect(removed.status).toBe(302);
    expect(await mappingOf(ctx.db, c.id)).toMatchObject({ contactId: null, contactName: null });
    expect(await contactEvents()).toEqual(['mapping.contact_cleared']);

    await setContact();
    await agent.post(`/customers/${c.id}/mapping`).type('form').send({ _csrf: csrf, companyId: '101', source: 'id' });
    expect(await mappingOf(ctx.db, c.id)).toMatchObject({ companyId: 101, contactId: null, contactName: null });
  });

  it('is for admins: an operator sees the contact but gets 403 on every contact action', async () => {
    const c = await addCustomer(ctx.db, 'Acme Dental', { companyId: 100, companyName: 'Acme Dental' });
    await ctx.db.prisma.companyMapping.update({
      where: { customerId: c.id },
      data: { contactId: CONTACT.acmeOffice, contactName: 'Sanne de Vries' },
    });
    const operator = await signInAs(suite.built.app, ctx.db, 'operator');
    const page = await operator.agent.get(`/customers/${c.id}/mapping`);
    expect(page.text).toContain('Sanne de Vries');
    expect(page.text).not.toContain('Remove default contact');
    expect((await operator.agent.get(`/customers/${c.id}/mapping/contacts`)).status).toBe(403);
    const post = (path: string) =>
      operator.agent
        .post(path)
        .type('form')
        .send({ _csrf: operator.csrf, contactId: String(CONTACT.acmeDentist) });
    expect((await post(`/customers/${c.id}/mapping/contact`)).status).toBe(403);
    expect((await post(`/customers/${c.id}/mapping/contact/clear`)).status).toBe(403);
    expect((await mappingOf(ctx.db, c.id))?.contactId).toBe(CONTACT.acmeOffice);
  });
});

describe('Validate configuration', () => {
  it('flags a default contact made inactive in Autotask', async () => {
    const c = await addCustomer(ctx.db, 'Contoso', { companyId: 105, companyName: 'Contoso B.V.' });
    await ctx.db.prisma.companyMapping.update({
      where: { customerId: c.id },
      data: { contactId: CONTACT.contosoIt, contactName: 'Emma Jansen' },
    });
    const { agent, csrf } = suite.admin;
    const validate = () => agent.post('/settings/autotask/validate').type('form').send({ _csrf: csrf });
    expect((await validate()).text).toContain('1 default contact is active in Autotask.');
    setContactActive(simCtx.sim.state, CONTACT.contosoIt, false);
    expect((await validate()).text).toContain(
      'Emma Jansen (ID 30682011), the default contact of Contoso, is inactive in Autotask.',
    );
  });
});
