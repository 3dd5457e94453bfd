import { beforeEach, describe, expect, it } from 'vitest';
import {
  call,
  get,
  post,
  queryIds,
  testClock,
  useTestSimulator,
  validTicket,
  type CountBody,
  type ErrorsBody,
  type ItemBody,
  type ItemIdBody,
  type ItemsBody,
} from './helpers.ts';

const clock = testClock('2026-03-04T10:00:00.000Z');
const sim = await useTestSimulator({ clock });
beforeEach(() => {
  clock.set('2026-03-04T10:00:00.000Z');
});

async function createTicket(body: Record<string, unknown> = validTicket): Promise<number> {
  const res = await post<ItemIdBody>(sim, 'V1.0/Tickets', body);
  expect(res.status, res.text).toBe(200);
  return res.json.itemId;
}

describe('ticket create', () => {
  it('creates a ticket and answers {itemId}; the ticket reads back with a server-made number', async () => {
    const id = await createTicket({ ...validTicket, externalID: 'bc-run-42', description: 'Line 1\nLine 2' });
    const { json } = await get<ItemBody>(sim, `V1.0/Tickets/${id}`);
    expect(json.item).toMatchObject({
      id,
      ticketNumber: 'T20260304.0001',
      externalID: 'bc-run-42',
      companyID: 105,
      status: 1,
      completedDate: null,
      createDate: '2026-03-04T10:00:00.000Z',
      userDefinedFields: [],
    });
  });

  it('numbers tickets T{yyyymmdd}.{nnnn} with a daily sequence in UTC', async () => {
    const numbers: string[] = [];
    for (const at of ['2026-03-04T10:00:00Z', '2026-03-04T23:59:59Z', '2026-03-05T00:00:00Z']) {
      clock.set(at);
      const id = await createTicket();
      numbers.push((await get<ItemBody>(sim, `V1.0/Tickets/${id}`)).json.item.ticketNumber as string);
    }
    expect(numbers).toEqual(['T20260304.0001', 'T20260304.0002', 'T20260305.0001']);
    for (const n of numbers) expect(n).toMatch(/^T\d{8}\.\d{4}$/);
  });

  it('continues the sequence after tickets that already exist that day', async () => {
    clock.set('2026-01-05T15:00:00Z'); // the demo seed has T20260105.0001 and .0002
    const id = await createTicket();
    expect((await get<ItemBody>(sim, `V1.0/Tickets/${id}`)).json.item.ticketNumber).toBe('T20260105.0003');
  });

  it.each([
    ['companyID', 'The companyID field is required.'],
    ['title', 'The title field is required.'],
    ['status', 'The status field is required.'],
    ['priority', 'The priority field is required.'],
    [
      'queueID',
      'A ticket must be assigned to a queue (queueID) or to a resource (assignedResourceID and assignedResourceRoleID).',
    ],
  ])('rejects a ticket without %s with 500 and a message', async (field, message) => {
    const body: Record<string, unknown> = { ...validTicket };
    delete body[field];
    const res = await post(sim, 'V1.0/Tickets', body);
    expect(res.status).toBe(500);
    expect(res.json).toEqual({ errors: [message] });
    expect(sim.state.tickets.filter((t) => t.title === validTicket.title)).toHaveLength(0);
  });

  it('lists every missing field at once', async () => {
    const res = await post<ErrorsBody>(sim, 'V1.0/Tickets', { title: '' });
    expect(res.status).toBe(500);
    expect(res.json.errors).toHaveLength(5);
  });

  it.each([
    ['does not exist', 424242],
    ['is inactive', 102],
  ])('rejects a companyID that %s', async (_why, companyID) => {
    const res = await post(sim, 'V1.0/Tickets', { ...validTicket, companyID });
    expect(res.status).toBe(500);
    expect(res.json).toEqual({
      errors: ['Reference value on field: companyID of type: Company does not exist or is invalid.'],
    });
  });

  it('enforces title ≤ 255 and description ≤ 8000', async () => {
    expect(
      (await post(sim, 'V1.0/Tickets', { ...validTicket, title: 'x'.repeat(255), description: 'y'.repeat(8000) }))
        .status,
    ).toBe(200);
    const res = await post<ErrorsBody>(sim, 'V1.0/Tickets', {
      ...validTicket,
      title: 'x'.repeat(256),
      description: 'y'.repeat(8001),
    });
    expect(res.status).toBe(500);
    expect(res.json.errors).toEqual([
      'The field title must be a string with a maximum length of 255.',
      'The field description must be a string with a maximum length of 8000.',
    ]);
  });

  it('rejects inactive and unknown picklist values, and a sub-issue type of another issue type', async () => {
    const inactive = await post<ErrorsBody>(sim, 'V1.0/Tickets', { ...validTicket, priority: 5 });
    expect(inactive.json.errors).toEqual(['Value does not reference an existing entity for priority.']);
    const unknown = await post<ErrorsBody>(sim, 'V1.0/Tickets', { ...validTicket, status: 99 });
    expect(unknown.json.errors).toEqual(['Value does not reference an existing entity for status.']);
    const wrongParent = await post<ErrorsBody>(sim, 'V1.0/Tickets', {
      ...validTicket,
      issueType: 11,
      subIssueType: 101,
    });
    expect(wrongParent.status).toBe(500);
    expect(wrongParent.json.errors[0]).toContain('subIssueType');
    expect((await post(sim, 'V1.0/Tickets', { ...validTicket, issueType: 10, subIssueType: 101 })).status).toBe(200);
  });

  it('accepts body keys in any case and numbers as strings', async () => {
    const id = await createTicket({
      CompanyID: '105',
      Title: 'Mixed case',
      Status: 1,
      PRIORITY: '2',
      QueueID: 29683482,
    });
    expect(sim.state.ticket(id)).toMatchObject({ companyID: 105, title: 'Mixed case', priority: 2 });
  });

  it('sets completedDate when created as Complete', async () => {
    const id = await createTicket({ ...validTicket, status: 5 });
    expect(sim.state.ticket(id)?.completedDate).toBe('2026-03-04T10:00:00.000Z');
  });

  it('finds a ticket by externalID', async () => {
    await createTicket({ ...validTicket, externalID: 'bc-ref-1' });
    const id = await createTicket({ ...validTicket, externalID: 'bc-ref-2' });
    expect(await queryIds(sim, 'Tickets', [{ op: 'eq', field: 'externalID', value: 'bc-ref-2' }])).toEqual([id]);
  });
});

describe('ticket update', () => {
  it('PATCH {id, status} updates only the status and stamps completedDate on Complete', async () => {
    const id = await createTicket({ ...validTicket, description: 'keep me' });
    clock.set('2026-03-04T11:30:00.000Z');
    const res = await call(sim, 'PATCH', 'V1.0/Tickets', { body: { id, status: 5 } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ itemId: id });
    const { item } = (await get<ItemBody>(sim, `V1.0/Tickets/${id}`)).json;
    expect(item).toMatchObject({
      status: 5,
      completedDate: '2026-03-04T11:30:00.000Z',
      description: 'keep me',
      title: validTicket.title,
    });
  });

  it('clears completedDate when a ticket is reopened', async () => {
    const id = await createTicket({ ...validTicket, status: 5 });
    await call(sim, 'PATCH', 'V1.0/Tickets/', { body: { id, status: 8 } });
    expect(sim.state.ticket(id)).toMatchObject({ status: 8, completedDate: null });
  });

  it('PATCH still works when the ticket’s company has since been deactivated', async () => {
    const id = await createTicket();
    sim.state.deactivateCompany(105);
    expect((await call(sim, 'PATCH', 'V1.0/Tickets', { body: { id, status: 5 } })).status).toBe(200);
  });

  it('PATCH requires an id and a ticket that exists', async () => {
    expect((await call<ErrorsBody>(sim, 'PATCH', 'V1.0/Tickets', { body: { status: 5 } })).json.errors).toEqual([
      'The id field is required.',
    ]);
    const missing = await call<ErrorsBody>(sim, 'PATCH', 'V1.0/Tickets', { body: { id: 999999, status: 5 } });
    expect(missing.status).toBe(500);
    expect(missing.json.errors[0]).toContain('No matching records found');
  });

  it('PATCH validates what it changes', async () => {
    const id = await createTicket();
    const res = await call<ErrorsBody>(sim, 'PATCH', 'V1.0/Tickets', { body: { id, title: 'x'.repeat(256) } });
    expect(res.status).toBe(500);
    expect(res.json.errors).toEqual(['The field title must be a string with a maximum length of 255.']);
  });

  it('has no DELETE', async () => {
    const id = await createTicket();
    const res = await call(sim, 'DELETE', `V1.0/Tickets/${id}`);
    expect(res.status).toBe(405);
    expect(sim.state.ticket(id)).toBeDefined();
  });
});

describe('ticket notes', () => {
  const note = { Title: 'Resolved', Description: 'Ticket resolved via Backupchecks.', NoteType: 1, Publish: 2 };

  it('creates a note via POST /Tickets/{id}/Notes with ticketID from the path', async () => {
    const id = await createTicket();
    const res = await post<ItemIdBody>(sim, `V1.0/Tickets/${id}/Notes`, note);
    expect(res.status).toBe(200);
    const q = await post<ItemsBody>(sim, 'V1.0/TicketNotes/query', {
      filter: [{ op: 'eq', field: 'ticketID', value: id }],
    });
    expect(q.json.items).toHaveLength(1);
    expect(q.json.items[0]).toMatchObject({
      id: res.json.itemId,
      ticketID: id,
      title: 'Resolved',
      publish: 2,
      noteType: 1,
    });
  });

  it('records publish 1 (All Autotask Users) and 2 (Internal)', async () => {
    const id = await createTicket();
    await post(sim, `V1.0/Tickets/${id}/Notes`, { ...note, Publish: 1 });
    await post(sim, `V1.0/Tickets/${id}/Notes`, { ...note, Publish: 2 });
    const internal = await post<ItemsBody>(sim, 'V1.0/TicketNotes/query', {
      filter: [
        { op: 'eq', field: 'ticketID', value: id },
        { op: 'eq', field: 'publish', value: 2 },
      ],
    });
    expect(internal.json.items).toHaveLength(1);
    expect((await post(sim, `V1.0/Tickets/${id}/Notes`, { ...note, Publish: 3 })).status).toBe(500);
  });

  it.each(['title', 'description', 'noteType', 'publish'])('requires %s', async (field) => {
    const id = await createTicket();
    const body: Record<string, unknown> = { title: 'T', description: 'D', noteType: 1, publish: 2 };
    delete body[field];
    const res = await post<ErrorsBody>(sim, `V1.0/Tickets/${id}/Notes`, body);
    expect(res.status).toBe(500);
    expect(res.json.errors).toEqual([`The ${field} field is required.`]);
  });

  it('rejects a note on a ticket that does not exist, and a top-level POST /TicketNotes', async () => {
    expect((await post(sim, 'V1.0/Tickets/999999/Notes', note)).status).toBe(500);
    expect((await post(sim, 'V1.0/TicketNotes', { ...note, ticketID: 7001 })).status).toBe(405);
  });
});

describe('time entries', () => {
  it('counts billable and non-billable time entries on a ticket', async () => {
    const id = await createTicket();
    const count = async (extra: unknown[] = []) =>
      (
        await post<CountBody>(sim, 'V1.0/TimeEntries/query/count', {
          filter: [{ op: 'eq', field: 'ticketID', value: id }, ...extra],
        })
      ).json.queryCount;
    expect(await count()).toBe(0);
    sim.state.addTimeEntry(id, { billable: true });
    sim.state.addTimeEntry(id, { billable: false, hours: 1 });
    expect(await count()).toBe(2);
    expect(await count([{ op: 'eq', field: 'isNonBillable', value: true }])).toBe(1);
    expect(sim.state.removeTimeEntries(id)).toBe(2);
    expect(await count()).toBe(0);
  });

  it('seeds tickets with billable and non-billable entries', async () => {
    const res = await post<ItemsBody>(sim, 'V1.0/TimeEntries/query', {
      filter: [{ op: 'eq', field: 'ticketID', value: 7005 }],
    });
    expect(res.json.items.map((e) => e.isNonBillable)).toEqual([false, true]);
  });

  it('creates and deletes a time entry through the API', async () => {
    const created = await post<ItemIdBody>(sim, 'V1.0/TimeEntries', {
      ticketID: 7004,
      hoursWorked: 0.5,
      isNonBillable: true,
      summaryNotes: 'x',
    });
    expect(created.status).toBe(200);
    const del = await call(sim, 'DELETE', `V1.0/TimeEntries/${created.json.itemId}`);
    expect(del.json).toEqual({ itemId: created.json.itemId });
    expect((await call(sim, 'DELETE', `V1.0/TimeEntries/${created.json.itemId}`)).status).toBe(500);
  });
});
