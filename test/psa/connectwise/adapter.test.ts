import { describe, expect, it } from 'vitest';
import {
  BOARD,
  COMPANY,
  COMPANY_STATUS,
  CONTACT,
  ITEM,
  PRIORITY,
  STATUS,
  SUBTYPE,
  TYPE,
} from '@backupchecks/connectwise-simulator';
import { MAX_SUMMARY_LENGTH } from '../../../src/connectwise/client.ts';
import { RuleError } from '../../../src/errors/catalogue.ts';
import { connectWisePsaClient, type ConnectWiseTicketSettings } from '../../../src/psa/connectwise/adapter.ts';
import type { ConnectWiseLists } from '../../../src/psa/connectwise/lists.ts';
import { isOutcomeUnknown, PsaError } from '../../../src/psa/errors.ts';
import type { NewRunTicket } from '../../../src/psa/port.ts';
import { newReference, rejection, useConnectWiseSimulator } from '../../connectwise/contract-support.ts';

/**
 * ConnectWise behind the PSA port (src/psa/connectwise/adapter.ts): the adapter over the real
 * client, against the ConnectWise simulator over HTTP.
 */
const cw = useConnectWiseSimulator();

const lists: ConnectWiseLists = {
  boards: [{ id: BOARD.serviceDesk, name: 'Service Desk', inactive: false }],
  boardId: BOARD.serviceDesk,
  statuses: [
    { id: STATUS.new, name: 'New', inactive: false, closed: false, isDefault: true, timeEntryNotAllowed: false },
    {
      id: STATUS.completed,
      name: 'Completed',
      inactive: false,
      closed: true,
      isDefault: false,
      timeEntryNotAllowed: false,
    },
  ],
  types: [],
  subTypes: [],
  items: [],
  priorities: [],
  companyStatuses: [{ id: COMPANY_STATUS.inactive, name: 'Inactive', inactive: true }],
};

const settings: ConnectWiseTicketSettings = {
  boardId: BOARD.serviceDesk,
  newStatusId: STATUS.new,
  closedStatusId: STATUS.closed,
  typeId: TYPE.backup,
  subTypeId: SUBTYPE.failedJob,
  itemId: ITEM.server,
  priorityErrorId: PRIORITY.emergency,
  priorityWarningId: PRIORITY.normal,
  siteHost: 'api-eu.myconnectwise.net',
  codebase: 'v2025_1',
  companyId: 'backupchecks',
  lists,
};

function psa(extra: Partial<ConnectWiseTicketSettings> = {}) {
  return connectWisePsaClient(cw.client(), { ...settings, ...extra });
}

function runTicket(extra: Partial<NewRunTicket> = {}): NewRunTicket {
  return {
    companyId: COMPANY.acme,
    title: 'Backup failed: FS01 nightly',
    description: 'The job FS01 nightly failed at 02:00.',
    severity: 'error',
    reference: newReference(),
    ...extra,
  };
}

const simTicket = (id: number) => cw.sim.state.tickets.find((t) => t.id === id);

describe('createTicket', () => {
  it('creates the ticket on the board with the defaults and our reference, found again by it', async () => {
    const input = runTicket({ contactId: CONTACT.janePeters });
    const created = await psa().createTicket(input);

    expect(created.ticket).toEqual({
      id: created.id,
      number: String(created.id),
      title: input.title,
      companyId: COMPANY.acme,
      statusId: STATUS.new,
      statusLabel: 'New',
      closed: false,
      reference: input.reference,
    });
    expect(simTicket(created.id)).toMatchObject({
      boardId: BOARD.serviceDesk,
      statusId: STATUS.new,
      priorityId: PRIORITY.emergency,
      typeId: TYPE.backup,
      subTypeId: SUBTYPE.failedJob,
      itemId: ITEM.server,
      contactId: CONTACT.janePeters,
      externalXRef: input.reference,
    });
    // The description becomes the ticket's first note (the Discussion).
    expect(cw.sim.state.notes.filter((n) => n.ticketId === created.id).map((n) => n.text)).toEqual([input.description]);

    const found = await psa().findTicketsByReference(input.reference);
    expect(found.map((t) => t.id)).toEqual([created.id]);
    expect(await psa().findTicketsByReference(newReference())).toEqual([]);
  });

  it('picks the warning priority, leaves unset defaults out and cuts a long title', async () => {
    const long = `Warning: ${'x'.repeat(200)}`;
    const created = await psa({ typeId: null, subTypeId: null, itemId: null }).createTicket(
      runTicket({ severity: 'warning', title: long }),
    );
    const ticket = simTicket(created.id);
    expect(ticket).toMatchObject({ priorityId: PRIORITY.normal, typeId: null, subTypeId: null, itemId: null });
    expect(ticket?.summary).toHaveLength(MAX_SUMMARY_LENGTH);
    expect(ticket?.summary.endsWith('…')).toBe(true);
    const body = cw.requests('POST', 'service/tickets')[0]?.body as Record<string, unknown>;
    expect(Object.keys(body)).not.toContain('type');
  });

  it('turns a lost answer into a PsaError whose outcome is unknown, and the lookup settles it', async () => {
    cw.sim.faults.dropResponseNext({ method: 'POST', resource: 'service/tickets' });
    const input = runTicket();
    const lost = await rejection(psa().createTicket(input));

    expect(lost).toBeInstanceOf(PsaError);
    expect(isOutcomeUnknown(lost)).toBe(true);
    expect(lost).toMatchObject({ psa: 'connectwise', kind: 'unavailable', read: false });
    // Sent once, never again: the ticket exists and the reference finds it.
    expect(cw.requests('POST', 'service/tickets')).toHaveLength(1);
    const found = await psa().findTicketsByReference(input.reference);
    expect(found).toHaveLength(1);
    expect(found[0]?.reference).toBe(input.reference);
  });

  it("keeps ConnectWise's refusal as a PsaError with its own words", async () => {
    const refused = await rejection(psa({ boardId: BOARD.retired }).createTicket(runTicket()));
    expect(refused).toBeInstanceOf(PsaError);
    expect(refused).toMatchObject({ kind: 'validation', status: 400, read: false });
    expect((refused as PsaError).messages.length).toBeGreaterThan(0);
    expect(isOutcomeUnknown(refused)).toBe(false);
  });

  it('refuses to send without board, status or priority, naming the setting', async () => {
    const noBoard = await rejection(psa({ boardId: null }).createTicket(runTicket()));
    expect(noBoard).toBeInstanceOf(RuleError);
    expect(noBoard).toMatchObject({
      message: 'No service board is set for new ConnectWise tickets.',
      fixUrl: '/settings/connectwise',
    });
    await expect(psa({ newStatusId: null }).createTicket(runTicket())).rejects.toThrow(/No status is set/);
    await expect(psa({ priorityWarningId: null }).createTicket(runTicket({ severity: 'warning' }))).rejects.toThrow(
      /priorities for failed and warning runs/,
    );
    expect(cw.requests('POST', 'service/tickets')).toEqual([]);
  });
});

describe('tickets', () => {
  it('closes with the closing status, read back as closed', async () => {
    const { id } = await psa().createTicket(runTicket());
    await psa().closeTicket(id);
    expect(simTicket(id)).toMatchObject({ statusId: STATUS.closed, closedFlag: true });
    expect(await psa().getTicket(id)).toMatchObject({ statusId: STATUS.closed, statusLabel: 'Closed', closed: true });

    await expect(psa({ closedStatusId: null }).closeTicket(id)).rejects.toBeInstanceOf(RuleError);
  });

  it('counts a status flagged closed in the cached lists as closed', async () => {
    const { id } = await psa().createTicket(runTicket());
    // ConnectWise's flag stays false on this answer: only the lists know the status closes.
    cw.sim.state.setTicketStatus(id, STATUS.completed);
    const ticket = cw.sim.state.tickets.find((t) => t.id === id)!;
    ticket.closedFlag = false;
    expect(await psa().getTicket(id)).toMatchObject({ statusId: STATUS.completed, closed: true });
    expect(await connectWisePsaClient(cw.client(), { ...settings, lists: null }).getTicket(id)).toMatchObject({
      closed: false,
    });
  });

  it('finds a ticket by the number an operator types, or null', async () => {
    const { id } = await psa().createTicket(runTicket());
    expect(await psa().findTicketByNumber(` #${id} `)).toMatchObject({ id, number: String(id) });
    expect(await psa().findTicketByNumber(String(id))).toMatchObject({ id });
    expect(await psa().findTicketByNumber('999999')).toBeNull();
    expect(await psa().findTicketByNumber('T20240101.0001')).toBeNull();
    expect(await psa().findTicketByNumber('')).toBeNull();
  });

  it('reads many tickets, leaving out missing ids, and a missing one is not_found', async () => {
    const { id } = await psa().createTicket(runTicket());
    expect((await psa().getTickets([id, 999_999])).map((t) => t.id)).toEqual([id]);
    expect(await rejection(psa().getTicket(999_999))).toMatchObject({ kind: 'not_found', read: true });
  });

  it("links to the ticket on the site's login host", async () => {
    const url = new URL(await psa().ticketUrl(1234));
    expect(url.origin).toBe('https://eu.myconnectwise.net');
    expect(url.pathname).toBe('/v2025_1/services/system_io/router/openrecord.rails');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      locale: 'en_US',
      companyName: 'backupchecks',
      recordType: 'ServiceFV',
      recid: '1234',
    });
  });
});

describe('notes and time entries', () => {
  it('writes an internal note on the Internal thread only, title first', async () => {
    const { id } = await psa().createTicket(runTicket());
    const noteId = await psa().addInternalNote(id, { title: 'Resolved via Backupchecks', text: 'All good.' });

    const note = cw.sim.state.notes.find((n) => n.id === noteId);
    expect(note).toMatchObject({
      text: 'Resolved via Backupchecks\n\nAll good.',
      internalAnalysisFlag: true,
      detailDescriptionFlag: false,
      resolutionFlag: false,
    });
    const notes = await psa().listTicketNotes(id);
    expect(notes.map((n) => [n.id === noteId, n.internal])).toEqual([
      [false, false],
      [true, true],
    ]);
    expect(notes.find((n) => n.id === noteId)).toMatchObject({ title: null, text: note?.text });
  });

  it('counts the time entries the API member sees', async () => {
    const { id } = await psa().createTicket(runTicket());
    expect(await psa().countTimeEntries(id)).toBe(0);
    cw.sim.state.addTimeEntry(id, { billable: true });
    cw.sim.state.addTimeEntry(id, { billable: false });
    expect(await psa().countTimeEntries(id)).toBe(2);
  });
});

describe('companies and the connection', () => {
  it('counts deleted companies and those in an inactive status as inactive', async () => {
    const inactive = cw.sim.state.addCompany({ name: 'Dormant Dental', statusId: COMPANY_STATUS.inactive });
    expect(await psa().getCompany(COMPANY.acme)).toEqual({ id: COMPANY.acme, name: 'Acme Dental', isActive: true });
    expect(await psa().getCompany(inactive.id)).toMatchObject({ isActive: false });
    expect((await psa().getCompanies([COMPANY.oldClient])).map((c) => c.isActive)).toEqual([false]);

    expect(await psa().searchCompanies('Dormant')).toEqual([]);
    expect(await psa().searchCompanies('Dormant', { includeInactive: true })).toMatchObject([{ id: inactive.id }]);
    expect(await rejection(psa().getCompany(999_999))).toMatchObject({ kind: 'not_found' });
  });

  it('tests the connection, and wrong keys are an authentication PsaError', async () => {
    await expect(psa().prepare()).resolves.toBeUndefined();
    await expect(psa().testConnection()).resolves.toBeUndefined();
    const wrong = connectWisePsaClient(cw.client({ privateKey: 'not-the-key' }), settings);
    expect(await rejection(wrong.testConnection())).toMatchObject({ psa: 'connectwise', kind: 'authentication' });
  });
});

describe('the client additions the adapter and profile rely on', () => {
  it("reads the API member's rights and the company statuses", async () => {
    cw.sim.state.settings.timeEntryInquireLevel = 'My';
    const rights = await cw.client().getMySecurity();
    expect(rights.find((r) => r.functionIdentifier === 'TimeEntry')).toMatchObject({
      functionName: 'Time Entry',
      moduleName: 'Time & Expense',
      inquireLevel: 'My',
    });
    expect(rights.find((r) => r.functionIdentifier === 'ServiceTickets')).toMatchObject({ inquireLevel: 'All' });

    const statuses = await cw.client().listCompanyStatuses();
    expect(statuses.map((s) => [s.id, s.inactive])).toEqual([
      [COMPANY_STATUS.active, false],
      [COMPANY_STATUS.creditHold, false],
      [COMPANY_STATUS.inactive, true],
    ]);
  });
});
