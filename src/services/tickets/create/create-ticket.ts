import type { TicketRecord } from '../../../db/database.ts';
import { NotFoundError, RuleError } from '../../../errors/catalogue.ts';
import { rethrowPsa, ticketNotCreated } from '../../../errors/psa-messages.ts';
import type { NewRunTicket, PsaProfile } from '../../../psa/port.ts';
import type { Actor } from '../../accounts/audit.ts';
import { mappingBlocker } from '../../mapping/ticket-blockers.ts';
import { reconcilePending } from '../reconcile.ts';
import { isOfProfile, psaNameOfTicket } from '../ticket-psa.ts';
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
import { loadRun, runTicketInput, type LoadedRun } from './ticket-input.ts';

/**
 * "Create ticket" for one run, in the active PSA. Exactly one ticket per run, and one PSA request
 * on the click's path (the create itself):
 *
 *  1. Guards: integration usable (the profile is read once per request), run exists (role: the route).
 *     The run comes with its job, customer, mapping and ticket in one statement.
 *  2. An existing row decides first: created → say so; pending and recent → being created;
 *     pending and old → settle it by reference (never post blindly); failed → retry on the row.
 *  3. The stored mapping allows tickets. The company is not read again here: the PSA itself
 *     refuses a deleted or inactive company, and that refusal is what checks the mapping
 *     (`company-refusal.ts`).
 *  4. Claim: insert the pending row (the unique run id picks one winner) or take a failed row back
 *     with a conditional update. Only the claimant posts.
 *  5. POST once with the row's reference (Autotask's externalID, ConnectWise's reference field) and
 *     mark the row created with the ticket id (`post-ticket.ts`). Rejected → failed with the PSA's
 *     words. No answer → stays pending until a lookup settles it. What the answer did not carry
 *     (Autotask's number and status) is read after the answer is sent (`after-create.ts`); until
 *     then the run links to the ticket by its id.
 */

const RUN_NOT_FOUND = 'This run does not exist. It may have been removed, or the link is wrong.';

export async function createTicketForRun(
  deps: TicketCreationDeps,
  actor: Actor,
  runId: number,
  clock: () => Date = () => new Date(),
): Promise<CreateOutcome> {
  const { profile } = deps;
  const blocked = profile.blocker;
  if (blocked) throw new RuleError(`No ticket was created. ${blocked.message}`, blocked.fixUrl);
  const run = await loadRun(deps.db, runId);
  if (!run) throw new NotFoundError(RUN_NOT_FOUND);
  const ctx: CreateContext = { deps, profile, client: profile.client(), actor, label: runLabel(run), run };

  const earlier = await settleEarlierAttempt(ctx, clock);
  if ('outcome' in earlier) return earlier.outcome;
  const companyId = mappedCompanyId(run, profile);
  const reference = earlier.row?.reference ?? newReference(runId);
  const input = await prepareTicket(ctx, companyId, reference);
  const claimed = await claim(ctx, earlier.row, run, reference, clock());
  if (!claimed) return lostClaim(ctx, runId);
  return postTicket(ctx, claimed, { ...input, reference: claimed.reference }, clock);
}

/**
 * The run's existing row (loaded with the run) decides first. Returns the outcome that ends the
 * click, or the row a new attempt reuses (a failed one, whose reference is free), or null when the
 * run has no row yet.
 */
async function settleEarlierAttempt(
  ctx: CreateContext,
  clock: () => Date,
): Promise<{ readonly outcome: CreateOutcome } | { readonly row: TicketRecord | null }> {
  const { db } = ctx.deps;
  const { label, run } = ctx;
  const existing = run.ticket;
  if (existing?.state === 'created') return { outcome: { kind: 'exists', ticket: existing, label } };
  if (existing?.state !== 'pending') return { row: existing };
  // Sent to the PSA that was active before a switch: only that PSA can say whether it exists.
  if (!isOfProfile(existing, ctx.profile)) throw new RuleError(otherPsaAttempt(existing));
  if (!isSettleable(existing, clock(), ctx.deps.timeoutMs)) {
    return { outcome: { kind: 'in_progress', ticket: existing, label } };
  }
  // An attempt whose answer never came: look before posting again. Attaching needs no mapping
  // check, so this comes before the mapping guards.
  const settled = await reconcilePending({ db, client: ctx.client }, existing, {
    actor: ctx.actor,
    via: 'click',
    absentIsFinal: true,
    label,
  });
  const row = await findRunTicket(db, run.id);
  if (!row) throw new Error(`run ticket of run ${run.id} disappeared`);
  if (settled.kind === 'attached') return { outcome: { kind: 'reconciled', ticket: row, label } };
  if (settled.kind === 'unreachable')
    return { outcome: { kind: 'unknown', ticket: row, label, problem: settled.problem } };
  const other = outcomeOf(row, label);
  if (other) return { outcome: other };
  // absent: the row is failed now and may be retried.
  return { row };
}

/** A pending attempt of a PSA that is no longer the active one: nothing is looked up or sent. */
const otherPsaAttempt = (row: TicketRecord): string =>
  `No ticket was created. An earlier attempt sent this run's ticket to ${psaNameOfTicket(row)}, which is no longer the active PSA, and its outcome is not known: look for reference ${row.reference} in ${psaNameOfTicket(row)}.`;

/**
 * The company the ticket goes to, from the stored mapping, which must allow tickets. It is not
 * read from the PSA again: a company deleted or made inactive since the last sync is refused by
 * the PSA itself, and that refusal checks the mapping (`company-refusal.ts`).
 */
function mappedCompanyId(run: LoadedRun, profile: PsaProfile): number {
  const customer = run.job.customer;
  // Only the active PSA's mappings are kept in CompanyMapping (src/psa/switch.ts); checked anyway,
  // since a company id means nothing in another PSA.
  const mapping = customer.mapping?.psaType === profile.psa ? customer.mapping : null;
  const unmapped = mappingBlocker(customer, mapping, profile.psa);
  if (unmapped) throw new RuleError(`No ticket was created. ${unmapped.message}`, unmapped.fixUrl);
  return mapping!.companyId!;
}

/**
 * Everything the POST needs is prepared before the claim, so the claim's time stamp is the moment
 * the POST leaves (what `settleAfterMs` counts from). The client's own preparation (Autotask's
 * zone) is done now for the same reason: normally from the settings row already read, without a
 * request or a query. The run link's base URL comes with the deps, from the row the request read.
 */
async function prepareTicket(ctx: CreateContext, companyId: number, reference: string): Promise<NewRunTicket> {
  const input = runTicketInput(ctx.deps, ctx.deps.settingsBaseUrl, ctx.run, companyId, reference);
  await ctx.client.prepare().catch(rethrowPsa('No ticket was created.'));
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
  const by = { createdById: ctx.actor.id, psaType: ctx.profile.psa };
  return row?.state === 'failed' ? claimRetry(db, row, by, startedAt) : claimNew(db, run, reference, by, startedAt);
}

/** Someone else got the row first (a double click, another tab or operator, another instance). */
async function lostClaim(ctx: CreateContext, runId: number): Promise<CreateOutcome> {
  const winner = await findRunTicket(ctx.deps.db, runId);
  if (!winner) throw new Error(`run ticket of run ${runId} not found after losing the claim`);
  // A failed winner means another click's attempt was refused a moment ago: show its reason.
  const problem = decodeProblem(winner.lastError) ?? { message: ticketNotCreated(ctx.profile.psa) };
  return outcomeOf(winner, ctx.label) ?? { kind: 'failed', ticket: winner, label: ctx.label, problem };
}
