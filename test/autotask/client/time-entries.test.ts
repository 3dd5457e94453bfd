import { describe, expect, it } from 'vitest';
import { API, api, makeClient, mockZoneLookup, useNock } from './helpers.ts';

// The tenant-wide count behind the proof that the API user sees non-billable time entries
// (docs/autotask.md, Time entries): exact body on the wire, the answer read as a number.

useNock();

describe('countNonBillableTimeEntries', () => {
  it('POSTs TimeEntries/query/count for isNonBillable true and dateWorked from the start of that UTC day', async () => {
    mockZoneLookup();
    const scope = api()
      .post(`${API}/TimeEntries/query/count`, {
        filter: [
          { op: 'eq', field: 'isNonBillable', value: true },
          { op: 'gte', field: 'dateWorked', value: '2026-09-03T00:00:00Z' },
        ],
      })
      .reply(200, { queryCount: 4 });
    const { client } = makeClient();
    expect(await client.countNonBillableTimeEntries(new Date('2026-09-03T17:45:12.345Z'))).toBe(4);
    scope.done();
  });

  it('a count of 0 is returned as 0, not as an error', async () => {
    mockZoneLookup();
    const scope = api().post(`${API}/TimeEntries/query/count`).reply(200, { queryCount: 0 });
    const { client } = makeClient();
    expect(await client.countNonBillableTimeEntries(new Date('2026-09-03T00:00:00Z'))).toBe(0);
    scope.done();
  });

  it('refuses an invalid date before calling Autotask', async () => {
    const { client } = makeClient();
    await expect(client.countNonBillableTimeEntries(new Date('not a date'))).rejects.toBeInstanceOf(TypeError);
  });
});
