import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import type { CompanyMapping } from '../../db/database.ts';
import { currentUser } from '../../middleware/auth.ts';
import { failureOf } from '../../middleware/errors.ts';
import { flash } from '../../middleware/flash.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import { CUSTOMER_MISSING } from '../../services/customers/customers.ts';
import { refreshCustomerMapping, type SyncSummary } from '../../services/mapping/company-sync.ts';
import { clearMapping, getCustomerWithMapping, refreshAllMappings } from '../../services/mapping/map-customer.ts';
import { aCompanyOf } from '../../services/mapping/ticket-blockers.ts';
import { idParam } from '../../shared/ids.ts';
import type { FlashMessage } from '../../shared/session-types.ts';
import { requestProfile } from '../integration/request-settings.ts';
import { mappingDepsOf } from './deps.ts';
import { backToCustomersOf } from './return-to.ts';

/**
 * The mapping buttons of the Customers list and the mapping page (admins only). Each goes back to
 * the page it came from with a message naming the active PSA.
 */

/** "Clear": new tickets are blocked until the customer is mapped again. */
export async function postClear(req: Request, res: Response): Promise<void> {
  const id = idParam(req.params['id'], CUSTOMER_MISSING);
  const db = contextOf(req).database.prisma;
  const [customer, profile] = await Promise.all([getCustomerWithMapping(db, id), requestProfile(req)]);
  const { cleared } = await clearMapping(db, actorOf(currentUser(req)), id);
  flash(
    req,
    cleared
      ? {
          type: 'success',
          text: `Cleared the ${profile.name} mapping of ${customer.name}. Existing tickets stay linked to their runs; new tickets are blocked until it is mapped again.`,
        }
      : { type: 'info', text: `${customer.name} was not mapped.` },
  );
  res.redirect(backToCustomersOf(req));
}

/** What a failed "Refresh" says first: the customer's mapping is as it was. */
export async function refreshFailurePrefix(req: Request): Promise<string> {
  const id = idParam(req.params['id'], CUSTOMER_MISSING);
  const customer = await getCustomerWithMapping(contextOf(req).database.prisma, id);
  return `Could not refresh the mapping of ${customer.name}; its status is unchanged.`;
}

/** "Refresh": re-reads one customer's company in the PSA and says what changed. */
export async function postRefresh(req: Request, res: Response): Promise<void> {
  const id = idParam(req.params['id'], CUSTOMER_MISSING);
  const deps = await mappingDepsOf(req);
  const customer = await getCustomerWithMapping(deps.db, id);
  const mapping = await refreshCustomerMapping(deps, id, 'manual');
  flash(req, refreshFlash(customer.name, mapping, deps.profile.name));
  res.redirect(backToCustomersOf(req));
}

function refreshFlash(customerName: string, mapping: CompanyMapping | null, psaName: string): FlashMessage {
  if (!mapping || mapping.companyId === null) {
    return {
      type: 'info',
      text: `${customerName} is not mapped to ${aCompanyOf(psaName)}, so there is nothing to refresh.`,
    };
  }
  if (mapping.status === 'invalid') {
    return {
      type: 'warning',
      text: `The mapping of ${customerName} is invalid: ${mapping.statusReason ?? ''} Tickets are blocked until it is fixed.`,
    };
  }
  if (mapping.status === 'renamed') {
    return {
      type: 'info',
      text: `Company ${mapping.companyId} is now called ${mapping.companyName} in ${psaName}. The cached name is updated; the customer keeps its own name.`,
    };
  }
  return {
    type: 'success',
    text: `Checked ${mapping.companyName} (ID ${mapping.companyId}) in ${psaName}: no change.`,
  };
}

/**
 * "Refresh all mappings". Batches that the PSA did not answer leave their mappings as they were;
 * the admin reads how many, and why, next to what the other batches found.
 */
export async function postRefreshAll(req: Request, res: Response): Promise<void> {
  const summary = await refreshAllMappings(await mappingDepsOf(req), actorOf(currentUser(req)));
  for (const message of refreshAllFlashes(summary)) flash(req, message);
  res.redirect(backToCustomersOf(req));
}

function refreshAllFlashes(s: SyncSummary): FlashMessage[] {
  const messages: FlashMessage[] = [];
  if (s.errors > 0) {
    const problem = failureOf(s.failure)?.problem ?? { message: s.message ?? '' };
    messages.push({
      type: 'error',
      text: `${s.errors} of ${s.errors + s.checked} mappings could not be checked; their statuses are unchanged. ${problem.message}`,
      ...(problem.detail ? { detail: problem.detail, ...(problem.source ? { source: problem.source } : {}) } : {}),
    });
  }
  if (s.checked > 0 || s.errors === 0) {
    messages.push({
      type: 'success',
      text: `Refreshed ${s.checked} mapping${s.checked === 1 ? '' : 's'}: ${s.renamed} renamed, ${s.invalid} invalid.`,
    });
  }
  return messages;
}
