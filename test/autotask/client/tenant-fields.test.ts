import { describe, expect, it } from 'vitest';
import { AutotaskValidationError } from '../../../src/autotask/client.ts';
import { ticketFieldRefusal } from '../../../src/errors/autotask-messages.ts';
import { explainTicketRefusal } from '../../../src/errors/ticket-refusals.ts';
import { fromAutotask } from '../../../src/psa/errors.ts';
import { API, api, makeClient, mockZoneLookup, useNock } from './helpers.ts';

// Work Types, contacts and the ticket fields they fill: the wire, and how a refusal is read.

useNock();

const pageOf = (items: unknown[]) => ({
  items,
  pageDetails: { count: items.length, requestCount: 500, prevPageUrl: null, nextPageUrl: null },
});

describe('Work Types and contacts', () => {
  it('getWorkTypes queries BillingCodes with useType 1 and keeps inactive ones', async () => {
    mockZoneLookup();
    const scope = api()
      .post(`${API}/BillingCodes/query`, { filter: [{ op: 'eq', field: 'useType', value: 1 }] })
      .reply(
        200,
        pageOf([
          { id: 29682801, name: 'Remote Support', isActive: true, useType: 1, billingCodeType: 0 },
          { id: '29682799', name: 'Old', isActive: false, useType: 1 },
        ]),
      );
    const { client } = makeClient();
    expect(await client.getWorkTypes()).toEqual([
      { id: 29682801, name: 'Remote Support', isActive: true },
      { id: 29682799, name: 'Old', isActive: false },
    ]);
    scope.done();
  });

  it('listActiveContacts filters the company and isActive as the integer 1, and reads 0/1 as a flag', async () => {
    mockZoneLookup();
    const scope = api()
      .post(`${API}/Contacts/query`, {
        filter: [
          { op: 'eq', field: 'companyID', value: 105 },
          { op: 'eq', field: 'isActive', value: 1 },
        ],
      })
      .reply(
        200,
        pageOf([
          { id: 5, companyID: 105, firstName: 'Emma', lastName: 'Jansen', emailAddress: 'it@x.example', isActive: 1 },
        ]),
      );
    const { client } = makeClient();
    expect(await client.listActiveContacts(105)).toEqual([
      { id: 5, companyId: 105, firstName: 'Emma', lastName: 'Jansen', email: 'it@x.example', isActive: true },
    ]);
    scope.done();

    mockZoneLookup();
    api()
      .get(`${API}/Contacts/6`)
      .reply(200, { item: { id: 6, companyID: 105, firstName: 'Lucas', lastName: 'Smit', isActive: 0 } });
    expect((await makeClient().client.getContact(6)).isActive).toBe(false);
  });

  it('createTicket sends billingCodeID, ticketCategory, ticketType and contactID only when given', async () => {
    mockZoneLookup();
    let sent: Record<string, unknown> = {};
    api()
      .post(`${API}/Tickets`, (body: Record<string, unknown>) => {
        sent = body;
        return true;
      })
      .reply(200, { itemId: 9 });
    api()
      .get(`${API}/Tickets/9`)
      .reply(200, { item: { id: 9, ticketNumber: 'T1', companyID: 1, status: 1 } });
    await makeClient().client.createTicket({
      companyId: 1,
      title: 't',
      status: 1,
      priority: 2,
      billingCodeId: 29682801,
      ticketCategory: 3,
      ticketType: 2,
      contactId: 5,
    });
    expect(sent).toMatchObject({ billingCodeID: 29682801, ticketCategory: 3, ticketType: 2, contactID: 5 });
  });
});

describe('reading a refusal for a tenant-required field', () => {
  const refusal = (message: string) => ticketFieldRefusal([message]);

  it.each([
    ['billingCodeID: Value is required.', 'billingCodeID', 'Autotask requires a Work Type on new tickets.'],
    ['The BillingCodeID field is required.', 'billingCodeID', 'Autotask requires a Work Type on new tickets.'],
    ['Work Type is required', 'billingCodeID', 'Autotask requires a Work Type on new tickets.'],
    ['AllocationCodeID: Value is required', 'billingCodeID', 'Autotask requires a Work Type on new tickets.'],
    ['ticketCategory: Value is required.', 'ticketCategory', 'Autotask requires a ticket category on new tickets.'],
    ['Value does not reference an existing entity for ticketType.', 'ticketType', null],
    ['Reference value on field: contactID of type: Contact does not exist or is invalid.', 'contactID', null],
    ['contactID: Value 12345 does not exist or is invalid', 'contactID', null],
  ])('%s → %s', (message, field, sentence) => {
    const found = refusal(message);
    expect(found?.field).toBe(field);
    if (sentence) expect(found?.sentence).toBe(sentence);
    else expect(found?.sentence).toMatch(/^Autotask did not accept/);
  });

  it('ignores other fields, and texts that name a field without a reason', () => {
    expect(refusal('Value does not reference an existing entity for issueType . ')).toBeNull();
    expect(refusal('Please contact your administrator.')).toBeNull();
    expect(refusal('billingCodeID updated')).toBeNull();
    expect(ticketFieldRefusal(undefined)).toBeNull();
  });

  it('links to the setting at its field, or to the customer’s mapping page for the contact', () => {
    expect(refusal('billingCodeID: Value is required.')?.fixUrl(7)).toBe('/settings/autotask#f-billingCodeId');
    expect(refusal('ticketType: Value is required.')?.fixUrl(7)).toBe('/settings/autotask#f-ticketTypeId');
    expect(refusal('contactID: Value is required.')?.fixUrl(7)).toBe('/customers/7/mapping#default-contact');
  });

  it('explainTicketRefusal uses the field sentence for a validation refusal, the shared one otherwise', () => {
    const context = { operation: 'tickets.create', method: 'POST', path: 'Tickets' };
    expect(
      explainTicketRefusal(
        fromAutotask(new AutotaskValidationError(500, ['billingCodeID: Value is required.'], context)),
      ),
    ).toBe('Autotask did not create the ticket. Autotask requires a Work Type on new tickets.');
    expect(explainTicketRefusal(fromAutotask(new AutotaskValidationError(500, ['Something else.'], context)))).toBe(
      'Autotask did not create the ticket. Autotask rejected the request.',
    );
  });
});
