import type { CompanyMapping } from '../../db/database.ts';
import { paths } from '../../paths.ts';
import { PSA_NAMES, type PsaType } from '../../psa/port.ts';
import type { Blocker } from '../integration/settings.ts';

/** Where an admin maps a customer to its company in the active PSA. */
export const mappingUrl = (customerId: number): string => paths.mapping.show(customerId);

/** "an Autotask company", "a ConnectWise company". */
export const aCompanyOf = (psaName: string): string => `${/^[aeiou]/i.test(psaName) ? 'an' : 'a'} ${psaName} company`;

/**
 * Mapping-level reasons that block ticket creation, because a ticket needs a company the PSA
 * accepts: not mapped yet (`missing`), or the mapped company was deleted, made inactive or is not
 * visible to the API user (`invalid`). `ok` and `renamed` allow tickets: a rename never breaks a
 * mapping, since tickets go to the company ID. `psa`: the active PSA, named in the sentences.
 */
export function mappingBlocker(
  customer: { readonly id: number; readonly name: string },
  mapping: Pick<CompanyMapping, 'status' | 'companyId' | 'statusReason'> | null | undefined,
  psa: PsaType = 'autotask',
): Blocker | null {
  const name = PSA_NAMES[psa];
  if (!mapping || mapping.companyId === null || mapping.status === 'missing') {
    return {
      message: `Customer ${customer.name} is not mapped to ${aCompanyOf(name)}.`,
      fixUrl: mappingUrl(customer.id),
      fixLabel: 'Map the customer',
    };
  }
  if (mapping.status === 'invalid') {
    const reason = mapping.statusReason ? ` ${mapping.statusReason}` : '';
    return {
      message: `The ${name} company of ${customer.name} was deleted or is inactive (company ${mapping.companyId}).${reason}`,
      fixUrl: mappingUrl(customer.id),
      fixLabel: 'Fix the mapping',
    };
  }
  return null;
}
