import { PsaError } from '../psa/errors.ts';
import { PSA_NAMES, type PsaType } from '../psa/port.ts';
import { mentions, REFUSED, ticketFieldRefusal } from './autotask-messages.ts';
import { explainPsaError, ticketNotCreated } from './psa-messages.ts';

/**
 * Sentences for a ticket create the PSA refused definitely (nothing was created): a field the
 * tenant requires (Autotask names it in its messages), the ticket's company, or the shared
 * explanation.
 */

/**
 * The operator's sentence for a definite refusal of a ticket create: the field in plain words
 * when Autotask named one the tenant requires, else the shared explanation.
 */
export function explainTicketRefusal(e: PsaError): string {
  const field = e.psa === 'autotask' && e.kind === 'validation' ? ticketFieldRefusal(e.messages) : null;
  const notCreated = ticketNotCreated(e.psa);
  return field ? `${notCreated} ${field.sentence}` : explainPsaError(e, notCreated).message;
}

/** The company field as each PSA's messages name it (ConnectWise's field errors read `company: …`). */
const COMPANY_FIELD: Readonly<Record<PsaType, string>> = { autotask: 'companyID', connectwise: 'company' };

/**
 * The PSA refused a create because of the ticket's company. The wording for a deleted or inactive
 * company is documented by neither PSA (docs/autotask.md, Companies; docs/connectwise.md), so a
 * message counts when it names the company field together with a reason.
 */
export function refusesTicketCompany(e: PsaError): boolean {
  const field = COMPANY_FIELD[e.psa];
  return e.kind === 'validation' && e.messages.some((m) => mentions(m, field) && REFUSED.test(m));
}

/** What reading the mapped company again after such a refusal found. */
export type CompanyRecheck =
  /** Deleted, inactive or invisible: the mapping is now invalid; `reason` is the mapping's status reason. */
  | { readonly found: 'invalid'; readonly reason: string | null }
  /** The PSA returns it as an active company: the refusal has another cause. */
  | { readonly found: 'usable' }
  /** The read failed: the mapping is unchanged. */
  | { readonly found: 'unchecked' };

/** Our sentence for a create refused for its company; the PSA's own words are shown under it. */
export function ticketCompanyRefused(
  psa: PsaType,
  customerName: string,
  companyId: number,
  check: CompanyRecheck,
): string {
  const name = PSA_NAMES[psa];
  const apiUser = psa === 'connectwise' ? 'API member' : 'API user';
  const refused = `${ticketNotCreated(psa)} It did not accept the ${name} company of ${customerName} (company ${companyId}).`;
  switch (check.found) {
    case 'invalid':
      return `${refused} ${check.reason ?? `It was deleted, made inactive or is not visible to the ${apiUser}.`} The mapping is marked invalid: an admin must fix it before a ticket can be created.`;
    case 'usable':
      return `${refused} ${name} still returns it as an active company, so check the company and the ${apiUser}'s permissions in ${name}.`;
    case 'unchecked':
      return `${refused} Backupchecks could not read the company again to check why, so the mapping is unchanged; refresh it on the customer's mapping page.`;
  }
}
