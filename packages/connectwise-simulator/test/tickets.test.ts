import { describe, expect, it } from 'vitest';
import { BOARD, COMPANY, ITEM, PRIORITY, STATUS, SUBTYPE, TYPE } from '../src/index.ts';
import {
  control,
  get,
  ids,
  patch,
  post,
  useTestSimulator,
  validTicket,
  type CountBody,
  type ErrorBody,
  type WireRecord,
} from './helpers.ts';

const sim = await useTestSimulator();

const create = (body: unknown) => post<WireRecord>(sim, 'service/tickets', body);
const invalid = async (body: unknown) => {
  const result = await post<ErrorBody>(sim, 'service/tickets', body);
  expect(result.status).toBe(400);
  expect(result.json).toMatchObject({ code: 'InvalidObject', message: 'ticket object is invalid' });
  return result.json.errors ?? [];
};

describe('POST service/tickets', () => {
  it('creates a ticket and answers 201 with the whole record, defaults filled in', async () => {
    const result = await create({
      ...validTicket,
      initialDescription: 'Job FS01 failed',
      initialInternalAnalysis: 'x',
    });
    expect(result.status).toBe(201);
    expect(result.json).toMatchObject({
      id: 1100,
      summary: 'Backup failed on FS01',
      recordType: 'ServiceTicket',
      board: { id: BOARD.serviceDesk, name: 'Service Desk' },
      status: { id: STATUS.new, name: 'New' },
      company: { id: COMPANY.acme, identifier: 'AcmeDental', name: 'Acme Dental' },
      priority: { id: PRIORITY.normal, name: 'Priority 3 - Normal Response' },
      severity: 'Medium',
      impact: 'Medium',
      externalXRef: 'bc-run-1',
      closedFlag: false,
      _info: { dateEntered: '2026-03-04T10:00:00Z', enteredBy: 'backupchecks' },
    });
    expect(result.json).not.toHaveProperty('initialDescription');
    const notes = await get<WireRecord[]>(sim, 'service/tickets/1100/notes');
    expect(notes.json.map((n) => [n.text, n.detailDescriptionFlag, n.internalAnalysisFlag])).toEqual([
      ['Job FS01 failed', true, false],
      ['x', false, true],
    ]);
  });

  it('takes references by name or identifier, and type, subtype, item, contact, priority and status of the board', async () => {
    const result = await create({
      summary: 'Missed job',
      board: { name: 'service desk' },
      company: { identifier: 'Contoso' },
      status: { id: STATUS.inProgress },
      priority: { name: 'Priority 1 - Emergency Response' },
      type: { id: TYPE.backup },
      subType: { id: SUBTYPE.missedJob },
      item: { name: 'server' },
      contact: { id: 501 },
      severity: 'high',
    });
    expect(result.status).toBe(201);
    expect(result.json).toMatchObject({
      company: { id: COMPANY.contoso },
      status: { name: 'In Progress' },
      priority: { id: PRIORITY.emergency },
      type: { name: 'Backup' },
      subType: { name: 'Missed job' },
      item: { id: ITEM.server, name: 'Server' },
      contact: { id: 501, name: 'Jane Peters' },
      severity: 'High',
    });
  });

  it('requires summary, company and board, and keeps summary to 100 characters', async () => {
    expect(await invalid({})).toEqual([
      { code: 'MissingRequiredField', message: 'summary is required.', resource: 'ticket', field: 'summary' },
      { code: 'MissingRequiredField', message: 'company is required.', resource: 'ticket', field: 'company' },
      { code: 'MissingRequiredField', message: 'board is required.', resource: 'ticket', field: 'board' },
    ]);
    expect(await invalid({ ...validTicket, summary: '   ' })).toMatchObject([{ field: 'summary' }]);
    expect(await invalid({ ...validTicket, summary: 'x'.repeat(101) })).toEqual([
      {
        code: 'MaxLengthField',
        message: 'The field summary must be a string with a maximum length of 100.',
        resource: 'ticket',
        field: 'summary',
      },
    ]);
    expect((await create({ ...validTicket, summary: 'x'.repeat(100) })).status).toBe(201);
    expect(await invalid({ ...validTicket, externalXRef: 'r'.repeat(101) })).toMatchObject([
      { code: 'MaxLengthField', field: 'externalXRef' },
    ]);
    expect(sim.state.tickets).toHaveLength(4);
  });

  it('refuses references that do not exist or do not belong to the board', async () => {
    expect(await invalid({ ...validTicket, status: { id: STATUS.resolved } })).toEqual([
      {
        code: 'NotFound',
        message: `Service Status ${STATUS.resolved} not found for Service Board ${BOARD.serviceDesk}`,
        resource: 'ticket',
        field: 'status/id',
      },
    ]);
    expect(await invalid({ ...validTicket, company: { id: 99999 } })).toMatchObject([
      { code: 'NotFound', field: 'company/id', message: 'Company 99999 not found' },
    ]);
    expect(await invalid({ ...validTicket, board: { id: 42 } })).toMatchObject([
      { code: 'NotFound', field: 'board/id' },
    ]);
    expect(await invalid({ ...validTicket, priority: { id: 42 } })).toMatchObject([{ field: 'priority/id' }]);
    expect(await invalid({ ...validTicket, type: { id: TYPE.alert } })).toMatchObject([{ field: 'type/id' }]);
    expect(
      await invalid({ ...validTicket, type: { id: TYPE.backup }, subType: { id: SUBTYPE.backupAlert } }),
    ).toMatchObject([{ field: 'subType/id' }]);
    expect(await invalid({ ...validTicket, contact: { id: 42 } })).toMatchObject([{ field: 'contact/id' }]);
    expect(await invalid({ ...validTicket, item: { id: ITEM.appliance } })).toMatchObject([
      {
        code: 'NotFound',
        field: 'item/id',
        message: `Service Item ${ITEM.appliance} not found for Service Board ${BOARD.serviceDesk}`,
      },
    ]);
  });

  it('refuses inactive setup, subtypes without their type, and companies that cannot take tickets', async () => {
    expect(await invalid({ ...validTicket, status: { id: STATUS.obsolete } })).toMatchObject([{ field: 'status' }]);
    expect(await invalid({ ...validTicket, board: { id: BOARD.retired } })).toMatchObject([{ field: 'board' }]);
    expect(await invalid({ ...validTicket, type: { id: TYPE.legacy } })).toMatchObject([{ field: 'type' }]);
    expect(await invalid({ ...validTicket, item: { id: ITEM.retired } })).toMatchObject([{ field: 'item' }]);
    expect(await invalid({ ...validTicket, subType: { id: SUBTYPE.failedJob } })).toMatchObject([{ field: 'subType' }]);
    expect(
      await invalid({ ...validTicket, type: { id: TYPE.request }, subType: { id: SUBTYPE.failedJob } }),
    ).toMatchObject([{ field: 'subType' }]);
    expect(await invalid({ ...validTicket, contact: { id: 503 } })).toMatchObject([{ field: 'contact' }]);
    expect(await invalid({ ...validTicket, company: { id: COMPANY.oldClient } })).toMatchObject([
      { field: 'company', message: expect.stringContaining('deleted') as unknown },
    ]);
    expect(await invalid({ ...validTicket, company: { id: COMPANY.creditHold } })).toMatchObject([
      { field: 'company', message: expect.stringContaining('Credit Hold') as unknown },
    ]);
    // An inactive company status alone does not stop a ticket.
    expect((await create({ ...validTicket, company: { id: COMPANY.tailspin } })).status).toBe(201);
  });

  it('refuses malformed bodies and values', async () => {
    expect(await invalid({ ...validTicket, company: 250 })).toMatchObject([{ field: 'company' }]);
    expect(await invalid({ ...validTicket, board: {} })).toMatchObject([{ field: 'board' }]);
    expect(await invalid({ ...validTicket, summary: 12 })).toMatchObject([{ field: 'summary' }]);
    expect(await invalid({ ...validTicket, severity: 'Critical' })).toMatchObject([{ field: 'severity' }]);
    expect(await invalid({ ...validTicket, recordType: 'ProjectTicket' })).toMatchObject([{ field: 'recordType' }]);
    expect(await invalid([validTicket])).toHaveLength(1);
    const notJson = await post<ErrorBody>(sim, 'service/tickets', '{"summary":');
    expect([notJson.status, notJson.json.code]).toEqual([400, 'InvalidObject']);
  });

  it('creates on the first active board when the board rule is switched off', async () => {
    await control(sim, 'settings', { boardRequired: false });
    const result = await create({ summary: 'No board', company: { id: COMPANY.acme } });
    expect(result.json).toMatchObject({ board: { id: BOARD.serviceDesk }, status: { id: STATUS.new } });
  });
});

describe('GET service/tickets', () => {
  it('reads a ticket, and 404s an unknown one', async () => {
    const one = await get<WireRecord>(sim, 'service/tickets/1002');
    expect(one.json).toMatchObject({
      id: 1002,
      closedFlag: true,
      closedDate: '2026-01-06T12:00:00Z',
      closedBy: 'asmith',
    });
    const missing = await get<ErrorBody>(sim, 'service/tickets/424242');
    expect([missing.status, missing.json]).toEqual([404, { code: 'NotFound', message: 'Ticket 424242 not found' }]);
  });

  it('finds tickets by reference, company, board and state, and counts them', async () => {
    await create(validTicket);
    expect(await ids(sim, 'service/tickets', 'externalXRef = "bc-run-1"')).toEqual([1100]);
    expect(await ids(sim, 'service/tickets', 'company/id = 250 and closedFlag = false')).toEqual([1001, 1100]);
    expect(await ids(sim, 'service/tickets', 'board/name = "Monitoring"')).toEqual([1003]);
    expect(await ids(sim, 'service/tickets', 'status/id in (101, 104) and summary contains "FS01"')).toEqual([
      1001, 1100,
    ]);
    expect(await ids(sim, 'service/tickets', 'contact = null and lastUpdated > [2026-03-01]')).toEqual([1100]);
    const count = await get<CountBody>(
      sim,
      `service/tickets/count?conditions=${encodeURIComponent('closedFlag=true')}`,
    );
    expect(count.json).toEqual({ count: 1 });
  });
});

describe('PATCH service/tickets/{id}', () => {
  it('replaces status, priority and summary from a JSON Patch array, and closes on a closed status', async () => {
    const result = await patch<WireRecord>(sim, 'service/tickets/1001', [
      { op: 'replace', path: 'status', value: { id: STATUS.completed } },
      { op: 'replace', path: '/priority/id', value: PRIORITY.quick },
      { op: 'replace', path: 'summary', value: 'Backup failed on FS01 (handled)' },
    ]);
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({
      summary: 'Backup failed on FS01 (handled)',
      status: { id: STATUS.completed, name: 'Completed' },
      priority: { id: PRIORITY.quick },
      closedFlag: true,
      closedDate: '2026-03-04T10:00:00Z',
      closedBy: 'backupchecks',
      _info: { updatedBy: 'backupchecks' },
    });
    const reopened = await patch<WireRecord>(sim, 'service/tickets/1001', [
      { op: 'replace', path: 'status/name', value: 'In Progress' },
    ]);
    expect(reopened.json).toMatchObject({ closedFlag: false, status: { id: STATUS.inProgress } });
    expect(reopened.json).not.toHaveProperty('closedDate');
  });

  it('refuses a status of another board or an inactive one, and applies nothing when one operation fails', async () => {
    const errors = await patch<ErrorBody>(sim, 'service/tickets/1001', [
      { op: 'replace', path: 'summary', value: 'Changed' },
      { op: 'replace', path: 'status', value: { id: STATUS.resolved } },
    ]);
    expect(errors.status).toBe(400);
    expect(errors.json.errors).toMatchObject([{ code: 'NotFound', field: 'status/id' }]);
    expect(sim.state.ticket(1001)?.summary).toBe('Backup failed on FS01');
    const inactive = await patch<ErrorBody>(sim, 'service/tickets/1001', [
      { op: 'replace', path: 'status/id', value: STATUS.obsolete },
    ]);
    expect(inactive.status).toBe(400);
  });

  it.each([
    ['a partial object instead of an array', { summary: 'x' }],
    ['an empty array', []],
    ['an operation without path', [{ op: 'replace', value: 'x' }]],
    ['a remove of the status', [{ op: 'remove', path: 'status' }]],
    ['an unsimulated path', [{ op: 'replace', path: 'board', value: { id: 2 } }]],
    ['a summary over 100 characters', [{ op: 'replace', path: 'summary', value: 'x'.repeat(101) }]],
    ['a null priority', [{ op: 'replace', path: 'priority', value: null }]],
  ])('refuses %s with 400', async (_case, body) => {
    const result = await patch<ErrorBody>(sim, 'service/tickets/1001', body);
    expect([result.status, result.json.code]).toEqual([400, 'InvalidObject']);
  });

  it('404s an unknown ticket, and 405s a method the resource does not have', async () => {
    const missing = await patch<ErrorBody>(sim, 'service/tickets/9999', [
      { op: 'replace', path: 'summary', value: 'x' },
    ]);
    expect(missing.status).toBe(404);
    expect((await post(sim, 'service/tickets/1001', {})).status).toBe(405);
    expect((await patch(sim, 'company/companies/250', [])).status).toBe(405);
  });
});
