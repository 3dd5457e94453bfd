import { z } from 'zod';
import type { AutotaskClient, Contact } from '../../autotask/client.ts';
import type { CompanyMapping, Db } from '../../db/database.ts';
import { RuleError, ValidationError } from '../../errors/catalogue.ts';
import { noSuchRecord, rethrowPsa } from '../../errors/psa-messages.ts';
import type { AutotaskProfile } from '../../psa/autotask/profile.ts';
import { PsaError, translated } from '../../psa/errors.ts';
import type { PsaProfile } from '../../psa/port.ts';
import { typedIdSchema } from '../../shared/ids.ts';
import { audit, type Actor } from '../accounts/audit.ts';
import { getCustomerWithMapping, type CustomerWithMapping } from './map-customer.ts';

/**
 * A customer's optional default contact: an active Autotask contact of the mapped company, sent as
 * the ticket's `contactID` where the tenant requires one. Chosen from Autotask's list (one request
 * per "Load contacts"), checked with Autotask again before it is saved, and cleared whenever the
 * customer is mapped to another company (a contact belongs to one company).
 *
 * Autotask only: the PSA port has no contacts, so these read through Autotask's own client, and
 * with another PSA active they are refused (the mapping page does not offer them then).
 */

export interface ContactDeps {
  readonly db: Db;
  /** The active PSA's profile. */
  readonly profile: PsaProfile;
}

/** Whether the active PSA has default contacts. */
export const hasDefaultContacts = (profile: PsaProfile): profile is AutotaskProfile => profile.psa === 'autotask';

function autotaskClientOf(profile: PsaProfile): AutotaskClient {
  if (!hasDefaultContacts(profile)) {
    throw new RuleError(`Default contacts are an Autotask feature; ${profile.name} is the active PSA.`);
  }
  return profile.autotaskClient();
}

export const contactForm = z.object({
  contactId: typedIdSchema({ missing: 'Choose a contact from the list', invalid: 'Choose a contact from the list' }),
});

/** "Jane Doe", or the e-mail address or ID when Autotask has no name. */
export function contactName(c: Pick<Contact, 'id' | 'firstName' | 'lastName' | 'email'>): string {
  const name = `${c.firstName} ${c.lastName}`.trim();
  return name || c.email || `Contact ${c.id}`;
}

type Mapped = CustomerWithMapping & { mapping: CompanyMapping & { companyId: number } };

function mappedCustomer(customer: CustomerWithMapping): Mapped {
  if (customer.mapping?.companyId === null || customer.mapping?.companyId === undefined) {
    throw new RuleError(`${customer.name} is not mapped to an Autotask company; map it first, then choose a contact.`);
  }
  return customer as Mapped;
}

/** The mapped company's active contacts, by name (one Autotask request). */
export async function contactsForMapping(deps: ContactDeps, customerId: number): Promise<Contact[]> {
  const client = autotaskClientOf(deps.profile);
  const customer = mappedCustomer(await getCustomerWithMapping(deps.db, customerId));
  const contacts = await client
    .listActiveContacts(customer.mapping.companyId)
    .catch(rethrowPsa('Could not load the contacts from Autotask.'));
  return [...contacts].sort((a, b) => contactName(a).localeCompare(contactName(b)) || a.id - b.id);
}

/** The contact must exist, be active and belong to the mapped company; Autotask refuses any other. */
async function verifyContact(client: AutotaskClient, companyId: number, contactId: number): Promise<Contact> {
  let contact: Contact;
  try {
    contact = await translated(() => client.getContact(contactId));
  } catch (e) {
    if (e instanceof PsaError && e.kind === 'not_found') {
      throw new ValidationError({ contactId: noSuchRecord('autotask', `contact with ID ${contactId}`) });
    }
    return rethrowPsa('Could not check the contact in Autotask.')(e);
  }
  if (contact.companyId !== companyId) {
    throw new ValidationError({ contactId: `${contactName(contact)} is a contact of another Autotask company.` });
  }
  if (!contact.isActive) {
    throw new ValidationError({
      contactId: `${contactName(contact)} is inactive in Autotask, so tickets cannot name this contact.`,
    });
  }
  return contact;
}

export async function setDefaultContact(
  deps: ContactDeps,
  actor: Actor,
  customerId: number,
  contactId: number,
): Promise<{ customer: CustomerWithMapping; contact: Contact }> {
  const client = autotaskClientOf(deps.profile);
  const customer = mappedCustomer(await getCustomerWithMapping(deps.db, customerId));
  const contact = await verifyContact(client, customer.mapping.companyId, contactId);
  const name = contactName(contact);
  // Only while the mapping still points at the company the contact was checked against.
  const { count } = await deps.db.companyMapping.updateMany({
    where: { customerId, companyId: customer.mapping.companyId },
    data: { contactId: contact.id, contactName: name },
  });
  if (count === 0) throw new RuleError(`The mapping of ${customer.name} changed meanwhile; choose the contact again.`);
  await audit(deps.db, actor, {
    action: 'mapping.contact_set',
    summary: `Set the default contact of customer ${customer.name} to ${name} (ID ${contact.id})`,
    targetType: 'customer',
    targetId: customer.id,
    details: {
      companyId: customer.mapping.companyId,
      contactId: contact.id,
      contactName: name,
      previousContactId: customer.mapping.contactId,
    },
  });
  return { customer, contact };
}

export async function clearDefaultContact(
  db: Db,
  actor: Actor,
  customerId: number,
): Promise<{ customer: CustomerWithMapping; cleared: boolean }> {
  const customer = await getCustomerWithMapping(db, customerId);
  const before = customer.mapping;
  if (!before || before.contactId === null) return { customer, cleared: false };
  await db.companyMapping.update({ where: { customerId }, data: { contactId: null, contactName: null } });
  await audit(db, actor, {
    action: 'mapping.contact_cleared',
    summary: `Removed the default contact ${before.contactName ?? ''} (ID ${before.contactId}) of customer ${customer.name}`,
    targetType: 'customer',
    targetId: customer.id,
    details: { previousContactId: before.contactId, previousContactName: before.contactName },
  });
  return { customer, cleared: true };
}
