/**
 * What a tenant adds to Autotask's own rules for a new ticket: fields its ticket categories and
 * settings make required (a Work Type, a contact, a category, a type), and the references those
 * fields must hold. The list of required fields is a simulator setting, switched from the control
 * API and page, because every tenant has its own.
 *
 * Wording: Autotask's text for a missing tenant-required field is not documented; the simulator
 * answers `"<field>: Value is required."` (our own words, in the shape of the older
 * "contactID: Value 12345 does not exist or is invalid"). The reference message is Autotask's
 * (docs/autotask.md, Simulator wording).
 */
import { insertSorted, NotFoundInStateError } from '@backupchecks/simulator-kit';
import { ENTITIES, findField } from './entities.ts';
import { buildContact, USE_TYPE } from './seed-tenant-fields.ts';
import type { SimulatorState } from './store.ts';
import type { BillingCode, Contact, EntityName, PicklistValue } from './types.ts';
import type { FieldValue } from './values.ts';
import { isMissing, referenceMessage } from './write-input.ts';

/** The fields the control API offers to make required (any writable ticket field is accepted). */
export const TENANT_FIELD_CHOICES = ['billingCodeID', 'contactID', 'ticketCategory', 'ticketType'] as const;

export function tenantRequiredMessage(field: string): string {
  return `${field}: Value is required.`;
}

/** The canonical ticket field names in `names`; throws on a name Tickets does not have or cannot write. */
export function canonicalTicketFields(names: readonly string[]): string[] {
  return [
    ...new Set(
      names.map((name) => {
        const field = findField(ENTITIES.Tickets, name.trim());
        // A status of 400 for the control API: the caller named a field that does not exist.
        if (!field || field.isReadOnly) {
          throw Object.assign(new Error(`Tickets has no writable field ${name}.`), { status: 400 });
        }
        return field.name;
      }),
    ),
  ];
}

/** The tenant-required fields a new ticket's values leave empty, as Autotask-style errors. */
export function missingTenantFields(state: SimulatorState, values: Map<string, FieldValue>): string[] {
  return state.settings.requiredTicketFields.filter((f) => isMissing(values.get(f))).map(tenantRequiredMessage);
}

/**
 * A Work Type must be an active BillingCode of use type 1; a contact an active contact of the
 * ticket's company. Inactive records fail like missing ones (docs/autotask.md, Companies).
 */
export function tenantReferenceErrors(
  state: SimulatorState,
  values: Map<string, FieldValue>,
  unchanged: (field: string) => boolean,
): string[] {
  const errors: string[] = [];
  const billingCodeId = values.get('billingCodeID');
  if (!isMissing(billingCodeId) && !unchanged('billingCodeID')) {
    const code = state.billingCodes.find((b) => b.id === Number(billingCodeId));
    if (!isUsableWorkType(code)) errors.push(referenceMessage('billingCodeID', 'BillingCode'));
  }
  const contactId = values.get('contactID');
  if (!isMissing(contactId) && (!unchanged('contactID') || !unchanged('companyID'))) {
    const contact = state.contacts.find((c) => c.id === Number(contactId));
    if (!isUsableContact(contact, Number(values.get('companyID')))) {
      errors.push(referenceMessage('contactID', 'Contact'));
    }
  }
  return errors;
}

const isUsableWorkType = (code: BillingCode | undefined): boolean =>
  code !== undefined && code.isActive && code.useType === USE_TYPE.workType;

const isUsableContact = (contact: Contact | undefined, companyId: number): boolean =>
  contact !== undefined && contact.isActive === 1 && contact.companyID === companyId;

// ---- helpers: what an Autotask admin changes in the web UI (tests and the control API) --------

/** Sets which ticket fields the tenant requires on create (an empty list: only Autotask's own). */
export function setRequiredTicketFields(state: SimulatorState, names: readonly string[]): string[] {
  state.settings.requiredTicketFields = canonicalTicketFields(names);
  return state.settings.requiredTicketFields;
}

export function setBillingCodeActive(state: SimulatorState, id: number, active: boolean): BillingCode {
  const code = state.billingCodes.find((b) => b.id === id);
  if (!code) throw new NotFoundInStateError('billing code', id);
  code.isActive = active;
  return code;
}

export function addContact(
  state: SimulatorState,
  input: Partial<Contact> & Pick<Contact, 'companyID' | 'firstName' | 'lastName'>,
): Contact {
  if (!state.company(input.companyID)) throw new NotFoundInStateError('company', input.companyID);
  const id = input.id ?? state.nextId('contacts');
  if (state.contacts.some((c) => c.id === id)) throw new Error(`A contact with id ${id} already exists.`);
  const contact = buildContact({ ...input, id }, state.nowIso());
  insertSorted(state.contacts, contact);
  return contact;
}

export function setContactActive(state: SimulatorState, id: number, active: boolean): Contact {
  const contact = state.contacts.find((c) => c.id === id);
  if (!contact) throw new NotFoundInStateError('contact', id);
  contact.isActive = active ? 1 : 0;
  contact.lastModifiedDate = state.nowIso();
  return contact;
}

/** Inactive picklist values stay in the list (docs/autotask.md, Picklists) but cannot be used. */
export function setPicklistValueActive(
  state: SimulatorState,
  entity: EntityName,
  field: string,
  value: number,
  active: boolean,
): PicklistValue {
  const entry = state.picklist(entity, field).find((p) => p.value === String(value));
  if (!entry) throw new NotFoundInStateError(`${entity}.${field} value`, value);
  entry.isActive = active;
  return entry;
}
