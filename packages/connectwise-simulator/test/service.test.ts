import { describe, expect, it } from 'vitest';
import { BOARD, ITEM, MEMBER } from '../src/index.ts';
import {
  control,
  get,
  ids,
  post,
  useTestSimulator,
  type CountBody,
  type ErrorBody,
  type WireRecord,
} from './helpers.ts';

const sim = await useTestSimulator();

const forTicket = (id: number) => `chargeToType="ServiceTicket" AND chargeToId=${id}`;
const entryCount = async (conditions: string) =>
  (await get<CountBody>(sim, `time/entries/count?conditions=${encodeURIComponent(conditions)}`)).json.count;

describe('ticket notes', () => {
  it('adds an internal note and lists it with the ticket’s notes', async () => {
    const created = await post<WireRecord>(sim, 'service/tickets/1001/notes', {
      text: 'Backupchecks: run 42 reviewed <ok>',
      internalAnalysisFlag: true,
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      id: 5100,
      ticketId: 1001,
      text: 'Backupchecks: run 42 reviewed <ok>',
      detailDescriptionFlag: false,
      internalAnalysisFlag: true,
      resolutionFlag: false,
      member: { id: MEMBER.api, identifier: 'backupchecks' },
      dateCreated: '2026-03-04T10:00:00Z',
      createdBy: 'backupchecks',
    });
    const list = await get<WireRecord[]>(sim, 'service/tickets/1001/notes');
    expect(list.json.map((n) => n.id)).toEqual([5001, 5100]);
    const count = await get<CountBody>(sim, 'service/tickets/1001/notes/count');
    expect(count.json).toEqual({ count: 2 });
    expect((await get<WireRecord>(sim, 'service/tickets/1001/notes/5100')).json.text).toContain('run 42');
    const filtered = await get<WireRecord[]>(
      sim,
      `service/tickets/1001/notes?conditions=${encodeURIComponent('internalAnalysisFlag = true')}`,
    );
    expect(filtered.json.map((n) => n.id)).toEqual([5100]);
  });

  it('needs text and a place to show the note', async () => {
    const none = await post<ErrorBody>(sim, 'service/tickets/1001/notes', { text: 'x' });
    expect(none.status).toBe(400);
    expect(none.json).toMatchObject({
      code: 'InvalidObject',
      message: 'serviceNote object is invalid',
      errors: [{ message: 'Please choose where to display the notes in order to save this record.' }],
    });
    const empty = await post<ErrorBody>(sim, 'service/tickets/1001/notes', { text: ' ', resolutionFlag: true });
    expect(empty.json.errors).toMatchObject([{ code: 'MissingRequiredField', field: 'text' }]);
    const wrongType = await post<ErrorBody>(sim, 'service/tickets/1001/notes', { text: 'x', resolutionFlag: 'yes' });
    expect(wrongType.status).toBe(400);
  });

  it('404s the notes of an unknown ticket', async () => {
    const result = await post<ErrorBody>(sim, 'service/tickets/999/notes', { text: 'x', internalAnalysisFlag: true });
    expect([result.status, result.json.message]).toEqual([404, 'Ticket 999 not found']);
    expect((await get(sim, 'service/tickets/999/notes')).status).toBe(404);
  });
});

describe('time entries', () => {
  it('lists and counts a ticket’s entries by chargeToType and chargeToId', async () => {
    const list = await get<WireRecord[]>(sim, `time/entries?conditions=${encodeURIComponent(forTicket(1001))}`);
    expect(list.json).toHaveLength(1);
    expect(list.json[0]).toMatchObject({
      id: 7001,
      chargeToType: 'ServiceTicket',
      chargeToId: 1001,
      billableOption: 'Billable',
      actualHours: 0.5,
      member: { identifier: 'jdoe' },
      ticket: { id: 1001, summary: 'Backup failed on FS01' },
    });
    expect(await entryCount(forTicket(1001))).toBe(1);
    expect(await entryCount(forTicket(1002))).toBe(1);
    expect(await entryCount(`chargeToType="ServiceTicket" AND chargeToId in (1001, 1002)`)).toBe(2);
    expect(await entryCount(`billableOption != "Billable"`)).toBe(1);
  });

  it('shows entries seeded billable and non-billable through the control API', async () => {
    await control(sim, 'tickets/1003/time-entries', { billable: true, hours: 1.5 });
    await control(sim, 'tickets/1003/time-entries', { billableOption: 'NoCharge' });
    const options = await get<WireRecord[]>(sim, `time/entries?conditions=${encodeURIComponent(forTicket(1003))}`);
    expect(options.json.map((e) => [e.billableOption, e.actualHours])).toEqual([
      ['Billable', 1.5],
      ['NoCharge', 0.25],
    ]);
    await control(sim, 'seed', { timeEntries: [{ ticketId: 1002, billable: false, hours: 2 }] });
    expect(await entryCount(forTicket(1002))).toBe(2);
    await control(sim, 'tickets/1002/time-entries/delete');
    expect(await entryCount(forTicket(1002))).toBe(0);
  });

  it('leaves out entries hidden from the API member, while the ticket still counts their hours', async () => {
    expect(await entryCount(forTicket(1003))).toBe(0);
    expect((await get(sim, 'time/entries/7003')).status).toBe(404);
    expect((await get<WireRecord>(sim, 'service/tickets/1003')).json.actualHours).toBe(0.5);
    await control(sim, 'time-entries/7003/visibility', { hidden: false });
    expect(await entryCount(forTicket(1003))).toBe(1);
    await control(sim, 'time-entries/7001/visibility', { hidden: true });
    expect(await ids(sim, 'time/entries', 'id > 0')).toEqual([7002, 7003]);
  });

  it('follows the Time Entry inquire level: My sees nothing of others, None is refused', async () => {
    await control(sim, 'settings', { timeEntryInquireLevel: 'My' });
    expect(await entryCount('id > 0')).toBe(0);
    await control(sim, 'tickets/1001/time-entries', { memberId: MEMBER.api });
    expect(await ids(sim, 'time/entries', forTicket(1001))).toHaveLength(1);
    await control(sim, 'settings', { timeEntryInquireLevel: 'None' });
    const refused = await get<ErrorBody>(sim, 'time/entries/count');
    expect([refused.status, refused.json.code]).toEqual([403, 'Security']);
  });

  it('reports the levels in system/mySecurity', async () => {
    const conditions = encodeURIComponent('moduleFunctionName = "Time Entry"');
    const all = await get<WireRecord[]>(sim, `system/mySecurity?conditions=${conditions}`);
    expect(all.json).toMatchObject([{ moduleName: 'Time & Expense', inquireLevel: 'All' }]);
    await control(sim, 'settings', { timeEntryInquireLevel: 'My' });
    const my = await get<WireRecord[]>(sim, `system/mysecurity?conditions=${conditions}`);
    expect(my.json).toMatchObject([{ inquireLevel: 'My' }]);
  });
});

describe('service setup', () => {
  it('lists boards, their statuses with the closed flag, types, subtypes, items, and priorities', async () => {
    const boards = await get<WireRecord[]>(sim, 'service/boards');
    expect(boards.json.map((b) => [b.id, b.name, b.inactiveFlag])).toEqual([
      [1, 'Service Desk', false],
      [2, 'Monitoring', false],
      [3, 'Retired Board', true],
    ]);
    const statuses = await get<WireRecord[]>(sim, `service/boards/${BOARD.serviceDesk}/statuses`);
    expect(statuses.json.filter((s) => s.closedStatus).map((s) => s.name)).toEqual(['Completed', 'Closed']);
    expect(statuses.json[0]).toMatchObject({ name: 'New', defaultFlag: true, board: { id: 1, name: 'Service Desk' } });
    const open = await get<WireRecord[]>(
      sim,
      `service/boards/${BOARD.monitoring}/statuses?conditions=${encodeURIComponent('closedStatus = false and inactive = false')}`,
    );
    expect(open.json.map((s) => s.name)).toEqual(['New', 'Acknowledged']);
    const types = await get<WireRecord[]>(sim, `service/boards/${BOARD.serviceDesk}/types`);
    expect(types.json.map((t) => t.name)).toEqual(['Backup', 'Incident', 'Request', 'Legacy']);
    const subtypes = await get<WireRecord[]>(sim, `service/boards/${BOARD.serviceDesk}/subtypes`);
    expect(subtypes.json[0]).toMatchObject({ name: 'Failed job', typeAssociationIds: [301] });
    const picked = await get<WireRecord[]>(
      sim,
      `service/boards/${BOARD.serviceDesk}/subtypes?fields=id,typeAssociationIds`,
    );
    expect(picked.json[0]).toEqual({ id: 401, typeAssociationIds: [301] });
    const items = await get<WireRecord[]>(sim, `service/boards/${BOARD.serviceDesk}/items?orderBy=name asc`);
    expect(items.json.map((i) => [i.id, i.name, i.inactiveFlag])).toEqual([
      [ITEM.server, 'Server', false],
      [ITEM.retired, 'Tape drive', true],
      [ITEM.workstation, 'Workstation', false],
    ]);
    expect(
      (await get<WireRecord>(sim, `service/boards/${BOARD.monitoring}/items/${ITEM.appliance}`)).json,
    ).toMatchObject({
      name: 'Backup appliance',
      board: { id: BOARD.monitoring },
    });
    const priorities = await get<WireRecord[]>(sim, 'service/priorities?orderBy=sortOrder desc');
    expect(priorities.json.map((p) => p.id)).toEqual([4, 3, 2, 1]);
    expect((await get<CountBody>(sim, `service/boards/${BOARD.monitoring}/statuses/count`)).json).toEqual({ count: 3 });
    expect((await get<WireRecord>(sim, `service/boards/1/statuses/104`)).json.closedStatus).toBe(true);
  });

  it('404s the setup of an unknown board and a status of another board', async () => {
    const board = await get<ErrorBody>(sim, 'service/boards/77/statuses');
    expect([board.status, board.json.message]).toEqual([404, 'Board 77 not found']);
    expect((await get(sim, 'service/boards/2/statuses/104')).status).toBe(404);
  });

  it('lists members and contacts', async () => {
    const members = await get<WireRecord[]>(sim, `system/members?conditions=${encodeURIComponent('licenseClass="A"')}`);
    expect(members.json).toMatchObject([{ id: MEMBER.api, identifier: 'backupchecks' }]);
    const contacts = await get<WireRecord[]>(
      sim,
      `company/contacts?conditions=${encodeURIComponent('company/id=250')}`,
    );
    expect(contacts.json.map((c) => c.id)).toEqual([501, 503]);
  });
});
