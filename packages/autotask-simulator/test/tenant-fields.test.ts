import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { CONTACT, WORK_TYPE } from '../src/index.ts';
import {
  get,
  post,
  queryIds,
  useTestSimulator,
  validTicket,
  type CountBody,
  type ErrorsBody,
  type ItemBody,
  type ItemIdBody,
  type ItemsBody,
} from './helpers.ts';

/** Tenant-required ticket fields, and the BillingCodes, Contacts and picklists behind them. */

const sim = await useTestSimulator();

const control = () => request(sim.controlUrl.replace(/\/__sim\/$/, ''));
const createTicket = (body: Record<string, unknown>) => post<ItemIdBody | ErrorsBody>(sim, 'V1.0/Tickets', body);
const errorsOf = (res: { json: unknown }) => (res.json as ErrorsBody).errors;

describe('BillingCodes', () => {
  it('queries Work Types by useType, with their isActive flag; other use types are left out', async () => {
    const res = await post<ItemsBody>(sim, 'V1.0/BillingCodes/query', {
      filter: [{ op: 'eq', field: 'useType', value: 1 }],
    });
    expect(res.status).toBe(200);
    const byId = new Map(res.json.items.map((b) => [b.id, b]));
    expect(byId.get(WORK_TYPE.remoteSupport)).toMatchObject({ name: 'Remote Support', isActive: true, useType: 1 });
    expect(byId.get(WORK_TYPE.legacy)).toMatchObject({ isActive: false });
    expect(res.json.items.every((b) => b.useType === 1)).toBe(true);

    const active = await queryIds(sim, 'BillingCodes', [
      { op: 'eq', field: 'useType', value: 1 },
      { op: 'eq', field: 'isActive', value: true },
    ]);
    expect(active).toContain(WORK_TYPE.remoteSupport);
    expect(active).not.toContain(WORK_TYPE.legacy);
  });

  it('is read-only over the API', async () => {
    const res = await post(sim, 'V1.0/BillingCodes', { name: 'New', useType: 1 });
    expect(res.status).toBe(405);
  });
});

describe('Contacts', () => {
  it('queries a company’s contacts; isActive is an integer', async () => {
    const res = await post<ItemsBody>(sim, 'V1.0/Contacts/query', {
      filter: [
        { op: 'eq', field: 'companyID', value: 100 },
        { op: 'eq', field: 'isActive', value: 1 },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.json.items.map((c) => c.id)).toEqual([CONTACT.acmeOffice, CONTACT.acmeDentist]);
    expect(res.json.items[0]).toMatchObject({ firstName: 'Sanne', lastName: 'de Vries', isActive: 1, companyID: 100 });
    const one = await get<ItemBody>(sim, `V1.0/Contacts/${CONTACT.acmeFormer}`);
    expect(one.json.item).toMatchObject({ isActive: 0 });
  });

  it('refuses a boolean for the integer isActive, as SQL Server would', async () => {
    const res = await post<ErrorsBody>(sim, 'V1.0/Contacts/query/count', {
      filter: [{ op: 'eq', field: 'isActive', value: 'yes' }],
    });
    expect(res.status).toBe(500);
    expect(res.json.errors[0]).toMatch(/Conversion failed/);
    const count = await post<CountBody>(sim, 'V1.0/Contacts/query/count', { filter: [{ op: 'exist', field: 'id' }] });
    expect(count.json.queryCount).toBe(6);
  });

  it('metadata lists the Contacts and BillingCodes fields', async () => {
    const res = await get<{ fields: { name: string; dataType: string }[] }>(
      sim,
      'V1.0/Contacts/entityInformation/fields',
    );
    expect(res.json.fields.find((f) => f.name === 'isActive')?.dataType).toBe('integer');
    const codes = await get<{ fields: { name: string; picklistValues: { value: string; label: string }[] | null }[] }>(
      sim,
      'V1.0/BillingCodes/entityInformation/fields',
    );
    const useType = codes.json.fields.find((f) => f.name === 'useType');
    expect(useType?.picklistValues?.find((p) => p.value === '1')?.label).toBe('Work Type');
  });
});

describe('ticket categories and types', () => {
  it('Tickets metadata lists both picklists, each with an inactive value', async () => {
    const res = await get<{ fields: { name: string; picklistValues: { isActive: boolean }[] | null }[] }>(
      sim,
      'V1.0/Tickets/entityInformation/fields',
    );
    for (const name of ['ticketCategory', 'ticketType']) {
      const values = res.json.fields.find((f) => f.name === name)?.picklistValues ?? [];
      expect(values.some((v) => v.isActive)).toBe(true);
      expect(values.some((v) => !v.isActive)).toBe(true);
    }
  });
});

describe('tenant-required fields on create', () => {
  it('refuses a ticket without a required field with an Autotask-style 500, naming each field', async () => {
    await control()
      .post('/__sim/tenant-fields/required')
      .send({ fields: ['billingCodeID', 'contactID'] })
      .expect(200);
    const res = await createTicket(validTicket);
    expect(res.status).toBe(500);
    expect(errorsOf(res)).toEqual(['billingCodeID: Value is required.', 'contactID: Value is required.']);
    expect(sim.state.tickets.filter((t) => t.title === validTicket.title)).toHaveLength(0);

    const ok = await createTicket({
      ...validTicket,
      billingCodeID: WORK_TYPE.remoteSupport,
      contactID: CONTACT.contosoIt,
    });
    expect(ok.status).toBe(200);
    const ticket = sim.state.ticket((ok.json as ItemIdBody).itemId)!;
    expect(ticket).toMatchObject({ billingCodeID: WORK_TYPE.remoteSupport, contactID: CONTACT.contosoIt });
  });

  it('accepts field names in any case, and an empty list switches the rule off', async () => {
    await control()
      .post('/__sim/tenant-fields/required')
      .send({ fields: ['TICKETCATEGORY'] })
      .expect(200);
    expect(sim.state.settings.requiredTicketFields).toEqual(['ticketCategory']);
    expect((await createTicket(validTicket)).status).toBe(500);
    await control().post('/__sim/tenant-fields/required').send({ fields: [] }).expect(200);
    expect((await createTicket(validTicket)).status).toBe(200);
    await control()
      .post('/__sim/tenant-fields/required')
      .send({ fields: ['noSuchField'] })
      .expect(400);
  });

  it('refuses inactive, unknown or non-work-type billing codes, and contacts of other companies or inactive', async () => {
    const refused = async (extra: Record<string, unknown>, message: string) => {
      const res = await createTicket({ ...validTicket, ...extra });
      expect(res.status).toBe(500);
      expect(errorsOf(res)).toContain(message);
    };
    const badCode = 'Reference value on field: billingCodeID of type: BillingCode does not exist or is invalid.';
    const badContact = 'Reference value on field: contactID of type: Contact does not exist or is invalid.';
    await refused({ billingCodeID: WORK_TYPE.legacy }, badCode);
    await refused({ billingCodeID: 1 }, badCode);
    await refused({ billingCodeID: 29682811 }, badCode); // a material code, not a Work Type
    await refused({ contactID: CONTACT.acmeOffice }, badContact); // Acme's contact on a Contoso ticket
    await control().post(`/__sim/contacts/${CONTACT.contosoIt}/deactivate`).send({}).expect(200);
    await refused({ contactID: CONTACT.contosoIt }, badContact);
    await refused({ ticketCategory: 4 }, 'Value does not reference an existing entity for ticketCategory.');
    await refused({ ticketType: 7 }, 'Value does not reference an existing entity for ticketType.');
  });

  it('control API switches Work Types, contacts and picklist values, and lists them', async () => {
    await control().post(`/__sim/billing-codes/${WORK_TYPE.remoteSupport}/deactivate`).send({}).expect(200);
    expect((await createTicket({ ...validTicket, billingCodeID: WORK_TYPE.remoteSupport })).status).toBe(500);
    await control().post(`/__sim/billing-codes/${WORK_TYPE.remoteSupport}/activate`).send({}).expect(200);
    expect((await createTicket({ ...validTicket, billingCodeID: WORK_TYPE.remoteSupport })).status).toBe(200);

    await control().post('/__sim/picklists/Tickets/ticketCategory/3/deactivate').send({}).expect(200);
    expect((await createTicket({ ...validTicket, ticketCategory: 3 })).status).toBe(500);

    const added = await control()
      .post('/__sim/contacts')
      .send({ companyID: 105, firstName: 'Ada', lastName: 'Byron' })
      .expect(200);
    const contactId = (added.body as { contact: { id: number } }).contact.id;
    expect((await createTicket({ ...validTicket, contactID: contactId })).status).toBe(200);

    const view = await control().get('/__sim/tenant-fields').expect(200);
    const body = view.body as { requiredTicketFields: string[]; contacts: { id: number }[] };
    expect(body.requiredTicketFields).toEqual([]);
    expect(body.contacts.map((c) => c.id)).toContain(contactId);
  });

  it('the control page shows the section, and its forms post back to the page', async () => {
    const page = await control().get('/__sim/').expect(200);
    expect(page.text).toContain('Tenant-required ticket fields');
    expect(page.text).toContain('name="fields" value="billingCodeID"');
    expect(page.text).toContain(`/__sim/billing-codes/${WORK_TYPE.remoteSupport}/deactivate`);
    const form = await control()
      .post('/__sim/tenant-fields/required')
      .type('form')
      .send('fields=billingCodeID&fields=ticketType')
      .expect(303);
    expect(form.headers['location']).toContain('notice=');
    expect(sim.state.settings.requiredTicketFields).toEqual(['billingCodeID', 'ticketType']);
  });

  it('reset brings back the seed: no required fields, contacts and codes active again', async () => {
    sim.state.settings.requiredTicketFields = ['billingCodeID'];
    await control().post(`/__sim/contacts/${CONTACT.contosoIt}/deactivate`).send({}).expect(200);
    sim.reset();
    expect(sim.state.settings.requiredTicketFields).toEqual([]);
    expect(sim.state.contacts.find((c) => c.id === CONTACT.contosoIt)?.isActive).toBe(1);
  });
});
