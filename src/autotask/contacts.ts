import { z } from 'zod';
import { AutotaskNotFoundError } from './errors.ts';
import type { AutotaskHttp } from './http.ts';
import { filter, queryAll, queryByValues } from './query.ts';
import type { Contact } from './types.ts';
import { intish, itemEnvelope, optionalString, parseAnswer, validId } from './wire.ts';

/**
 * Contacts of a company, for a customer's default ticket contact. Only read, never written.
 * `Contacts.isActive` is an integer (1 active, 0 inactive), unlike `Companies.isActive`
 * (docs/autotask.md, Contacts), so it is filtered with 1 and read as either form.
 */

const activeFlag = z
  .union([z.boolean(), intish, z.enum(['true', 'false', 'True', 'False']), z.null()])
  .optional()
  .transform((v) =>
    v === undefined || v === null ? true : typeof v === 'string' ? v.toLowerCase() === 'true' : v === true || v === 1,
  );

const contactWire = z
  .object({
    id: intish,
    companyID: intish,
    firstName: optionalString,
    lastName: optionalString,
    emailAddress: optionalString,
    isActive: activeFlag,
  })
  .transform((c): Contact => ({
    id: c.id,
    companyId: c.companyID,
    firstName: c.firstName ?? '',
    lastName: c.lastName ?? '',
    email: c.emailAddress === '' ? null : c.emailAddress,
    isActive: c.isActive,
  }));

/** The active contacts of one company, in Autotask's order. */
export async function listActiveContacts(http: AutotaskHttp, companyId: number): Promise<Contact[]> {
  return queryAll(http, {
    operation: 'contacts.listActive',
    entity: 'Contacts',
    body: { filter: [filter.eq('companyID', validId(companyId, 'company')), filter.eq('isActive', 1)] },
    item: contactWire,
  });
}

/** One contact by id. Throws `AutotaskNotFoundError` when Autotask has none (or does not show it). */
export async function getContact(http: AutotaskHttp, id: number): Promise<Contact> {
  const operation = 'contacts.get';
  const path = `Contacts/${validId(id, 'contact')}`;
  const data = await http.send({ operation, method: 'GET', path, read: true });
  const { item } = parseAnswer(itemEnvelope(contactWire), data, { operation, method: 'GET', path, read: true });
  if (!item)
    throw new AutotaskNotFoundError(
      200,
      [],
      { operation, method: 'GET', path, read: true },
      `Autotask has no contact with ID ${id}, or the API user cannot see it.`,
    );
  return item;
}

/** Contacts for many ids (batches of 500), active or not; ids Autotask does not return are absent. */
export async function getContacts(http: AutotaskHttp, ids: readonly number[]): Promise<Contact[]> {
  return queryByValues(http, {
    operation: 'contacts.getMany',
    entity: 'Contacts',
    field: 'id',
    values: ids.map((id) => validId(id, 'contact')),
    item: contactWire,
  });
}
