import { describe, expect, it } from 'vitest';
import { NOTE_PUBLISH_INTERNAL, TICKET_STATUS_COMPLETE } from '../../../src/autotask/client.ts';
import { API, api, CREDENTIALS, makeClient, mockZoneLookup, useNock } from './helpers.ts';

// Every operation: exact method, path, credential headers and body; answers mapped to domain types.

useNock();

const companyItem = {
  id: 29683,
  companyName: 'Acme Backup BV',
  companyNumber: 'C-1001',
  companyType: 1,
  isActive: true,
  phone: '+31 30 123 4567',
  city: 'Utrecht',
  ownerResourceID: 29682885,
  userDefinedFields: [],
  somethingNewFromAutotask: { nested: true },
};

const ticketItem = {
  id: 7865,
  ticketNumber: 'T20240101.0001',
  title: 'Backup failed: Acme / Exchange',
  description: 'Run of 2024-01-01 failed',
  companyID: 29683,
  status: 1,
  priority: '2',
  queueID: 29682833,
  issueType: '10',
  subIssueType: 211,
  source: 2,
  ticketType: 1,
  externalID: 'bc-run-42',
  createDate: '2024-01-01T08:00:00.000Z',
  completedDate: null,
  lastActivityDate: '2024-01-01T09:30:00',
  userDefinedFields: [{ name: 'Customer ranking', value: 'Gold' }],
};

function pageOf(items: unknown[]) {
  return { items, pageDetails: { count: items.length, requestCount: 500, prevPageUrl: null, nextPageUrl: null } };
}

describe('companies', () => {
  it('searchCompanies POSTs contains + active filter with MaxRecords and maps the items', async () => {
    mockZoneLookup();
    const scope = api()
      .post(`${API}/Companies/query`, {
        filter: [
          { op: 'contains', field: 'companyName', value: 'Acme' },
          { op: 'eq', field: 'isActive', value: true },
        ],
        MaxRecords: 10,
      })
      .reply(200, pageOf([companyItem]));
    const { client } = makeClient();
    const companies = await client.searchCompanies('  Acme ', { limit: 10 });
    expect(companies).toEqual([
      {
        id: 29683,
        name: 'Acme Backup BV',
        isActive: true,
        companyNumber: 'C-1001',
        companyType: 1,
        phone: '+31 30 123 4567',
        city: 'Utrecht',
      },
    ]);
    scope.done();
  });

  it('searchCompanies can include inactive companies and defaults to 25 results', async () => {
    mockZoneLookup();
    const scope = api()
      .post(`${API}/Companies/query`, {
        filter: [{ op: 'contains', field: 'companyName', value: 'Acme' }],
        MaxRecords: 25,
      })
      .reply(200, pageOf([{ ...companyItem, isActive: false }]));
    const { client } = makeClient();
    const [company] = await client.searchCompanies('Acme', { includeInactive: true });
    expect(company?.isActive).toBe(false);
    scope.done();
  });

  it('getCompany GETs Companies/{id} and unwraps item', async () => {
    mockZoneLookup();
    const scope = api()
      .get(`${API}/Companies/29683`)
      .reply(200, { item: { ...companyItem, id: '29683', companyType: '1' } });
    const { client } = makeClient();
    const company = await client.getCompany(29683);
    expect(company.id).toBe(29683);
    expect(company.companyType).toBe(1);
    expect(company.name).toBe('Acme Backup BV');
    scope.done();
  });

  it('getCompanies POSTs one `in` query on id', async () => {
    mockZoneLookup();
    const scope = api()
      .post(`${API}/Companies/query`, { filter: [{ op: 'in', field: 'id', value: [1, 2, 29683] }] })
      .reply(200, pageOf([companyItem]));
    const { client } = makeClient();
    expect((await client.getCompanies([1, 2, 29683, 2])).map((c) => c.id)).toEqual([29683]);
    scope.done();
  });

  it('getCompanies with no ids makes no call', async () => {
    const { client, recorder } = makeClient();
    expect(await client.getCompanies([])).toEqual([]);
    expect(recorder.entries).toEqual([]);
  });

  it('rejects an id that is not a whole number before any call', async () => {
    const { client } = makeClient();
    await expect(client.getCompany(1.5)).rejects.toBeInstanceOf(TypeError);
    await expect(client.getTicket(-1)).rejects.toBeInstanceOf(TypeError);
  });
});

describe('tickets', () => {
  const newTicket = {
    companyId: 29683,
    title: 'Backup failed: Acme / Exchange',
    description: 'Run of 2024-01-01 failed',
    status: 1,
    priority: 2,
    queueId: 29682833,
    issueType: 10,
    subIssueType: 211,
    source: 2,
    ticketType: 1,
    externalId: 'bc-run-42',
  };

  it('createTicket POSTs Tickets once, then reads the ticket back for its number', async () => {
    mockZoneLookup();
    const scope = api()
      .post(`${API}/Tickets`, {
        companyID: 29683,
        title: 'Backup failed: Acme / Exchange',
        status: 1,
        priority: 2,
        description: 'Run of 2024-01-01 failed',
        queueID: 29682833,
        issueType: 10,
        subIssueType: 211,
        source: 2,
        ticketType: 1,
        externalID: 'bc-run-42',
      })
      .reply(200, { itemId: 7865 })
      .get(`${API}/Tickets/7865`)
      .reply(200, { item: ticketItem });
    const { client } = makeClient();
    const created = await client.createTicket(newTicket);
    expect(created.id).toBe(7865);
    expect(created.readBackError).toBeNull();
    expect(created.ticket).toEqual({
      id: 7865,
      ticketNumber: 'T20240101.0001',
      title: 'Backup failed: Acme / Exchange',
      description: 'Run of 2024-01-01 failed',
      companyId: 29683,
      status: 1,
      priority: 2,
      queueId: 29682833,
      issueType: 10,
      subIssueType: 211,
      source: 2,
      ticketType: 1,
      externalId: 'bc-run-42',
      createDate: new Date('2024-01-01T08:00:00.000Z'),
      completedDate: null,
      lastActivityDate: new Date('2024-01-01T09:30:00Z'),
    });
    scope.done();
  });

  it('createTicket leaves unset optional fields out of the body', async () => {
    mockZoneLookup();
    const scope = api()
      .post(`${API}/Tickets`, {
        companyID: 5,
        title: 'T',
        status: 1,
        priority: 3,
        dueDateTime: '2024-02-01T12:00:00.000Z',
      })
      .reply(200, { itemId: 9 })
      .get(`${API}/Tickets/9`)
      .reply(200, { item: { ...ticketItem, id: 9 } });
    const { client } = makeClient();
    await client.createTicket({
      companyId: 5,
      title: 'T',
      status: 1,
      priority: 3,
      dueDateTime: new Date('2024-02-01T12:00:00Z'),
    });
    scope.done();
  });

  it('createTicket keeps the new id when the read-back fails', async () => {
    mockZoneLookup();
    const scope = api()
      .post(`${API}/Tickets`)
      .reply(200, { itemId: 7865 })
      .get(`${API}/Tickets/7865`)
      .reply(500, { errors: ['Something odd happened.'] });
    const { client } = makeClient();
    const created = await client.createTicket(newTicket);
    expect(created.id).toBe(7865);
    expect(created.ticket).toBeNull();
    expect(created.readBackError?.message).toBe('Autotask refused the request.');
    scope.done();
  });

  it('getTicket GETs Tickets/{id}', async () => {
    mockZoneLookup();
    const scope = api()
      .get(`${API}/Tickets/7865`)
      .reply(200, { item: { ...ticketItem, status: '5', completedDate: '2024-01-02T10:00:00Z' } });
    const { client } = makeClient();
    const ticket = await client.getTicket(7865);
    expect(ticket.status).toBe(TICKET_STATUS_COMPLETE);
    expect(ticket.completedDate).toEqual(new Date('2024-01-02T10:00:00Z'));
    scope.done();
  });

  it('findTicketsByExternalId POSTs an eq query on externalID', async () => {
    mockZoneLookup();
    const scope = api()
      .post(`${API}/Tickets/query`, { filter: [{ op: 'eq', field: 'externalID', value: 'bc-run-42' }] })
      .reply(200, pageOf([ticketItem]));
    const { client } = makeClient();
    const found = await client.findTicketsByExternalId('bc-run-42');
    expect(found.map((t) => t.ticketNumber)).toEqual(['T20240101.0001']);
    scope.done();
  });

  it('findTicketsByExternalId answers [] when none exists', async () => {
    mockZoneLookup();
    const scope = api().post(`${API}/Tickets/query`).reply(200, pageOf([]));
    const { client } = makeClient();
    expect(await client.findTicketsByExternalId('bc-run-43')).toEqual([]);
    scope.done();
  });

  it('getTickets POSTs an `in` query on id', async () => {
    mockZoneLookup();
    const scope = api()
      .post(`${API}/Tickets/query`, { filter: [{ op: 'in', field: 'id', value: [7865, 7866] }] })
      .reply(200, pageOf([ticketItem]));
    const { client } = makeClient();
    expect((await client.getTickets([7865, 7866])).map((t) => t.id)).toEqual([7865]);
    scope.done();
  });

  it('updateTicketStatus PATCHes Tickets with {id, status}', async () => {
    mockZoneLookup();
    const scope = api().patch(`${API}/Tickets`, { id: 7865, status: 5 }).reply(200, { itemId: 7865 });
    const { client } = makeClient();
    await client.updateTicketStatus(7865, 5);
    scope.done();
  });
});

describe('notes', () => {
  it('addTicketNote POSTs Tickets/{id}/Notes with ticketID, title, description, noteType, publish', async () => {
    mockZoneLookup();
    const scope = api()
      .post(`${API}/Tickets/7865/Notes`, {
        ticketID: 7865,
        title: 'Resolved via Backupchecks',
        description: 'Ticket resolved via Backupchecks after verification that the backup issue is no longer present.',
        noteType: 1,
        publish: 2,
      })
      .reply(200, { itemId: 31337 });
    const { client } = makeClient();
    const noteId = await client.addTicketNote(7865, {
      title: 'Resolved via Backupchecks',
      description: 'Ticket resolved via Backupchecks after verification that the backup issue is no longer present.',
      noteType: 1,
      publish: NOTE_PUBLISH_INTERNAL,
    });
    expect(noteId).toBe(31337);
    scope.done();
  });

  it('listTicketNotes POSTs TicketNotes/query by ticketID', async () => {
    mockZoneLookup();
    const scope = api()
      .post(`${API}/TicketNotes/query`, { filter: [{ op: 'eq', field: 'ticketID', value: 7865 }] })
      .reply(
        200,
        pageOf([
          {
            id: 31338,
            ticketID: 7865,
            title: 'b',
            description: 'second',
            noteType: '1',
            publish: '2',
            createDateTime: '2024-01-02T00:00:00Z',
            creatorResourceID: null,
          },
          {
            id: 31337,
            ticketID: 7865,
            title: 'a',
            description: 'first',
            noteType: 1,
            publish: 1,
            createDateTime: '2024-01-01T00:00:00Z',
            creatorResourceID: 4,
          },
        ]),
      );
    const { client } = makeClient();
    const notes = await client.listTicketNotes(7865);
    expect(notes.map((n) => [n.id, n.noteType, n.publish])).toEqual([
      [31337, 1, 1],
      [31338, 1, 2],
    ]);
    expect(notes[0]?.createDateTime).toEqual(new Date('2024-01-01T00:00:00Z'));
    scope.done();
  });
});

describe('time entries', () => {
  it('countTimeEntries POSTs TimeEntries/query/count by ticketID', async () => {
    mockZoneLookup();
    const scope = api()
      .post(`${API}/TimeEntries/query/count`, { filter: [{ op: 'eq', field: 'ticketID', value: 7865 }] })
      .reply(200, { queryCount: 2 });
    const { client } = makeClient();
    expect(await client.countTimeEntries(7865)).toBe(2);
    scope.done();
  });
});

describe('picklists', () => {
  const value = (v: string, label: string, extra: object = {}) => ({
    value: v,
    label,
    isDefaultValue: false,
    sortOrder: 0,
    parentValue: '',
    isActive: true,
    isSystem: false,
    ...extra,
  });

  it('getTicketPicklists GETs Tickets/entityInformation/fields and keeps the seven lists, values as numbers', async () => {
    mockZoneLookup();
    const scope = api()
      .get(`${API}/Tickets/entityInformation/fields`)
      .reply(200, {
        fields: [
          { name: 'id', dataType: 'long', isPickList: false, picklistValues: null },
          {
            name: 'status',
            dataType: 'integer',
            isPickList: true,
            picklistValues: [
              value('5', 'Complete', { isSystem: true, sortOrder: 2 }),
              value('1', 'New', { isSystem: true, isDefaultValue: true, sortOrder: 1 }),
            ],
          },
          {
            name: 'priority',
            isPickList: true,
            picklistValues: [value('1', 'High'), value('4', 'Critical', { isActive: false })],
          },
          { name: 'queueID', isPickList: true, picklistValues: [value('29682833', 'Client Portal')] },
          { name: 'issueType', isPickList: true, picklistValues: [value('10', 'Backup')] },
          {
            name: 'subIssueType',
            isPickList: true,
            picklistParentValueField: 'IssueType',
            picklistValues: [value('211', 'Failed job', { parentValue: '10' })],
          },
          { name: 'source', isPickList: true, picklistValues: [value('2', 'Insourced')] },
          {
            name: 'TicketType',
            isPickList: true,
            picklistValues: [value('1', 'Service Request'), value('x', 'broken')],
          },
        ],
      });
    const { client } = makeClient();
    const lists = await client.getTicketPicklists();
    expect(lists.status).toEqual([
      { value: 1, label: 'New', isActive: true, isDefault: true, isSystem: true, sortOrder: 1, parentValue: null },
      {
        value: 5,
        label: 'Complete',
        isActive: true,
        isDefault: false,
        isSystem: true,
        sortOrder: 2,
        parentValue: null,
      },
    ]);
    expect(lists.priority.map((p) => [p.value, p.isActive])).toEqual([
      [1, true],
      [4, false],
    ]);
    expect(lists.queueId.map((q) => q.value)).toEqual([29682833]);
    expect(lists.subIssueType).toEqual([
      {
        value: 211,
        label: 'Failed job',
        isActive: true,
        isDefault: false,
        isSystem: false,
        sortOrder: 0,
        parentValue: 10,
      },
    ]);
    expect(lists.source.map((s) => s.label)).toEqual(['Insourced']);
    expect(lists.ticketType.map((t) => t.value)).toEqual([1]);
    // Plain JSON: can be stored in IntegrationSettings.picklists as is.
    expect(JSON.parse(JSON.stringify(lists))).toEqual(lists);
    scope.done();
  });

  it('getTicketNotePicklists GETs TicketNotes/entityInformation/fields', async () => {
    mockZoneLookup();
    const scope = api()
      .get(`${API}/TicketNotes/entityInformation/fields`)
      .reply(200, {
        fields: [
          {
            name: 'noteType',
            isPickList: true,
            picklistValues: [value('1', 'Task Summary'), value('2', 'Task Detail', { isSystem: true })],
          },
          {
            name: 'publish',
            isPickList: true,
            picklistValues: [value('1', 'All Autotask Users'), value('2', 'Internal Only')],
          },
        ],
      });
    const { client } = makeClient();
    const lists = await client.getTicketNotePicklists();
    expect(lists.noteType.map((n) => n.value)).toEqual([1, 2]);
    expect(lists.publish.map((p) => [p.value, p.label])).toEqual([
      [1, 'All Autotask Users'],
      [2, 'Internal Only'],
    ]);
    scope.done();
  });
});

describe('threshold, connection test and links', () => {
  const threshold = {
    externalRequestThreshold: 10000,
    requestThresholdTimeframe: 60,
    currentTimeframeRequestCount: 124,
  };

  it('getThresholdInformation GETs ThresholdInformation', async () => {
    mockZoneLookup();
    const scope = api().get(`${API}/ThresholdInformation`).reply(200, threshold);
    const { client } = makeClient();
    expect(await client.getThresholdInformation()).toEqual({
      requestLimit: 10000,
      timeframeMinutes: 60,
      currentCount: 124,
    });
    scope.done();
  });

  it('testConnection looks the zone up afresh and makes one authenticated call', async () => {
    const lookups = mockZoneLookup(undefined, 2);
    const scope = api().get(`${API}/ThresholdInformation`).times(2).reply(200, threshold);
    const { client } = makeClient();
    await client.testConnection();
    const check = await client.testConnection();
    expect(check.zone).toMatchObject({
      zoneName: 'America West',
      apiUrl: 'https://webservices5.autotask.net/ATServicesRest/',
      webUrl: 'https://ww5.autotask.net/',
    });
    expect(check.threshold.currentCount).toBe(124);
    lookups.done();
    scope.done();
  });

  it('ticketUrl uses the zone webUrl', async () => {
    mockZoneLookup();
    const { client } = makeClient();
    expect(await client.ticketUrl(7865)).toBe(
      'https://ww5.autotask.net/Autotask/AutotaskExtend/ExecuteCommand.aspx?Code=OpenTicketDetail&TicketID=7865',
    );
  });

  it('fails with a clear authentication error, without any call, when a credential is blank', async () => {
    const { client, recorder } = makeClient({ credentials: { ...CREDENTIALS, secret: '' } });
    await expect(client.getTicket(1)).rejects.toMatchObject({
      kind: 'authentication',
      status: null,
      message: expect.stringMatching(/secret is not filled in/) as unknown,
    });
    expect(recorder.entries).toEqual([]);
  });
});
