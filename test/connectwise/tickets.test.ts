import { describe, expect, it } from 'vitest';
import { ConnectWiseUnavailableError, internalNote, isOutcomeUnknown } from '../../src/connectwise/client.ts';
import { API, api, makeClient, rejection, useNock } from './helpers.ts';

// Tickets, notes and time entries: exact method, path, query, headers (via `api()`) and body; answers mapped.

useNock();

const TICKET_FIELDS =
  'id,summary,company/id,company/name,board/id,board/name,status/id,status/name,priority/id,type/id,subType/id,item/id,contact/id,externalXRef,closedFlag,closedDate';

const ticketItem = {
  id: 48213,
  summary: 'Backup failed: Acme / Exchange',
  company: { id: 250, identifier: 'Acme', name: 'Acme Backup BV', _info: { company_href: 'x' } },
  board: { id: 12, name: 'Service Desk' },
  status: { id: 501, name: 'New', Sort: 0 },
  priority: { id: 8, name: 'Priority 3 - Normal' },
  type: { id: 31, name: 'Backup' },
  subType: null,
  contact: { id: 77, name: 'Jane Admin' },
  externalXRef: 'bc-run-42',
  closedFlag: false,
  _info: { lastUpdated: '2024-05-16T08:00:00Z' },
};

const mappedTicket = {
  id: 48213,
  summary: 'Backup failed: Acme / Exchange',
  companyId: 250,
  companyName: 'Acme Backup BV',
  boardId: 12,
  boardName: 'Service Desk',
  statusId: 501,
  statusName: 'New',
  priorityId: 8,
  typeId: 31,
  subTypeId: null,
  itemId: null,
  contactId: 77,
  reference: 'bc-run-42',
  closed: false,
  closedDate: null,
};

const newTicket = {
  companyId: 250,
  boardId: 12,
  summary: 'Backup failed: Acme / Exchange',
  initialDescription: 'Run of 2024-05-16 failed:\n"disk full"',
  statusId: 501,
  priorityId: 8,
  typeId: 31,
  subTypeId: 44,
  itemId: 9,
  contactId: 77,
  reference: 'bc-run-42',
};

describe('createTicket', () => {
  it('POSTs service/tickets once with references as {id}, our reference in externalXRef, and maps the 201', async () => {
    const scope = api()
      .post(`${API}/service/tickets`, {
        summary: 'Backup failed: Acme / Exchange',
        company: { id: 250 },
        board: { id: 12 },
        status: { id: 501 },
        priority: { id: 8 },
        type: { id: 31 },
        subType: { id: 44 },
        item: { id: 9 },
        contact: { id: 77 },
        initialDescription: 'Run of 2024-05-16 failed:\n"disk full"',
        externalXRef: 'bc-run-42',
      })
      .reply(201, ticketItem);
    const { client } = makeClient();
    expect(await client.createTicket(newTicket)).toEqual({ id: 48213, ticket: mappedTicket });
    scope.done();
  });

  it('leaves unset optional fields out and cuts a long summary to 100 characters with an ellipsis', async () => {
    const long = `Backup failed: ${'very long job name '.repeat(10)}`;
    const cut = `Backup failed: ${'very long job name '.repeat(4)}very lon…`;
    expect(cut).toHaveLength(100);
    const scope = api()
      .post(`${API}/service/tickets`, { summary: cut, company: { id: 250 }, externalXRef: 'bc-run-43' })
      .reply(201, { ...ticketItem, summary: cut });
    const { client } = makeClient();
    const created = await client.createTicket({ companyId: 250, summary: long, reference: 'bc-run-43' });
    expect(created.ticket?.summary).toBe(cut);
    scope.done();
  });

  it('keeps the id of a created ticket whose answer is otherwise unreadable', async () => {
    const scope = api().post(`${API}/service/tickets`).reply(201, { id: 48214, summary: 7 });
    const { client } = makeClient();
    expect(await client.createTicket(newTicket)).toEqual({ id: 48214, ticket: null });
    scope.done();
  });

  it('a 201 without an id is an unknown outcome', async () => {
    const scope = api().post(`${API}/service/tickets`).reply(201, '<html>Created</html>');
    const { client } = makeClient();
    const err = await rejection(client.createTicket(newTicket));
    expect(err).toBeInstanceOf(ConnectWiseUnavailableError);
    expect(isOutcomeUnknown(err)).toBe(true);
    scope.done();
  });

  it('refuses, before sending, what ConnectWise could not take', async () => {
    const { client, recorder } = makeClient();
    await expect(client.createTicket({ ...newTicket, summary: ' \n ' })).rejects.toBeInstanceOf(TypeError);
    await expect(client.createTicket({ ...newTicket, reference: 'bc "run"' })).rejects.toBeInstanceOf(TypeError);
    await expect(client.createTicket({ ...newTicket, reference: 'x'.repeat(101) })).rejects.toBeInstanceOf(TypeError);
    await expect(client.createTicket({ ...newTicket, boardId: 1.5 })).rejects.toBeInstanceOf(TypeError);
    expect(recorder.entries).toEqual([]);
  });
});

describe('reading tickets', () => {
  it('getTicket GETs service/tickets/{id} with fields=', async () => {
    const scope = api()
      .get(`${API}/service/tickets/48213`)
      .query({ fields: TICKET_FIELDS })
      .reply(200, { ...ticketItem, closedFlag: true, closedDate: '2024-05-17T10:00:00Z' });
    const { client } = makeClient();
    const ticket = await client.getTicket(48213);
    expect(ticket.closed).toBe(true);
    expect(ticket.closedDate).toEqual(new Date('2024-05-17T10:00:00Z'));
    scope.done();
  });

  it('findTicketsByReference asks for externalXRef = "ref" and keeps exact matches', async () => {
    const scope = api()
      .get(`${API}/service/tickets`)
      .query({
        conditions: 'externalXRef = "bc-run-42"',
        orderBy: 'id asc',
        fields: TICKET_FIELDS,
        page: '1',
        pageSize: '25',
      })
      .reply(200, [ticketItem, { ...ticketItem, id: 48299, externalXRef: 'BC-RUN-42' }]);
    const { client } = makeClient();
    expect((await client.findTicketsByReference('bc-run-42')).map((t) => t.id)).toEqual([48213]);
    scope.done();
  });

  it('a ticket without the reference in the answer means the condition was not applied: an error, not a match', async () => {
    const scope = api()
      .get(`${API}/service/tickets`)
      .query(true)
      .reply(200, [ticketItem, { ...ticketItem, id: 3, externalXRef: null }]);
    const { client } = makeClient();
    const err = await rejection(client.findTicketsByReference('bc-run-42'));
    expect(err).toBeInstanceOf(ConnectWiseUnavailableError);
    expect(err).toMatchObject({ reason: 'bad_response', read: true });
    expect(isOutcomeUnknown(err)).toBe(false);
    scope.done();
  });

  it('getTickets batches `id in (…)` by 200 and skips duplicates', async () => {
    const ids = Array.from({ length: 450 }, (_, i) => 1000 + i);
    const batch = (from: number, to: number) => ids.slice(from, to).join(',');
    const query = (list: string) => ({
      conditions: `id in (${list})`,
      fields: TICKET_FIELDS,
      page: '1',
      pageSize: '1000',
    });
    const scope = api()
      .get(`${API}/service/tickets`)
      .query(query(batch(0, 200)))
      .reply(200, [{ ...ticketItem, id: 1000 }])
      .get(`${API}/service/tickets`)
      .query(query(batch(200, 400)))
      .reply(200, [])
      .get(`${API}/service/tickets`)
      .query(query(batch(400, 450)))
      .reply(200, [{ ...ticketItem, id: 1449 }]);
    const { client } = makeClient();
    expect((await client.getTickets([...ids, 1000, 1449])).map((t) => t.id)).toEqual([1000, 1449]);
    scope.done();
  });

  it('getTickets with no ids makes no call', async () => {
    const { client, recorder } = makeClient();
    expect(await client.getTickets([])).toEqual([]);
    expect(recorder.entries).toEqual([]);
  });
});

describe('updateTicketStatus', () => {
  it('PATCHes a JSON Patch array replacing the status', async () => {
    const scope = api()
      .patch(`${API}/service/tickets/48213`, [{ op: 'replace', path: 'status', value: { id: 507 } }])
      .reply(200, { ...ticketItem, status: { id: 507, name: 'Closed' }, closedFlag: true });
    const { client } = makeClient();
    await client.updateTicketStatus(48213, 507);
    scope.done();
  });
});

describe('notes', () => {
  it('addTicketNote POSTs the text and the three flags; internalNote is internal analysis only', async () => {
    const scope = api()
      .post(`${API}/service/tickets/48213/notes`, {
        text: 'Backupchecks: run 42 reviewed',
        detailDescriptionFlag: false,
        internalAnalysisFlag: true,
        resolutionFlag: false,
      })
      .reply(201, { id: 9001, ticketId: 48213, text: 'Backupchecks: run 42 reviewed', internalAnalysisFlag: true });
    const { client } = makeClient();
    expect(await client.addTicketNote(48213, internalNote('Backupchecks: run 42 reviewed'))).toBe(9001);
    scope.done();
  });

  it('a note without a place to show, or without text, is refused before sending', async () => {
    const { client, recorder } = makeClient();
    const nowhere = { text: 'x', detailDescription: false, internalAnalysis: false, resolution: false };
    await expect(client.addTicketNote(1, nowhere)).rejects.toBeInstanceOf(TypeError);
    await expect(client.addTicketNote(1, internalNote('  '))).rejects.toBeInstanceOf(TypeError);
    expect(recorder.entries).toEqual([]);
  });

  it('listTicketNotes reads the notes oldest first', async () => {
    const scope = api()
      .get(`${API}/service/tickets/48213/notes`)
      .query({
        orderBy: 'id asc',
        fields: 'id,ticketId,text,detailDescriptionFlag,internalAnalysisFlag,resolutionFlag',
        page: '1',
        pageSize: '1000',
      })
      .reply(200, [
        { id: 9002, ticketId: 48213, text: 'second', resolutionFlag: true },
        { id: 9001, ticketId: 48213, text: 'first', internalAnalysisFlag: true, detailDescriptionFlag: false },
      ]);
    const { client } = makeClient();
    expect(await client.listTicketNotes(48213)).toEqual([
      { id: 9001, ticketId: 48213, text: 'first', detailDescription: false, internalAnalysis: true, resolution: false },
      {
        id: 9002,
        ticketId: 48213,
        text: 'second',
        detailDescription: false,
        internalAnalysis: false,
        resolution: true,
      },
    ]);
    scope.done();
  });
});

describe('time entries', () => {
  it('countTimeEntries GETs time/entries/count for chargeToType "ServiceTicket" and the ticket id', async () => {
    const scope = api()
      .get(`${API}/time/entries/count`)
      .query({ conditions: 'chargeToType = "ServiceTicket" AND chargeToId = 48213' })
      .reply(200, { count: 3 });
    const { client } = makeClient();
    expect(await client.countTimeEntries(48213)).toBe(3);
    scope.done();
  });
});
