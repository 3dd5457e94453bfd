import type { NewTicket } from '../../../autotask/client.ts';
import type { TicketRecord } from '../../../db/database.ts';
import { rethrowAutotask, TICKET_NOT_CREATED } from '../../../errors/autotask-messages.ts';
import { NotFoundError, RuleError } from '../../../errors/catalogue.ts';
import type { Actor } from '../../accounts/audit.ts';
import { getIntegrationSettings, integrationBlocker } from '../../integration/settings.ts';
import { refreshCustomerMapping } from '../../mapping/company-sync.ts';
import { mappingBlocker } from '../../mapping/ticket-blockers.ts';
import { reconcilePending } from '../reconcile.ts';
import {
  claimNew,
  claimRetry,
  decodeProblem,
  findRunTicket,
  isSettleable,
  newReference,
} from '../run-ticket-claims.ts';
import { outcomeOf, runLabel, type CreateContext, type CreateOutcome, type TicketCreationDeps } from './context.ts';
import { postTicket } from './post-ticket.ts';
import { loadRun, ticketInput, type LoadedRun } from './ticket-input.ts';

/**
 * "Create Autotask ticket" for one run. Exactly one ticket per run:
 *
 *  1. Guards: integration usable, run exists (role: the route).
 *  2. An existing row decides first: created → say so; pending and recent → being created;
 *     pending and old → settle it by reference (never post blindly); failed → retry on the row.
 *  3. The mapping allows tickets, and the customer's company is read again: a company deleted or
 *     made inactive since the last sync blocks the ticket at the last moment.
 *  4. Claim: insert the pending row (the unique run id picks one winner) or take a failed row back
 *     with a conditional update. Only the claimant posts.
 *  5. POST once with externalID = the row's reference, read back the number, mark created
 *     (`post-ticket.ts`). Rejected → failed with Autotask's words. No answer → stays pending until
 *     a lookup settles it.
 */

const RUN_NOT_FOUND = 'This run does not exist. It may have been removed, or the link is wrong.';

export async function createTicketForRun(
  deps: TicketCreationDeps,
  actor: Actor,
  runId: number,
  clock: () => Date = () => new Date(),
): Promise<CreateOutcome> {
  const settings = await getIntegrationSettings(deps.db);
  const blocked = integrationBlocker(settings);
  if (blocked) throw new RuleError(`No ticket was created. ${blocked.message}`, blocked.fixUrl);
  const run = await loadRun(deps.db, runId);
  if (!run) throw new NotFoundError(RUN_NOT_FOUND);
  const ctx: CreateContext = { deps, client: deps.autotask.client(settings), settings, actor, label: runLabel(run) };

  const earlier = await settleEarlierAttempt(ctx, runId, clock);
  if ('outcome' in earlier) return earlier.outcome;
  const companyId = await currentCompanyId(ctx, run);
  const reference = earlier.row?.reference ?? newReference(runId);
  const input = await prepareTicket(ctx, run, companyId, reference);
  const claimed = await claim(ctx, earlier.row, run, reference, clock());
  if (!claimed) return lostClaim(ctx, runId);
  return postTicket(ctx, claimed, { ...input, externalId: claimed.reference }, clock);
}

/**
 * The run's existing row decides first. Returns the outcome that ends the click, or the row a new
 * attempt reuses (a failed one, whose reference is free), or null when the run has no row yet.
 */
async function settleEarlierAttempt(
  ctx: CreateContext,
  runId: number,
  clock: () => Date,
): Promise<{ readonly outcome: CreateOutcome } | { readonly row: TicketRecord | null }> {
  const { db } = ctx.deps;
  const { label } = ctx;
  const existing = await findRunTicket(db, runId);
  if (existing?.state === 'created') return { outcome: { kind: 'exists', ticket: existing, label } };
  if (existing?.state !== 'pending') return { row: existing };
  if (!isSettleable(existing, clock(), ctx.deps.timeoutMs)) {
    return { outcome: { kind: 'in_progress', ticket: existing, label } };
  }
  // An attempt whose answer never came: look before posting again. Attaching needs no mapping
  // check, so this comes before the mapping guards.
  const settled = await reconcilePending({ db, client: ctx.client, picklists: ctx.settings.picklists }, existing, {
    actor: ctx.actor,
    via: 'click',
    absentIsFinal: true,
    label,
  });
  const row = await findRunTicket(db, runId);
  if (!row) throw new Error(`run ticket of run ${runId} disappeared`);
  if (settled.kind === 'attached') return { outcome: { kind: 'reconciled', ticket: row, label } };
  if (settled.kind === 'unreachable')
    return { outcome: { kind: 'unknown', ticket: row, label, problem: settled.problem } };
  const other = outcomeOf(row, label);
  if (other) return { outcome: other };
  // absent: the row is failed now and may be retried.
  return { row };
}

/**
 * The company the ticket goes to. The mapping must allow tickets, and the company is read again
 * right before creating: it may have been deleted or made inactive since the last sync. A failed
 * read changes no mapping status and creates nothing.
 */
async function currentCompanyId(ctx: CreateContext, run: LoadedRun): Promise<number> {
  const customer = run.job.customer;
  const unmapped = mappingBlocker(customer, customer.mapping);
  if (unmapped) throw new RuleError(`No ticket was created. ${unmapped.message}`, unmapped.fixUrl);
  const fresh = await refreshCustomerMapping({ db: ctx.deps.db, client: ctx.client }, customer.id, 'ticket').catch(
    rethrowAutotask("Backupchecks could not check the customer's Autotask company, so no ticket was created."),
  );
  const stillBlocked = mappingBlocker(customer, fresh);
  if (stillBlocked) throw new RuleError(`No ticket was created. ${stillBlocked.message}`, stillBlocked.fixUrl);
  return fresh!.companyId!;
}

/**
 * Everything the POST needs is prepared before the claim, so the claim's time stamp is the moment
 * the POST leaves (what `settleAfterMs` counts from). The zone is resolved now for the same
 * reason: normally from the cache, without a request.
 */
async function prepareTicket(
  ctx: CreateContext,
  run: LoadedRun,
  companyId: number,
  reference: string,
): Promise<Omit<NewTicket, 'externalId'>> {
  const input = await ticketInput(ctx.deps, ctx.settings, run, companyId, reference);
  await ctx.client.getZone().catch(rethrowAutotask('No ticket was created.'));
  return input;
}

/** A failed row is taken back for a retry; otherwise the pending row is inserted. Null: someone else won. */
function claim(
  ctx: CreateContext,
  row: TicketRecord | null,
  run: { readonly id: number; readonly jobId: number },
  reference: string,
  startedAt: Date,
): Promise<TicketRecord | null> {
  const { db } = ctx.deps;
  return row?.state === 'failed'
    ? claimRetry(db, row, ctx.actor.id, startedAt)
    : claimNew(db, run, reference, ctx.actor.id, startedAt);
}

/** Someone else got the row first (a double click, another tab or operator, another instance). */
async function lostClaim(ctx: CreateContext, runId: number): Promise<CreateOutcome> {
  const winner = await findRunTicket(ctx.deps.db, runId);
  if (!winner) throw new Error(`run ticket of run ${runId} not found after losing the claim`);
  // A failed winner means another click's attempt was refused a moment ago: show its reason.
  const problem = decodeProblem(winner.lastError) ?? { message: TICKET_NOT_CREATED };
  return outcomeOf(winner, ctx.label) ?? { kind: 'failed', ticket: winner, label: ctx.label, problem };
}
