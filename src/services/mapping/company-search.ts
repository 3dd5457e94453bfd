import type { Company } from '../../autotask/client.ts';
import { rethrowPsa } from '../../errors/psa-messages.ts';
import { psaCompanyOf } from '../../psa/autotask/adapter.ts';
import type { AutotaskProfile } from '../../psa/autotask/profile.ts';
import { translated } from '../../psa/errors.ts';
import type { PsaCompany, PsaProfile } from '../../psa/port.ts';

/**
 * Searching the active PSA's companies by name, for the mapping page and the suggestions. The port
 * gives a company's ID, name and whether it is active, which is all a mapping needs. Autotask's
 * answer also carries the company type and city, which its pages have always shown next to a hit
 * so that an admin can tell two look-alike names apart; for Autotask the same single search is
 * therefore sent through its own client, so nothing is lost and no request is added.
 */

/** What the mapping pages show next to a company, when the PSA gives it (Autotask). */
export interface CompanyDetails {
  readonly typeLabel: string;
  readonly city: string | null;
}

export interface FoundCompany {
  readonly company: PsaCompany;
  /** Null when the PSA's search does not return them (ConnectWise). */
  readonly details: CompanyDetails | null;
}

/**
 * Autotask's system company types (the `companyType` picklist is the same in every tenant for
 * these values); other values are tenant additions and shown by number.
 */
const companyTypes: Record<number, string> = {
  1: 'Customer',
  2: 'Lead',
  3: 'Prospect',
  4: 'Dead',
  6: 'Cancellation',
  7: 'Vendor',
  8: 'Partner',
};
export const companyTypeLabel = (type: number | null): string =>
  type === null ? '—' : (companyTypes[type] ?? `Type ${type}`);

/** Whether the profile's searches come with `details`, so the pages show Type and City columns. */
export const searchGivesDetails = (profile: PsaProfile): boolean => profile.psa === 'autotask';

const autotaskFound = (c: Company): FoundCompany => ({
  company: psaCompanyOf(c),
  details: { typeLabel: companyTypeLabel(c.companyType), city: c.city },
});

/**
 * Companies whose name contains `name` (one request to the PSA). A failure is explained with
 * `failure` first ("Could not search companies in Autotask.").
 */
export async function searchCompanies(
  profile: PsaProfile,
  name: string,
  options: { readonly includeInactive?: boolean; readonly limit: number },
  failure: string,
): Promise<FoundCompany[]> {
  if (searchGivesDetails(profile)) {
    const client = (profile as AutotaskProfile).autotaskClient();
    return translated(async () => (await client.searchCompanies(name, options)).map(autotaskFound)).catch(
      rethrowPsa(failure),
    );
  }
  const companies = await profile.client().searchCompanies(name, options).catch(rethrowPsa(failure));
  return companies.map((company) => ({ company, details: null }));
}
