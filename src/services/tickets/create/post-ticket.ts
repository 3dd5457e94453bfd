import { AutotaskError, isOutcomeUnknown, type CreatedTicket, type NewTicket } from '../../../autotask/client.ts';
import type { RunTicket } from '../../../db/database.ts';
import { explainAutotaskError, TICKET_NOT_CREATED, TICKET_UNCONFIRMED } from '../../../errors/autotask-messages.ts';
import { audit } from '../../accounts/audit.ts';
import { reconcilePending } from '../reconcile.ts';
import {
  createdFieldsFrom,
  decodeProblem,
  findRunTicket,
  markCreated,
  markFailed,
  notePending,
  type CreatedFields,
  type Problem,
} from '../run-ticket-claims.ts';
import { statusLabelFrom } from '../status-snapshots.ts';
import { outcomeOf, type CreateContext, type CreateOutcome } from './context.ts';

/**
 * The one POST of a claimed attempt, and what its answer means for the row: created → mark it
 * created; refused → failed with Autotask's words; no usable answer → stays pending until a lookup
 * by reference settles it.
 */
export async function postTicket(
  ctx: CreateContext,
  row: RunTicket,
  input: NewTicket,
  clock: () => Date,
): Promise<CreateOutcome> {
  let created: CreatedTicket;
  try {
    created = await ctx.client.createTicket(input);
  } catch (e) {
    if (isOutcomeUnknown(e)) return unknownOutcome(ctx, row, e);
    if (e instanceof AutotaskError) return refused(ctx, row, e);
    // Anything else is our own bug; the row stays pending and is settled by reference later.
    throw e;
  }
  return recordCreated(ctx, row, input, created, clock());
}

/**
 * A definite refusal (validation, credentials, permission, rate limit, or a failed read before
 * anything was sent): Autotask holds no ticket from this attempt, so the row may be retried.
 */
async function refused(ctx: CreateContext, row: RunTicket, e: AutotaskError): Promise<CreateOutcome> {
  const { db } = ctx.deps;
  const problem: Problem = { message: explainAutotaskError(e, TICKET_NOT_CREATED).message, detail: e.detail };
  await markFailed(db, row, problem);
  await audit(db, ctx.actor, {
    action: 'ticket.creation_failed',
    summary: `Autotask refused the ticket for ${ctx.label}: ${e.detail ?? e.message}`,
    targetType: 'run',
    targetId: row.runId,
    details: { reference: row.reference, kind: e.kind, status: e.status, message: e.detail ?? e.message },
  });
  return { kind: 'failed', ticket: (await findRunTicket(db, row.runId))!, label: ctx.label, problem };
}

async function recordCreated(
  ctx: CreateContext,
  row: RunTicket,
  input: NewTicket,
  created: CreatedTicket,
  now: Date,
): Promise<CreateOutcome> {
  const { db } = ctx.deps;
  const fields = await createdFields(ctx, input, created, now);
  const marked = await markCreated(db, row, fields);
  const stored = (await findRunTicket(db, row.runId))!;
  if (!marked) {
    // Settled by someone else meanwhile, which can only be a lookup that found this very ticket.
    return outcomeOf(stored, ctx.label) ?? { kind: 'exists', ticket: stored, label: ctx.label };
  }
  const number = fields.ticketNumber ?? `ID ${created.id}`;
  await audit(db, ctx.actor, {
    action: 'ticket.created',
    summary: `Created Autotask ticket ${number} for ${ctx.label}`,
    targetType: 'run',
    targetId: row.runId,
    details: {
      ticketId: created.id,
      ticketNumber: fields.ticketNumber,
      reference: row.reference,
      ...(created.readBackError ? { readBackError: created.readBackError.message } : {}),
    },
  });
  return { kind: 'created', ticket: stored, label: ctx.label };
}

/** The row's fields from the ticket as read back, or from what was sent when the read-back failed. */
async function createdFields(
  ctx: CreateContext,
  input: NewTicket,
  created: CreatedTicket,
  now: Date,
): Promise<CreatedFields> {
  const { picklists } = ctx.settings;
  const url = await ctx.client.ticketUrl(created.id).catch(() => null);
  if (created.ticket) {
    return createdFieldsFrom(created.ticket, url, statusLabelFrom(picklists, created.ticket.status), now);
  }
  // Created, but the read-back failed: the id is enough to never lose it; the number and status
  // are read on the next view.
  return {
    ticketId: created.id,
    ticketNumber: null,
    url,
    statusId: input.status,
    statusLabel: statusLabelFrom(picklists, input.status),
    statusCheckedAt: null,
    createdAt: now,
  };
}

/**
 * The POST may or may not have created the ticket. Nothing is sent again: one lookup by reference
 * right away settles the common case (the answer was lost after Autotask created it); otherwise
 * the row stays pending and is settled once the attempt is old enough (next view or click).
 */
async function unknownOutcome(ctx: CreateContext, row: RunTicket, e: AutotaskError): Promise<CreateOutcome> {
  const { db } = ctx.deps;
  const problem: Problem = { message: TICKET_UNCONFIRMED, detail: e.detail ?? e.message };
  await notePending(db, row, problem);
  await audit(db, ctx.actor, {
    action: 'ticket.creation_unknown',
    summary: `Autotask did not confirm the ticket for ${ctx.label} (${e.message}); it will be looked up by reference`,
    targetType: 'run',
    targetId: row.runId,
    details: { reference: row.reference, message: e.detail ?? e.message },
  });
  const settled = await reconcilePending({ db, client: ctx.client, picklists: ctx.settings.picklists }, row, {
    actor: ctx.actor,
    via: 'after-unknown',
    // The POST may still be on its way into Autotask: "none yet" proves nothing.
    absentIsFinal: false,
    label: ctx.label,
  });
  const stored = (await findRunTicket(db, row.runId))!;
  if (settled.kind === 'attached') return { kind: 'reconciled', ticket: stored, label: ctx.label };
  if (stored.state === 'created') return { kind: 'exists', ticket: stored, label: ctx.label };
  return { kind: 'unknown', ticket: stored, label: ctx.label, problem: decodeProblem(stored.lastError) ?? problem };
}
