import { AutotaskNotFoundError } from '../../../autotask/client.ts';
import type { Db, IntegrationSettings, TicketRecord } from '../../../db/database.ts';
import { noSuchRecord, rethrowAutotask } from '../../../errors/autotask-messages.ts';
import { NotFoundError, RuleError } from '../../../errors/catalogue.ts';
import { paths } from '../../../paths.ts';
import { audit, type Actor } from '../../accounts/audit.ts';
import { getIntegrationSettings, integrationBlocker } from '../../integration/settings.ts';
import { runLabel } from '../create/context.ts';
import { loadRun, type LoadedRun } from '../create/ticket-input.ts';
import { COMPLETE_STATUS } from '../resolve/rules.ts';
import { claimRunLink, ticketOfRun } from '../run-links.ts';
import { statusLabelFrom } from '../status-snapshots.ts';
import { isOpenTicket, ticketName } from './candidate.ts';
import { sendRunAddedNote, type CorrelationDeps, type NoteResult } from './send-run-added-note.ts';

/**
 * "Add to ticket T…": one ticket for a recurring problem. A run without a ticket is pointed at the
 * open ticket of its job and the ticket gets one internal note about the run:
 *
 *  1. Guards: integration usable and a note type set (so the note can follow the link), the run
 *     exists, the ticket record is of the run's own job, created and not Complete.
 *  2. The ticket is read live: one completed in Autotask since the page was drawn is refused.
 *     The run was read before that: when the read fails (a refusal, no answer in time) after
 *     another click linked the run meanwhile, this click is told what that one did, not "not added".
 *  3. The link is the claim: `UPDATE "Run" SET ticketRecordId … WHERE id = run AND ticketRecordId
 *     IS NULL`. Of many simultaneous clicks one changes the row; the others are told it is done.
 *  4. The winner alone writes the note (`send-run-added-note.ts`), keyed on run and ticket, so a
 *     retry after a lost answer or a failure ("Try again", `resendNote`) never writes a second one.
 *     A failed note leaves the run linked; its ticket cell says so and offers "Try again".
 */

export type { CorrelationDeps } from './send-run-added-note.ts';

export interface AddToTicketRequest {
  readonly ticketRecordId: number;
  /** "Try again" on a run already added: send only the note. */
  readonly resendNote: boolean;
}

export type AddToTicketOutcome =
  /** This click linked the run and tried the note. */
  | { readonly kind: 'added'; readonly label: string; readonly ticket: TicketRecord; readonly note: NoteResult }
  /** The run was linked already; only the note was sent (again). */
  | { readonly kind: 'note_sent'; readonly label: string; readonly ticket: TicketRecord; readonly note: NoteResult }
  /** Another click linked the run to this ticket first. */
  | { readonly kind: 'already_added'; readonly label: string; readonly ticket: TicketRecord }
  /** The run has another ticket (a run has one). */
  | { readonly kind: 'has_other_ticket'; readonly label: string; readonly ticket: TicketRecord };

const RUN_NOT_FOUND = 'This run does not exist. It may have been removed, or the link is wrong.';

/** One click's attempt, once the run and the ticket it names are loaded. */
interface AddContext {
  readonly deps: CorrelationDeps;
  readonly settings: IntegrationSettings;
  readonly actor: Actor;
  readonly run: LoadedRun;
  readonly ticket: TicketRecord;
  /** "run #12 of Acme / Nightly". */
  readonly label: string;
}

export async function addRunToTicket(
  deps: CorrelationDeps,
  actor: Actor,
  runId: number,
  request: AddToTicketRequest,
  clock: () => Date = () => new Date(),
): Promise<AddToTicketOutcome> {
  const settings = deps.settings ?? (await getIntegrationSettings(deps.db));
  const run = await loadRun(deps.db, runId);
  if (!run) throw new NotFoundError(RUN_NOT_FOUND);
  const label = runLabel(run);
  assertUsable(settings, label);
  const ticket = await ticketOfJob(deps.db, run, request.ticketRecordId, label);
  const ctx: AddContext = { deps, settings, actor, run, ticket, label };

  const linked = await answerForLinkedRun(ctx, request.resendNote);
  if (linked) return linked;
  assertOpen(ticket, label);
  try {
    await checkStillOpen(ctx, ticket, clock());
  } catch (e) {
    // The run was read before this check. When another click linked it meanwhile, that is the
    // answer: "not added" would be wrong about a run that is on the ticket.
    const meanwhile = await linkedMeanwhile(ctx);
    if (meanwhile) return meanwhile;
    throw e;
  }
  if (!(await claimRunLink(deps.db, run.id, ticket.id, actor, clock()))) return lostClaim(ctx);
  await audit(deps.db, actor, {
    action: 'ticket.run_added',
    summary: `Added ${label} to Autotask ticket ${ticketName(ticket)}`,
    targetType: 'run',
    targetId: run.id,
    details: { ticketRecordId: ticket.id, ticketId: ticket.ticketId, ticketNumber: ticket.ticketNumber },
  });
  return { kind: 'added', label, ticket, note: await sendNote(ctx) };
}

const sendNote = (ctx: AddContext) => sendRunAddedNote(ctx.deps, ctx.actor, ctx.run, ctx.ticket, ctx.settings);

function assertUsable(settings: IntegrationSettings, label: string): void {
  const blocked = integrationBlocker(settings);
  if (blocked) throw new RuleError(`${capital(label)} was not added to a ticket. ${blocked.message}`, blocked.fixUrl);
  if (settings.noteTypeId === null) {
    throw new RuleError(
      `${capital(label)} was not added to a ticket: no note type is set for the notes Backupchecks writes to Autotask ("Note type of the closing note" under Settings → Autotask).`,
      paths.settings.autotask,
    );
  }
}

/** The record the form names, if it serves the run's own job: never a ticket of another job or customer. */
async function ticketOfJob(db: Db, run: LoadedRun, recordId: number, label: string): Promise<TicketRecord> {
  const ticket = await db.ticket.findUnique({ where: { id: recordId } });
  if (!ticket || ticket.jobId !== run.jobId) {
    throw new RuleError(
      `That ticket does not follow up the runs of ${run.job.customer.name} / ${run.job.name}, so ${label} was not added to it.`,
    );
  }
  return ticket;
}

/**
 * A run that is linked already: to this ticket, a "Try again" sends only the note and any other
 * click is told it is done; to another ticket, nothing changes. Null for a run without a ticket.
 */
async function answerForLinkedRun(ctx: AddContext, resendNote: boolean): Promise<AddToTicketOutcome | null> {
  const { run, ticket, label } = ctx;
  if (run.ticketRecordId === null) return null;
  if (run.ticketRecordId !== ticket.id) {
    const other = await ctx.deps.db.ticket.findUniqueOrThrow({ where: { id: run.ticketRecordId } });
    return { kind: 'has_other_ticket', label, ticket: other };
  }
  if (!resendNote || ticket.originRunId === run.id) return { kind: 'already_added', label, ticket };
  return { kind: 'note_sent', label, ticket, note: await sendNote(ctx) };
}

function assertOpen(ticket: TicketRecord, label: string): asserts ticket is TicketRecord & { ticketId: number } {
  if (isOpenTicket(ticket)) return;
  throw new RuleError(
    ticket.statusId === COMPLETE_STATUS || ticket.resolvedAt !== null
      ? `Autotask ticket ${ticketName(ticket)} is Complete, so ${label} was not added to it. Create a new ticket for the run instead.`
      : `Autotask ticket ${ticketName(ticket)} has not been created (yet), so ${label} was not added to it.`,
  );
}

/**
 * The ticket as Autotask has it now: gone or Complete since the page was drawn → refused, nothing
 * linked. The status read is stored, so the page shows it too.
 */
async function checkStillOpen(ctx: AddContext, ticket: TicketRecord & { ticketId: number }, now: Date): Promise<void> {
  const { label, settings } = ctx;
  const name = ticketName(ticket);
  const live = await ctx.deps.autotask
    .client(settings)
    .getTicket(ticket.ticketId)
    .catch((e: unknown) => {
      if (e instanceof AutotaskNotFoundError) {
        throw new RuleError(`${noSuchRecord(`ticket ${name}`)} ${capital(label)} was not added to it.`);
      }
      return rethrowAutotask(`${capital(label)} was not added to ticket ${name}.`)(e);
    });
  await ctx.deps.db.ticket.updateMany({
    where: { id: ticket.id, ticketId: ticket.ticketId },
    data: {
      statusId: live.status,
      statusLabel: statusLabelFrom(settings.picklists, live.status),
      statusCheckedAt: now,
    },
  });
  if (live.status === COMPLETE_STATUS) {
    throw new RuleError(
      `Autotask ticket ${name} was completed in Autotask, so ${label} was not added to it. Create a new ticket for the run instead.`,
    );
  }
}

/** Another click (tab, operator, instance) linked the run first: its claim changed the row. */
async function lostClaim(ctx: AddContext): Promise<AddToTicketOutcome> {
  const answer = await linkedMeanwhile(ctx);
  if (!answer) throw new Error(`run ${ctx.run.id} has no ticket after losing the claim`);
  return answer;
}

/**
 * The run's link as it is now, for a click that read the run before another click linked it: to
 * this ticket, or another one. Null while the run has no ticket.
 */
async function linkedMeanwhile(ctx: AddContext): Promise<AddToTicketOutcome | null> {
  const { run, ticket, label } = ctx;
  const winner = await ticketOfRun(ctx.deps.db, run.id);
  if (!winner) return null;
  return winner.id === ticket.id
    ? { kind: 'already_added', label, ticket }
    : { kind: 'has_other_ticket', label, ticket: winner };
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
