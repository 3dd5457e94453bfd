import { describe, expect, it } from 'vitest';
import {
  BOARD,
  COMPANY,
  CONTACT,
  ITEM,
  MEMBER,
  PRIORITY,
  STATUS,
  SUBTYPE,
  TYPE,
} from '@backupchecks/connectwise-simulator';
import { ConnectWisePermissionError, internalNote, type NewTicket } from '../../src/connectwise/client.ts';
import { newReference, rejection, useConnectWiseSimulator } from './contract-support.ts';

/**
 * The contract between the ConnectWise client and the ConnectWise simulator: every operation of the
 * client, run over real HTTP against the simulator, must agree with what the simulator holds. Both
 * follow docs/connectwise.md; this file keeps them from drifting apart. Paging, errors and faults:
 * contract-faults.test.ts.
 */
const cw = useConnectWiseSimulator();

function newTicket(extra: Partial<NewTicket> = {}): NewTicket {
  return {
    companyId: COMPANY.acme,
    boardId: BOARD.serviceDesk,
    summary: 'Backup failed: FS01 nightly',
    reference: newReference(),
    ...extra,
  };
}

describe('connection', () => {
  it('proves the site, the credentials and the clientId with one authenticated call', async () => {
    const info = await cw.client().testConnection();
    expect(info.isCloud).toBe(true);
    expect(info.version).toEqual(expect.any(String));
    const [call] = cw.requests('GET', 'system/info');
    const { companyId, publicKey, clientId } = cw.sim.credentials;
    expect(call).toMatchObject({ status: 200, login: `${companyId}+${publicKey}`, clientId });
  });
});

describe('companies', () => {
  it('searches by name, leaving deleted companies out unless asked', async () => {
    const found = await cw.client().searchCompanies('contoso');
    expect(found.map((c) => c.name)).toEqual(['Contoso B.V.', 'Contoso Holding']);
    expect(await cw.client().searchCompanies('Old Client')).toEqual([]);
    const deleted = await cw.client().searchCompanies('Old Client', { includeDeleted: true });
    expect(deleted).toMatchObject([{ id: COMPANY.oldClient, deleted: true }]);
  });

  it('finds names with quotes and other hostile characters, and never widens the match', async () => {
    const quoted = cw.sim.state.addCompany({ name: 'Van "De" Berg & Zonen (NL) 100%' });
    const symbols = cw.sim.state.addCompany({ name: 'C# + .NET, [Experts]/Café' });
    const search = (text: string) => cw.client().searchCompanies(text, { limit: 1000 });

    expect((await search('Van "De" Berg & Zonen (NL) 100%')).map((c) => c.id)).toEqual([quoted.id]);
    expect((await search('"De" Berg')).map((c) => c.id)).toEqual([quoted.id]);
    expect((await search('C# + .NET, [Experts]/Café')).map((c) => c.id)).toEqual([symbols.id]);
    expect((await search("Margie's Travel <Rotterdam>")).map((c) => c.id)).toEqual([COMPANY.margies]);
    // Attempts to end the string and add a condition of their own find nothing, and fail nothing.
    for (const hostile of [
      'x" OR name contains "',
      "x' OR name contains '",
      'x\\" OR deletedFlag = true OR name contains \\"',
      ') OR (id > 0',
      'Acme" OR id > 0 OR name = "',
    ]) {
      expect(await search(hostile), hostile).toEqual([]);
    }
    // A backslash is left out like a quote: the rest is still searched.
    expect((await search('Acme\\ Dental')).map((c) => c.id)).toEqual([COMPANY.acme]);
  });

  it('gets one company, a deleted one included', async () => {
    expect(await cw.client().getCompany(COMPANY.acme)).toEqual({
      id: COMPANY.acme,
      identifier: 'AcmeDental',
      name: 'Acme Dental',
      statusId: 1,
      statusName: 'Active',
      deleted: false,
    });
    expect(await cw.client().getCompany(COMPANY.oldClient)).toMatchObject({ deleted: true });
  });

  it('gets more companies than one batch holds, unknown ids left out', async () => {
    const ids = await cw.seedCompanies(Array.from({ length: 450 }, (_, i) => `Batch company ${i}`));
    const companies = await cw.client().getCompanies([...ids, COMPANY.acme, ids[0]!, 999_999]);
    expect(companies.map((c) => c.id).sort((a, b) => a - b)).toEqual([COMPANY.acme, ...ids]);
    // 452 distinct ids: three `id in (…)` lists of at most 200.
    expect(cw.requests('GET', 'company/companies')).toHaveLength(3);
  });
});

describe('tickets', () => {
  it('creates a ticket with our reference, and finds exactly that ticket by it', async () => {
    const input = newTicket({
      statusId: STATUS.inProgress,
      priorityId: PRIORITY.quick,
      typeId: TYPE.backup,
      subTypeId: SUBTYPE.failedJob,
      itemId: ITEM.server,
      contactId: CONTACT.janePeters,
      initialDescription: 'Job "FS01 nightly" failed.',
    });
    const created = await cw.client().createTicket(input);
    expect(created.ticket).toMatchObject({
      id: created.id,
      summary: input.summary,
      companyId: COMPANY.acme,
      companyName: 'Acme Dental',
      boardId: BOARD.serviceDesk,
      statusId: STATUS.inProgress,
      priorityId: PRIORITY.quick,
      typeId: TYPE.backup,
      subTypeId: SUBTYPE.failedJob,
      itemId: ITEM.server,
      contactId: CONTACT.janePeters,
      reference: input.reference,
      closed: false,
    });
    expect(cw.sim.state.ticket(created.id)).toMatchObject({ externalXRef: input.reference, itemId: ITEM.server });
    // Another ticket whose reference starts the same must not be found.
    await cw.client().createTicket(newTicket({ reference: `${input.reference}0` }));

    const found = await cw.client().findTicketsByReference(input.reference);
    expect(found.map((t) => t.id)).toEqual([created.id]);
    expect(await cw.client().findTicketsByReference(newReference())).toEqual([]);
  });

  it('cuts a long summary to what ConnectWise takes', async () => {
    const created = await cw.client().createTicket(newTicket({ summary: `Backup failed: ${'x'.repeat(150)}` }));
    expect(cw.sim.state.ticket(created.id)?.summary).toHaveLength(100);
  });

  it('reads one ticket and many, unknown ids left out', async () => {
    const created = await cw.client().createTicket(newTicket());
    expect(await cw.client().getTicket(created.id)).toEqual(created.ticket);
    const many = await cw.client().getTickets([created.id, 1001, 1002, 999_999]);
    expect(many.map((t) => t.id).sort((a, b) => a - b)).toEqual([1001, 1002, created.id]);
    expect(many.find((t) => t.id === 1002)).toMatchObject({ closed: true, statusName: 'Completed' });
  });

  it('closes a ticket with a status its board flags as closed', async () => {
    const created = await cw.client().createTicket(newTicket());
    const statuses = await cw.client().listBoardStatuses(BOARD.serviceDesk);
    const closing = statuses.find((s) => s.closed && !s.inactive)!;
    await cw.client().updateTicketStatus(created.id, closing.id);
    const ticket = await cw.client().getTicket(created.id);
    expect(ticket).toMatchObject({ statusId: closing.id, closed: true });
    expect(ticket.closedDate).toBeInstanceOf(Date);
    expect(cw.requests('PATCH', 'service/tickets')).toHaveLength(1);
  });
});

describe('notes', () => {
  it('adds an internal-only note and lists it with its flags', async () => {
    const created = await cw.client().createTicket(newTicket({ initialDescription: 'Seen by the customer.' }));
    const noteId = await cw.client().addTicketNote(created.id, internalNote('Backupchecks: job failed twice.'));
    const notes = await cw.client().listTicketNotes(created.id);
    expect(notes.find((n) => n.id === noteId)).toEqual({
      id: noteId,
      ticketId: created.id,
      text: 'Backupchecks: job failed twice.',
      detailDescription: false,
      internalAnalysis: true,
      resolution: false,
    });
    // The initial description became the Discussion note, before ours.
    expect(notes.map((n) => [n.text, n.detailDescription])).toEqual([
      ['Seen by the customer.', true],
      ['Backupchecks: job failed twice.', false],
    ]);
  });
});

describe('time entries', () => {
  it('counts billable and non-billable entries alike', async () => {
    const { id } = await cw.client().createTicket(newTicket());
    expect(await cw.client().countTimeEntries(id)).toBe(0);
    cw.sim.state.addTimeEntry(id, { billable: true });
    cw.sim.state.addTimeEntry(id, { billable: false });
    cw.sim.state.addTimeEntry(id, { billableOption: 'NoCharge' });
    expect(await cw.client().countTimeEntries(id)).toBe(3);
    expect(await cw.client().countTimeEntries(1002)).toBe(1);
  });

  it('cannot see what the API member may not see: a limited inquire level counts 0 without an error', async () => {
    // Documented behaviour, not a guarantee (docs/connectwise.md, Time entries): with Inquire level
    // `My`, or entries hidden by the role, ConnectWise leaves entries out silently, so a count of 0
    // proves nothing on its own. Only a level of `None` is refused, and the client reports that.
    const { id } = await cw.client().createTicket(newTicket());
    cw.sim.state.addTimeEntry(id, { billable: true, memberId: MEMBER.jdoe });
    cw.sim.state.addTimeEntry(id, { billable: false, hidden: true });
    expect(await cw.client().countTimeEntries(id)).toBe(1);

    cw.sim.state.settings.timeEntryInquireLevel = 'My';
    expect(await cw.client().countTimeEntries(id)).toBe(0);

    cw.sim.state.settings.timeEntryInquireLevel = 'None';
    const refused = await rejection(cw.client().countTimeEntries(id));
    expect(refused).toBeInstanceOf(ConnectWisePermissionError);
    expect((refused as ConnectWisePermissionError).code).toBe('Security');
  });
});

describe('setup lists', () => {
  it('lists boards, statuses with the closed flag, priorities, types, subtypes, items and members', async () => {
    const client = cw.client();
    expect(await client.listBoards()).toEqual([
      { id: BOARD.monitoring, name: 'Monitoring', inactive: false },
      { id: BOARD.retired, name: 'Retired Board', inactive: true },
      { id: BOARD.serviceDesk, name: 'Service Desk', inactive: false },
    ]);

    const statuses = await client.listBoardStatuses(BOARD.serviceDesk);
    expect(statuses.map((s) => s.id)).toEqual([101, 102, 103, 104, 105, 106]);
    expect(statuses.filter((s) => s.closed).map((s) => s.id)).toEqual([STATUS.completed, STATUS.closed]);
    expect(statuses.find((s) => s.id === STATUS.new)).toMatchObject({ isDefault: true, closed: false });
    expect(statuses.find((s) => s.id === STATUS.obsolete)).toMatchObject({ inactive: true });
    expect(statuses.find((s) => s.id === STATUS.closed)).toMatchObject({ timeEntryNotAllowed: true });

    const priorities = await client.listPriorities();
    expect(priorities.map((p) => p.id)).toEqual([1, 2, 3, 4]);
    expect(priorities.find((p) => p.isDefault)?.id).toBe(PRIORITY.normal);

    const types = await client.listBoardTypes(BOARD.serviceDesk);
    expect(types.map((t) => [t.id, t.inactive])).toEqual([
      [TYPE.backup, false],
      [TYPE.incident, false],
      [TYPE.legacy, true],
      [TYPE.request, false],
    ]);
    const subTypes = await client.listBoardSubTypes(BOARD.serviceDesk);
    expect(subTypes.find((s) => s.id === SUBTYPE.failedJob)).toEqual({
      id: SUBTYPE.failedJob,
      name: 'Failed job',
      inactive: false,
      typeIds: [TYPE.backup],
    });
    expect(await client.listBoardItems(BOARD.serviceDesk)).toEqual([
      { id: ITEM.server, name: 'Server', inactive: false },
      { id: ITEM.retired, name: 'Tape drive', inactive: true },
      { id: ITEM.workstation, name: 'Workstation', inactive: false },
    ]);
    expect((await client.listBoardItems(BOARD.monitoring)).map((i) => i.id)).toEqual([ITEM.appliance]);

    const members = await client.listMembers();
    expect(members.map((m) => m.identifier)).toEqual(['asmith', 'backupchecks', 'jdoe']);
  });
});
