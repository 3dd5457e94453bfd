import type { TicketRecord } from '../../../db/database.ts';
import { ticketCompanyRefused, type CompanyRecheck } from '../../../errors/ticket-refusals.ts';
import { PsaError, toPsaError } from '../../../psa/errors.ts';
import { audit } from '../../accounts/audit.ts';
import { refreshCustomerMapping } from '../../mapping/company-sync.ts';
import { findRunTicket, markFailed, type Problem } from '../run-ticket-claims.ts';
import type { CreateContext, CreateOutcome } from './context.ts';

/**
 * The PSA refused the create because of the ticket's company: deleted, made inactive or hidden
 * from the API user since the mapping was last synced (docs/autotask.md, Companies). This is the
 * one case where a company read follows the create on the click's path: the mapping is checked
 * (`refreshCustomerMapping`, which marks it invalid when the company is gone or inactive), the
 * attempt is failed (nothing was created, so a retry may post once the mapping is fixed), and the
 * operator reads our sentence with the PSA's words under it.
 */
export async function companyRefused(ctx: CreateContext, row: TicketRecord, e: PsaError): Promise<CreateOutcome> {
  const { db } = ctx.deps;
  const customer = ctx.run.job.customer;
  const companyId = customer.mapping!.companyId!;
  const check = await recheckCompany(ctx, customer.id, companyId);
  const problem: Problem = {
    message: ticketCompanyRefused(e.psa, customer.name, companyId, check),
    detail: e.detail,
  };
  await markFailed(db, row, problem);
  await audit(db, ctx.actor, {
    action: 'ticket.creation_failed',
    summary: `${e.psaName} refused the ticket for ${ctx.label} because of company ${companyId}: ${e.detail ?? e.message}`,
    targetType: 'run',
    targetId: row.originRunId,
    details: {
      reference: row.reference,
      kind: e.kind,
      status: e.status,
      message: e.detail ?? e.message,
      companyId,
      companyCheck: check.found,
    },
  });
  return { kind: 'failed', ticket: (await findRunTicket(db, row.originRunId))!, label: ctx.label, problem };
}

/** Reads the mapped company again and applies the mapping rules; a failed read changes nothing. */
async function recheckCompany(ctx: CreateContext, customerId: number, companyId: number): Promise<CompanyRecheck> {
  try {
    const mapping = await refreshCustomerMapping({ db: ctx.deps.db, client: ctx.client }, customerId, 'ticket');
    // Re-mapped or cleared by an admin meanwhile: nothing was learnt about this company.
    if (!mapping || mapping.companyId !== companyId) return { found: 'unchecked' };
    return mapping.status === 'invalid' ? { found: 'invalid', reason: mapping.statusReason } : { found: 'usable' };
  } catch (readError) {
    if (toPsaError(readError) instanceof PsaError) return { found: 'unchecked' };
    throw readError;
  }
}
