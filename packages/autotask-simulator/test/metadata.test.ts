import { describe, expect, it } from 'vitest';
import { get, useTestSimulator, type WireRecord } from './helpers.ts';

const sim = await useTestSimulator({}, { reset: false });

interface Field {
  name: string;
  isPickList: boolean;
  picklistValues: { value: string; label: string; isActive: boolean; parentValue: string; isSystem: boolean }[] | null;
  picklistParentValueField: string;
  [key: string]: unknown;
}

async function fields(entity: string): Promise<Field[]> {
  const res = await get<{ fields: Field[] }>(sim, `V1.0/${entity}/entityInformation/fields`);
  expect(res.status).toBe(200);
  return res.json.fields;
}

const byName = (list: Field[], name: string) => {
  const field = list.find((f) => f.name === name);
  if (!field) throw new Error(`no field ${name}`);
  return field;
};
const labels = (field: Field) => Object.fromEntries((field.picklistValues ?? []).map((p) => [p.value, p.label]));

describe('entityInformation/fields', () => {
  it('describes each field with the documented keys', async () => {
    const title = byName(await fields('Tickets'), 'title');
    expect(title).toEqual({
      name: 'title',
      dataType: 'string',
      length: 255,
      isRequired: true,
      isReadOnly: false,
      isQueryable: true,
      isReference: false,
      referenceEntityType: '',
      isPickList: false,
      picklistValues: null,
      picklistParentValueField: '',
      isSupportedWebhookField: true,
    });
    expect(byName(await fields('Tickets'), 'companyID')).toMatchObject({
      isReference: true,
      referenceEntityType: 'Company',
    });
  });

  it('has the ticket status picklist with string values, system values and an inactive one', async () => {
    const status = byName(await fields('Tickets'), 'status');
    expect(labels(status)).toMatchObject({ '1': 'New', '5': 'Complete', '7': 'Waiting Customer', '8': 'In Progress' });
    const values = status.picklistValues ?? [];
    expect(values.find((v) => v.value === '5')).toMatchObject({
      isSystem: true,
      isActive: true,
      isDefaultValue: false,
      sortOrder: expect.any(Number) as unknown,
      parentValue: '',
    });
    expect(values.some((v) => !v.isActive)).toBe(true);
  });

  it('has priorities (with the inactive "Standard (old)"), queues, sources and ticket types', async () => {
    const list = await fields('Tickets');
    const priority = byName(list, 'priority');
    expect(labels(priority)).toMatchObject({ '1': 'High', '2': 'Medium', '3': 'Low', '4': 'Critical' });
    expect(priority.picklistValues?.find((p) => p.label === 'Standard (old)')?.isActive).toBe(false);
    expect(Object.values(labels(byName(list, 'queueID')))).toEqual(
      expect.arrayContaining(['Monitoring Alerts', 'Service Desk', 'Projects']),
    );
    expect(labels(byName(list, 'source'))).toMatchObject({ '2': 'Insourced' });
    expect(labels(byName(list, 'ticketType'))).toMatchObject({ '3': 'Service Request', '2': 'Incident' });
  });

  it('ties sub-issue types to their issue type', async () => {
    const list = await fields('Tickets');
    const issue = byName(list, 'issueType');
    const sub = byName(list, 'subIssueType');
    expect(sub.picklistParentValueField).toBe('issueType');
    const backup = issue.picklistValues?.find((p) => p.label === 'Backup');
    const backupSubs = sub.picklistValues?.filter((p) => p.parentValue === backup?.value).map((p) => p.label);
    expect(backupSubs).toEqual(expect.arrayContaining(['Backup failed', 'Backup warning', 'Backup missed']));
    expect(sub.picklistValues?.every((p) => p.parentValue !== '')).toBe(true);
  });

  it('has noteType and publish on TicketNotes', async () => {
    const list = await fields('ticketnotes');
    expect(labels(byName(list, 'publish'))).toEqual({ '1': 'All Autotask Users', '2': 'Internal' });
    expect(byName(list, 'noteType').picklistValues?.length).toBeGreaterThan(1);
  });

  it('answers entityInformation and userDefinedFields', async () => {
    const info = await get<{ info: WireRecord }>(sim, 'V1.0/Tickets/entityInformation');
    expect(info.json.info).toMatchObject({
      name: 'Ticket',
      canCreate: true,
      canUpdate: true,
      canDelete: false,
      canQuery: true,
    });
    expect((await get(sim, 'V1.0/Tickets/entityInformation/userDefinedFields')).json).toEqual({ fields: [] });
  });
});
