import { describe, expect, it } from 'vitest';
import { get, post, useTestSimulator, type CountBody, type ItemBody, type ItemsBody } from './helpers.ts';

/**
 * The API user's "Can view non-billable time entries" (docs/autotask.md, Time entries): without it
 * non-billable entries vanish from TimeEntries queries, counts and reads by id, with no error.
 * Switched through the control API and the control page.
 */

const sim = await useTestSimulator();

const control = (path: string, body: unknown) =>
  fetch(`${sim.controlUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

const countOn = async (ticketId: number) =>
  (
    await post<CountBody>(sim, 'V1.0/TimeEntries/query/count', {
      filter: [{ op: 'eq', field: 'ticketID', value: ticketId }],
    })
  ).json.queryCount;

describe('the non-billable permission of the API user', () => {
  it('is on by default; the demo tenant has a non-billable entry from the day before it was seeded', async () => {
    const res = await post<CountBody>(sim, 'V1.0/TimeEntries/query/count', {
      filter: [
        { op: 'eq', field: 'isNonBillable', value: true },
        { op: 'gte', field: 'dateWorked', value: '2026-03-01T00:00:00Z' },
      ],
    });
    expect(res.json.queryCount).toBe(1);
    expect(await (await fetch(`${sim.controlUrl}users`)).json()).toEqual({
      users: [{ username: sim.credentials.username, canViewNonBillable: true }],
    });
  });

  it('withdrawn: non-billable entries vanish from queries, counts and reads by id, with no error', async () => {
    const ticketId = 7004;
    const billable = sim.state.addTimeEntry(ticketId, { billable: true });
    const hidden = sim.state.addTimeEntry(ticketId, { billable: false });
    expect(await countOn(ticketId)).toBe(2);

    const res = await control('users/permissions', { canViewNonBillable: false });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ user: { username: sim.credentials.username, canViewNonBillable: false } });

    const count = await post<CountBody>(sim, 'V1.0/TimeEntries/query/count', {
      filter: [{ op: 'eq', field: 'ticketID', value: ticketId }],
    });
    expect(count.status).toBe(200);
    expect(count.json.queryCount).toBe(1);
    const nonBillable = await post<CountBody>(sim, 'V1.0/TimeEntries/query/count', {
      filter: [{ op: 'eq', field: 'isNonBillable', value: true }],
    });
    expect(nonBillable.json.queryCount).toBe(0);
    const items = await post<ItemsBody>(sim, 'V1.0/TimeEntries/query', {
      filter: [{ op: 'eq', field: 'ticketID', value: ticketId }],
    });
    expect(items.json.items.map((e) => e.id)).toEqual([billable.id]);
    expect((await get<ItemBody>(sim, `V1.0/TimeEntries/${hidden.id}`)).json).toEqual({ item: null });
    // Only the API user's view changes: the entry is still in the tenant.
    expect(sim.state.timeEntriesOf(ticketId)).toHaveLength(2);

    await control('users/permissions', { canViewNonBillable: true });
    expect(await countOn(ticketId)).toBe(2);
  });

  it('a reset gives the permission back; an unknown user is refused', async () => {
    await control('users/permissions', { canViewNonBillable: false });
    sim.reset();
    expect(sim.state.users[0]!.canViewNonBillable).not.toBe(false);
    const unknown = await control('users/permissions', { username: 'nobody@example.com', canViewNonBillable: false });
    expect(unknown.status).toBe(500);
  });

  it('the control page shows the permission and switches it with a form', async () => {
    const page = await (await fetch(sim.controlUrl)).text();
    expect(page).toContain('Can view non-billable time entries');
    expect(page).toContain('action="/__sim/users/permissions"');
    const form = await fetch(`${sim.controlUrl}users/permissions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'canViewNonBillable=false',
      redirect: 'manual',
    });
    expect(form.status).toBe(303);
    expect(sim.state.users[0]!.canViewNonBillable).toBe(false);
    const after = await (await fetch(sim.controlUrl)).text();
    expect(after).toContain('no: non-billable entries are left out of queries and counts');
  });
});
