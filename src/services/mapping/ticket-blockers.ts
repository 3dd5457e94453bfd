import type { CompanyMapping } from '../../db/database.ts';
import { paths } from '../../paths.ts';
import type { Blocker } from '../integration/settings.ts';

/** Where an admin maps a customer to its Autotask company. */
export const mappingUrl = (customerId: number): string => paths.mapping.show(customerId);

/**
 * Mapping-level reasons that block ticket creation, because a ticket needs a company Autotask
 * accepts: not mapped yet (`missing`), or the mapped company was deleted, made inactive or is not
 * visible to the API user (`invalid`). `ok` and `renamed` allow tickets: a rename never breaks a
 * mapping, since tickets go to the company ID.
 */
export function mappingBlocker(
  customer: { readonly id: number; readonly name: string },
  mapping: Pick<CompanyMapping, 'status' | 'companyId' | 'statusReason'> | null | undefined,
): Blocker | null {
  if (!mapping || mapping.companyId === null || mapping.status === 'missing') {
    return {
      message: `Customer ${customer.name} is not mapped to an Autotask company.`,
      fixUrl: mappingUrl(customer.id),
      fixLabel: 'Map the customer',
    };
  }
  if (mapping.status === 'invalid') {
    const reason = mapping.statusReason ? ` ${mapping.statusReason}` : '';
    return {
      message: `The Autotask company of ${customer.name} was deleted or is inactive (company ${mapping.companyId}).${reason}`,
      fixUrl: mappingUrl(customer.id),
      fixLabel: 'Fix the mapping',
    };
  }
  return null;
}
