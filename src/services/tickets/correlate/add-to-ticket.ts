import type { Db, TicketRecord } from '../../../db/database.ts';
import { NotFoundError, RuleError } from '../../../errors/catalogue.ts';
import { noSuchRecord, rethrowPsa } from '../../../errors/psa-messages.ts';
import { PsaError } from '../../../psa/errors.ts';
import type { PsaProfile } from '../../../psa/port.ts';
import { audit, type Actor } from '../../accounts/audit.ts';
import { runLabel } from '../create/context.ts';
import { loadRun, type LoadedRun } from '../create/ticket-input.ts';
import { claimRunLink, ticketOfRun } from '../run-links.ts';
import { CLOSED_WORDS, isOfProfile, otherPsaSentence, psaNameOfTicket, psaOfTicket } from '../ticket-psa.ts';
import { isOpenTicket, ticketName } from './candidate.ts';
import { sendRunAddedNote, type CorrelationDeps, type NoteResult } from './send-run-added-note.ts';

/**
 * "Add to ticket T…": one ticket for a recurring problem. A run without a ticket is pointed at the
 * open ticket of its job and the ticket gets one internal note about the run:
 *
 *  1. Guards: integration usable and notes possible (Autotask: a note type set, so the note can
 *     follow the link), the run exists, the ticket record is of the run's own job and of the active
 *     PSA, created and not closed.
 *  2. The ticket is read live: one closed in the PSA since the page was drawn is refused.
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
  readonly profile: PsaProfile;
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
  const { profile } = deps;
  const run = await loadRun(deps.db, runId);
  if (!run) throw new NotFoundError(RUN_NOT_FOUND);
  const label = runLabel(run);
  assertUsable(profile, label);
  const ticket = await ticketOfJob(deps.db, run, request.ticketRecordId, label);
  const ctx: AddContext = { deps, profile, actor, run, ticket, label };

  const linked = await answerForLinkedRun(ctx, request.resendNote);
  if (linked) return linked;
  assertActivePsa(ctx);
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
    summary: `Added ${label} to ${psaNameOfTicket(ticket)} ticket ${ticketName(ticket)}`,
    targetType: 'run',
    targetId: run.id,
    details: { ticketRecordId: ticket.id, ticketId: ticket.ticketId, ticketNumber: ticket.ticketNumber },
  });
  return { kind: 'added', label, ticket, note: await sendNote(ctx) };
}

/** The "run added" note; a ticket of another PSA gets none (the writer refuses it, and the run stays linked). */
const sendNote = (ctx: AddContext) => sendRunAddedNote(ctx.deps, ctx.actor, ctx.run, ctx.ticket);

function assertUsable(profile: PsaProfile, label: string): void {
  const blocked = profile.blocker;
  if (blocked) throw new RuleError(`${capital(label)} was not added to a ticket. ${blocked.message}`, blocked.fixUrl);
  if (profile.noteBlocker === null) return;
  throw new RuleError(
    profile.psa === 'autotask'
      ? `${capital(label)} was not added to a ticket: no note type is set for the notes Backupchecks writes to Autotask ("Note type of the closing note" under Settings → Autotask).`
      : `${capital(label)} was not added to a ticket: ${profile.noteBlocker}`,
    profile.settingsUrl,
  );
}

/** Nothing is sent about a ticket of a PSA that is no longer active, so no run is added to it. */
function assertActivePsa({ profile, ticket, label }: AddContext): void {
  if (isOfProfile(ticket, profile)) return;
  throw new RuleError(`${capital(label)} was not added to ticket ${ticketName(ticket)}. ${otherPsaSentence(ticket)}`);
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
  assertActivePsa(ctx);
  return { kind: 'note_sent', label, ticket, note: await sendNote(ctx) };
}

function assertOpen(ticket: TicketRecord, label: string): asserts ticket is TicketRecord & { ticketId: number } {
  if (isOpenTicket(ticket)) return;
  const psa = psaNameOfTicket(ticket);
  throw new RuleError(
    ticket.statusClosed || ticket.resolvedAt !== null
      ? `${psa} ticket ${ticketName(ticket)} is ${closedWords(ticket).state}, so ${label} was not added to it. Create a new ticket for the run instead.`
      : `${psa} ticket ${ticketName(ticket)} has not been created (yet), so ${label} was not added to it.`,
  );
}

const closedWords = (ticket: TicketRecord) => CLOSED_WORDS[psaOfTicket(ticket)];

/**
 * The ticket as the PSA has it now: gone or closed since the page was drawn → refused, nothing
 * linked. The status read is stored, so the page shows it too.
 */
async function checkStillOpen(ctx: AddContext, ticket: TicketRecord & { ticketId: number }, now: Date): Promise<void> {
  const { label, profile } = ctx;
  const name = ticketName(ticket);
  const live = await profile
    .client()
    .getTicket(ticket.ticketId)
    .catch((e: unknown) => {
      if (e instanceof PsaError && e.kind === 'not_found') {
        throw new RuleError(`${noSuchRecord(profile.psa, `ticket ${name}`)} ${capital(label)} was not added to it.`);
      }
      return rethrowPsa(`${capital(label)} was not added to ticket ${name}.`)(e);
    });
  await ctx.deps.db.ticket.updateMany({
    where: { id: ticket.id, psaType: profile.psa, ticketId: ticket.ticketId },
    data: {
      statusId: live.statusId,
      statusLabel: live.statusLabel,
      statusClosed: live.closed,
      statusCheckedAt: now,
    },
  });
  if (live.closed) {
    throw new RuleError(
      `${profile.name} ticket ${name} was ${CLOSED_WORDS[profile.psa].verb} in ${profile.name}, so ${label} was not added to it. Create a new ticket for the run instead.`,
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
