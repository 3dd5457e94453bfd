import { describe, expect, it } from 'vitest';
import { AutotaskValidationError } from '../../../src/autotask/client.ts';
import { API, api, makeClient, mockZoneLookup, rejection, useNock } from './helpers.ts';

// Reading a ticket opened in Autotask by hand, by the number an operator types
// (src/services/tickets/link/link-existing.ts): the exact query on the wire, and what comes back.

useNock();

const page = (items: unknown[]) => ({
  items,
  pageDetails: { count: items.length, requestCount: 500, prevPageUrl: null, nextPageUrl: null },
});

const handMade = {
  id: 9120,
  ticketNumber: 'T20260114.0007',
  title: 'Backups of the practice servers keep failing',
  companyID: 29683,
  status: 8,
  createDate: '2026-01-14T08:12:00Z',
  userDefinedFields: [],
};

describe('findTicketByNumber', () => {
  it('POSTs Tickets/query with one eq filter on ticketNumber (trimmed) and maps the ticket', async () => {
    mockZoneLookup();
    const scope = api()
      .post(`${API}/Tickets/query`, { filter: [{ op: 'eq', field: 'ticketNumber', value: 'T20260114.0007' }] })
      .reply(200, page([handMade]));
    const { client } = makeClient();
    const ticket = await client.findTicketByNumber('  T20260114.0007 ');
    expect(ticket).toMatchObject({
      id: 9120,
      ticketNumber: 'T20260114.0007',
      companyId: 29683,
      status: 8,
      externalId: null,
      createDate: new Date('2026-01-14T08:12:00Z'),
    });
    scope.done();
  });

  it('answers null when Autotask returns no ticket', async () => {
    mockZoneLookup();
    const scope = api().post(`${API}/Tickets/query`).reply(200, page([]));
    const { client } = makeClient();
    expect(await client.findTicketByNumber('T20260114.0999')).toBeNull();
    scope.done();
  });

  it('passes a refusal on as the client error, with Autotask words kept', async () => {
    mockZoneLookup();
    const scope = api()
      .post(`${API}/Tickets/query`)
      .reply(500, { errors: ['The field ticketNumber is not queryable.'] });
    const { client } = makeClient();
    const e = await rejection(client.findTicketByNumber('T20260114.0007'));
    expect(e).toBeInstanceOf(AutotaskValidationError);
    expect(e).toMatchObject({
      messages: ['The field ticketNumber is not queryable.'],
      operation: 'tickets.findByNumber',
    });
    scope.done();
  });

  it('refuses a blank number before calling Autotask', async () => {
    const { client } = makeClient();
    await expect(client.findTicketByNumber('   ')).rejects.toBeInstanceOf(TypeError);
  });
});
