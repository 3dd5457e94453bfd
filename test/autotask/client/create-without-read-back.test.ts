import { describe, expect, it } from 'vitest';
import { API, api, makeClient, mockZoneLookup, useNock } from './helpers.ts';

// `createTicket(input, { readBack: false })`: the click on "Create Autotask ticket" waits for the
// POST only and reads the ticket back after its answer (src/services/tickets/create/after-create.ts).

useNock();

const newTicket = { companyId: 29683, title: 'Backup failed', status: 1, priority: 2, queueId: 8, externalId: 'r-1' };

describe('createTicket without the read-back', () => {
  it('sends the POST only and returns the new id', async () => {
    mockZoneLookup();
    // No GET is mocked: a read-back would fail and show up as readBackError.
    const scope = api().post(`${API}/Tickets`).reply(200, { itemId: 7865 });
    const { client, recorder } = makeClient();
    const created = await client.createTicket(newTicket, { readBack: false });
    expect(created).toEqual({ id: 7865, ticket: null, readBackError: null });
    scope.done();
    expect(recorder.entries.map((e) => e.operation)).toEqual(['zone.lookup', 'tickets.create']);
  });
});
