import type { Db } from '../../../db/database.ts';
import { NotFoundError } from '../../../errors/catalogue.ts';
import type { PsaProfile } from '../../../psa/port.ts';
import type { Actor } from '../../accounts/audit.ts';
import { closeAndConfirm } from './close.ts';
import { ensureClosingNote } from './closing-note.ts';
import { auditScopeOf, type FlowState, type ResolutionDeps, type ResolveResult } from './flow.ts';
import { claimResolve, refuseInProgress, releaseResolve } from './lease.ts';
import { RUN_NOT_FOUND } from './messages.ts';
import { refuseWithoutVisibilityProof } from './proof.ts';
import { readTicketLive } from './read-live.ts';
import { findRunTicket } from '../run-ticket-claims.ts';
import { assertResolvingAllowed, createdTicketOf, ticketLabel, type CreatedTicket } from './rules.ts';
import { refuseIfTimeEntries, refuseIfTimeEntryAdded } from './time-entries.ts';

/**
 * Resolving a ticket of the active PSA from Backupchecks: only for a created ticket, only while it
 * has no time entries (billable or not), and always with the fixed internal note written first.
 * Every write to the PSA is sent at most once per ticket: the note id is stored the moment the PSA
 * gives it, a retry never writes a second note, and an unknown outcome (timeout) is settled by
 * reading before anything is written again. A ticket of a PSA that is no longer active is refused.
 *
 * The steps, each audited: guards → fresh proof that the API user sees every time entry
 * (none: refuse, write nothing; `proof.ts`) → lease (`lease.ts`) → read the ticket live (closed:
 * record it, write nothing; `read-live.ts`) → count time entries (any: refuse, write nothing;
 * `time-entries.ts`) → the internal note (adopted if an earlier attempt may have written it; id
 * stored at once; `closing-note.ts`) → count again → the closing status → read back and record
 * (`close.ts`). What pages show before a resolve is in `offer.ts` and `confirmation.ts`.
 */

/**
 * Resolves the ticket of a run. Throws RuleError/NotFoundError for the guards (and RuleError when
 * the PSA credentials are unusable); every PSA outcome comes back as a result.
 */
export async function resolveTicket(deps: ResolutionDeps, actor: Actor, runId: number): Promise<ResolveResult> {
  const { db, profile } = deps;
  const now = deps.now ?? (() => new Date());
  assertResolvingAllowed(profile);
  const ticket = await createdTicketOfRun(db, profile, runId);
  // Before the lease: a configuration problem must not leave a lease behind.
  const client = profile.client();
  const scope = auditScopeOf(runId, ticket);
  // Before the lease: without the proof nothing about this ticket is read or written.
  const unproven = await refuseWithoutVisibilityProof({ db, profile, actor, scope, ticket, now });
  if (unproven) return unproven;

  const startedAt = now();
  if (!(await claimResolve(db, ticket.id, startedAt))) return refuseInProgress(db, actor, scope, ticket);
  try {
    // Read again under the lease: an attempt that finished meanwhile may have stored its note.
    const claimed = createdTicketOf(await db.ticket.findUnique({ where: { id: ticket.id } }), profile);
    return await runSteps({
      db,
      client,
      profile,
      actor,
      now,
      ticket: claimed,
      label: ticketLabel(claimed),
      scope,
      writeRetry: deps.writeRetry,
    });
  } finally {
    await releaseResolve(db, ticket.id, startedAt);
  }
}

/**
 * NotFoundError for an unknown run, RuleError for a run without a created ticket of the active PSA.
 */
async function createdTicketOfRun(db: Db, profile: PsaProfile, runId: number): Promise<CreatedTicket> {
  const row = await findRunTicket(db, runId);
  if (!row && !(await db.run.findUnique({ where: { id: runId }, select: { id: true } }))) {
    throw new NotFoundError(RUN_NOT_FOUND);
  }
  return createdTicketOf(row, profile);
}

/** The resolve under the lease, step by step; the first step that ends it gives the result. */
async function runSteps(f: FlowState): Promise<ResolveResult> {
  const closedOrUnreadable = await readTicketLive(f);
  if (closedOrUnreadable) return closedOrUnreadable;
  const hasTimeEntries = await refuseIfTimeEntries(f);
  if (hasTimeEntries) return hasTimeEntries;
  const note = await ensureClosingNote(f);
  if ('stop' in note) return note.stop;
  const timeEntryAdded = await refuseIfTimeEntryAdded(f, note.noteId);
  if (timeEntryAdded) return timeEntryAdded;
  return closeAndConfirm(f, note.noteId);
}
