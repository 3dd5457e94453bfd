import { z } from 'zod';
import type { AutotaskHttp } from './http.ts';
import type { PicklistValue, TicketNotePicklists, TicketPicklists } from './types.ts';
import { booleanish, intish, optionalInt, optionalString, parseAnswer } from './wire.ts';

/**
 * Picklists from `{Entity}/entityInformation/fields`. Values differ per tenant and labels are not
 * unique, so Backupchecks stores ids and shows labels. Metadata sends values as strings ("5"); they
 * become numbers here. A value that is not a whole number cannot be sent on a ticket and is left out.
 */

const picklistValueWire = z.object({
  value: intish,
  label: optionalString,
  isActive: booleanish(true),
  isDefaultValue: booleanish(false),
  isSystem: booleanish(false),
  sortOrder: optionalInt,
  parentValue: optionalInt.catch(null),
});

const fieldWire = z.object({
  name: z.string(),
  // Read value by value below, so one odd entry in a field we do not use cannot fail the call.
  picklistValues: z.array(z.unknown()).nullish(),
});

const fieldsEnvelope = z.object({ fields: z.array(fieldWire) });

type FieldsByName = ReadonlyMap<string, readonly PicklistValue[]>;

async function picklistFields(http: AutotaskHttp, operation: string, entity: string): Promise<FieldsByName> {
  const path = `${entity}/entityInformation/fields`;
  const data = await http.send({ operation, method: 'GET', path, read: true });
  const { fields } = parseAnswer(fieldsEnvelope, data, { operation, method: 'GET', path, read: true });
  // Field names are case-insensitive on Autotask's side; match them that way here too.
  return new Map(fields.map((f) => [f.name.toLowerCase(), toValues(f.picklistValues ?? [])]));
}

function toValues(values: readonly unknown[]): PicklistValue[] {
  const out: PicklistValue[] = [];
  for (const raw of values) {
    const parsed = picklistValueWire.safeParse(raw);
    if (!parsed.success) continue;
    const v = parsed.data;
    out.push({
      value: v.value,
      label: v.label ?? String(v.value),
      isActive: v.isActive,
      isDefault: v.isDefaultValue,
      isSystem: v.isSystem,
      sortOrder: v.sortOrder ?? 0,
      parentValue: v.parentValue,
    });
  }
  return out.sort((a, b) => a.sortOrder - b.sortOrder || a.value - b.value);
}

const pick = (fields: FieldsByName, name: string): readonly PicklistValue[] => fields.get(name.toLowerCase()) ?? [];

/** Ticket status, priority, queue, issue type, sub-issue type (with `parentValue`), source, type and category. */
export async function getTicketPicklists(http: AutotaskHttp): Promise<TicketPicklists> {
  const fields = await picklistFields(http, 'picklists.tickets', 'Tickets');
  return {
    status: pick(fields, 'status'),
    priority: pick(fields, 'priority'),
    queueId: pick(fields, 'queueID'),
    issueType: pick(fields, 'issueType'),
    subIssueType: pick(fields, 'subIssueType'),
    source: pick(fields, 'source'),
    ticketType: pick(fields, 'ticketType'),
    ticketCategory: pick(fields, 'ticketCategory'),
  };
}

/** Ticket note type and publish (visibility) values. */
export async function getTicketNotePicklists(http: AutotaskHttp): Promise<TicketNotePicklists> {
  const fields = await picklistFields(http, 'picklists.ticketNotes', 'TicketNotes');
  return { noteType: pick(fields, 'noteType'), publish: pick(fields, 'publish') };
}
