import type { TicketRecord } from '../../../db/database.ts';
import { ticketNotCreated, ticketUnconfirmed } from '../../../errors/psa-messages.ts';
import { explainTicketRefusal, refusesTicketCompany } from '../../../errors/ticket-refusals.ts';
import { AUTOTASK_COMPLETE_STATUS } from '../../../psa/autotask/adapter.ts';
import type { AutotaskProfile } from '../../../psa/autotask/profile.ts';
import { isOutcomeUnknown, PsaError, toPsaError } from '../../../psa/errors.ts';
import type { CreatedPsaTicket, NewRunTicket } from '../../../psa/port.ts';
import { audit } from '../../accounts/audit.ts';
import { reconcilePending } from '../reconcile.ts';
import { writeWithThreadRetry, type CheckResult, type ThreadLimitError } from '../retry-write.ts';
import {
  decodeProblem,
  findRunTicket,
  markCreated,
  markFailed,
  notePending,
  renewAttempt,
  type CreatedFields,
  type Problem,
} from '../run-ticket-claims.ts';
import { completeCreatedTicket } from './after-create.ts';
import { companyRefused } from './company-refusal.ts';
import { outcomeOf, type CreateContext, type CreateOutcome } from './context.ts';

/**
 * The POST of a claimed attempt, and what its answer means for the row: created → mark it created;
 * refused → failed with the PSA's words; no usable answer → stays pending until a lookup by
 * reference settles it. Refused by Autotask's thread threshold → looked up by reference at once:
 * found → attached; absent → sent again after a wait, at most three times (`retry-write.ts`).
 */
export async function postTicket(
  ctx: CreateContext,
  row: TicketRecord,
  input: NewRunTicket,
  clock: () => Date,
): Promise<CreateOutcome> {
  // The attempt as it stands in the row; a resend renews its start (`renewAttempt`).
  let attempt = row;
  const result = await writeWithThreadRetry<CreatedPsaTicket, CreateOutcome, CreateOutcome>(
    {
      // Only the POST: the number and status are read after the answer is sent (after-create.ts).
      write: () => ctx.client.createTicket(input, { readBack: false }),
      check: () => lookUpAfterThreshold(ctx, attempt),
      beforeResend: async () => {
        const renewed = await renewAttempt(ctx.deps.db, attempt, clock());
        if (!renewed) return { stop: await currentOutcome(ctx, row.originRunId) };
        attempt = renewed;
        return null;
      },
    },
    ctx.deps.writeRetry,
  );
  switch (result.kind) {
    case 'written':
      return recordCreated(ctx, attempt, result.value, clock(), result.retries);
    case 'happened':
    case 'stopped':
      return result.value;
    case 'unverified':
      return unverifiedThreshold(ctx, attempt, result.error);
    case 'exhausted':
      return refused(ctx, attempt, result.error);
    case 'failed': {
      const e = toPsaError(result.error);
      if (isOutcomeUnknown(e)) return unknownOutcome(ctx, attempt, e);
      if (e instanceof PsaError && refusesTicketCompany(e)) return companyRefused(ctx, attempt, e);
      if (e instanceof PsaError) return refused(ctx, attempt, e);
      // Anything else is our own bug; the row stays pending and is settled by reference later.
      throw e;
    }
  }
}

/**
 * "Did it happen?" after a thread-threshold refusal: the lookup by reference. Autotask answered,
 * so the POST cannot still be on its way, and none found means none was created.
 */
async function lookUpAfterThreshold(ctx: CreateContext, row: TicketRecord): Promise<CheckResult<CreateOutcome>> {
  const settled = await reconcilePending({ db: ctx.deps.db, client: ctx.client }, row, {
    actor: ctx.actor,
    via: 'after-threshold',
    // The row stays pending for the resend; nothing may mark it failed here.
    absentIsFinal: false,
    label: ctx.label,
  });
  if (settled.kind === 'not_yet' || settled.kind === 'absent') return { absent: true };
  if (settled.kind === 'unreachable') return { unknown: settled.problem };
  const stored = (await findRunTicket(ctx.deps.db, row.originRunId))!;
  if (settled.kind === 'attached') return { happened: { kind: 'reconciled', ticket: stored, label: ctx.label } };
  return { happened: await currentOutcome(ctx, row.originRunId) };
}

/** The row was settled by someone else: what it says now, without sending anything. */
async function currentOutcome(ctx: CreateContext, runId: number): Promise<CreateOutcome> {
  const stored = (await findRunTicket(ctx.deps.db, runId))!;
  const problem = decodeProblem(stored.lastError) ?? { message: ticketNotCreated(ctx.profile.psa) };
  return outcomeOf(stored, ctx.label) ?? { kind: 'failed', ticket: stored, label: ctx.label, problem };
}

/**
 * Refused by the thread threshold, and the lookup by reference failed: nothing more is sent. The
 * row stays pending (the lookup noted why) and is settled by reference like any unknown outcome.
 */
async function unverifiedThreshold(
  ctx: CreateContext,
  row: TicketRecord,
  limit: ThreadLimitError,
): Promise<CreateOutcome> {
  const { db } = ctx.deps;
  const e = asPsaError(limit);
  await audit(db, ctx.actor, {
    action: 'ticket.creation_unknown',
    summary: `Autotask refused the ticket for ${ctx.label} with its thread threshold and the lookup by reference failed; it will be looked up again`,
    targetType: 'run',
    targetId: row.originRunId,
    details: { reference: row.reference, message: e.detail ?? null, threadThreshold: true },
  });
  const stored = (await findRunTicket(db, row.originRunId))!;
  if (stored.state !== 'pending') return currentOutcome(ctx, row.originRunId);
  const problem = decodeProblem(stored.lastError) ?? { message: ticketUnconfirmed(e), detail: e.detail };
  return { kind: 'unknown', ticket: stored, label: ctx.label, problem };
}

/**
 * A definite refusal (validation, credentials, permission, rate limit, or a failed read before
 * anything was sent): the PSA holds no ticket from this attempt, so the row may be retried.
 */
async function refused(
  ctx: CreateContext,
  row: TicketRecord,
  refusal: PsaError | ThreadLimitError,
): Promise<CreateOutcome> {
  const { db } = ctx.deps;
  const e = asPsaError(refusal);
  const problem: Problem = { message: explainTicketRefusal(e), detail: e.detail };
  await markFailed(db, row, problem);
  await audit(db, ctx.actor, {
    action: 'ticket.creation_failed',
    summary: `${e.psaName} refused the ticket for ${ctx.label}: ${e.detail ?? e.message}`,
    targetType: 'run',
    targetId: row.originRunId,
    details: { reference: row.reference, kind: e.kind, status: e.status, message: e.detail ?? e.message },
  });
  return { kind: 'failed', ticket: (await findRunTicket(db, row.originRunId))!, label: ctx.label, problem };
}

/**
 * The PSA answered with the new ticket's id: the row becomes created with that id and the link
 * built from it. What the answer did not carry (Autotask's number and status) is read after the
 * answer is sent (`after-create.ts`).
 */
async function recordCreated(
  ctx: CreateContext,
  row: TicketRecord,
  created: CreatedPsaTicket,
  now: Date,
  /** Sends refused by the thread threshold before this one. */
  resends: number,
): Promise<CreateOutcome> {
  const { db } = ctx.deps;
  const fields = await createdFields(ctx, created, now);
  const marked = await markCreated(db, row, fields);
  if (!marked) {
    // Settled by someone else meanwhile, which can only be a lookup that found this very ticket.
    const stored = (await findRunTicket(db, row.originRunId))!;
    return outcomeOf(stored, ctx.label) ?? { kind: 'exists', ticket: stored, label: ctx.label };
  }
  ctx.deps.afterResponse(() => completeCreatedTicket({ db, client: ctx.client }, marked, ctx.run));
  await audit(db, ctx.actor, {
    action: 'ticket.created',
    // The number may not be known yet (Autotask): it is read back after the answer is sent.
    summary: `Created ${ctx.profile.name} ticket ID ${created.id} for ${ctx.label}`,
    targetType: 'run',
    targetId: row.originRunId,
    details: {
      ticketId: created.id,
      reference: row.reference,
      ...(resends > 0 ? { threadThresholdResends: resends } : {}),
    },
  });
  return { kind: 'created', ticket: marked, label: ctx.label };
}

/**
 * The row's fields from the create's answer: the id is enough to never lose the ticket. A PSA that
 * answers with the ticket (ConnectWise) gives its number and status at once; otherwise (Autotask)
 * the status is the one the settings give new tickets, and the number and status are read after
 * the answer is sent, or else on the next view. The link needs no request: the POST has just
 * resolved Autotask's zone, whose web address it is built from.
 */
async function createdFields(ctx: CreateContext, created: CreatedPsaTicket, now: Date): Promise<CreatedFields> {
  const url = await ctx.client.ticketUrl(created.id).catch(() => null);
  const ticket = created.ticket;
  if (ticket) {
    return {
      ticketId: created.id,
      ticketNumber: ticket.number,
      url,
      statusId: ticket.statusId,
      statusLabel: ticket.statusLabel,
      statusClosed: ticket.closed,
      statusCheckedAt: now,
      createdAt: now,
    };
  }
  const statusId = newTicketStatus(ctx);
  return {
    ticketId: created.id,
    ticketNumber: null,
    url,
    statusId,
    statusLabel: statusId === null ? null : ctx.profile.statusLabel(statusId),
    statusClosed: ctx.profile.psa === 'autotask' && statusId === AUTOTASK_COMPLETE_STATUS,
    statusCheckedAt: null,
    createdAt: now,
  };
}

/** The status a new ticket was given, when the answer did not say: Autotask's setting for new tickets. */
function newTicketStatus(ctx: CreateContext): number | null {
  return ctx.profile.psa === 'autotask' ? (ctx.profile as AutotaskProfile).row.newStatusId : null;
}

/**
 * The POST may or may not have created the ticket. Nothing is sent again: one lookup by reference
 * right away settles the common case (the answer was lost after the PSA created it); otherwise
 * the row stays pending and is settled once the attempt is old enough (next view or click).
 */
async function unknownOutcome(ctx: CreateContext, row: TicketRecord, e: PsaError): Promise<CreateOutcome> {
  const { db } = ctx.deps;
  // The PSA said nothing here (no answer, or one we could not read): the sentence is ours.
  const problem: Problem = { message: ticketUnconfirmed(e), detail: e.detail };
  await notePending(db, row, problem);
  await audit(db, ctx.actor, {
    action: 'ticket.creation_unknown',
    summary: `${e.psaName} did not confirm the ticket for ${ctx.label} (${e.message}); it will be looked up by reference`,
    targetType: 'run',
    targetId: row.originRunId,
    details: { reference: row.reference, message: e.detail ?? e.message },
  });
  const settled = await reconcilePending({ db, client: ctx.client }, row, {
    actor: ctx.actor,
    via: 'after-unknown',
    // The POST may still be on its way into the PSA: "none yet" proves nothing.
    absentIsFinal: false,
    label: ctx.label,
  });
  const stored = (await findRunTicket(db, row.originRunId))!;
  if (settled.kind === 'attached') return { kind: 'reconciled', ticket: stored, label: ctx.label };
  if (stored.state === 'created') return { kind: 'exists', ticket: stored, label: ctx.label };
  return { kind: 'unknown', ticket: stored, label: ctx.label, problem: decodeProblem(stored.lastError) ?? problem };
}

/** A thread-limit refusal in the port's terms, whichever way the write threw it. */
function asPsaError(e: ThreadLimitError): PsaError {
  return toPsaError(e) as PsaError;
}
