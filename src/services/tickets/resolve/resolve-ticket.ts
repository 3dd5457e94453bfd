import type { Db } from '../../../db/database.ts';
import { NotFoundError } from '../../../errors/catalogue.ts';
import type { Actor } from '../../accounts/audit.ts';
import { getIntegrationSettings } from '../../integration/settings.ts';
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
 * Resolving an Autotask ticket from Backupchecks: only for a created ticket, only while it has no
 * time entries, and always with the fixed internal note written first. Every write to Autotask is
 * sent at most once per ticket: the note id is stored the moment Autotask gives it, a retry never
 * writes a second note, and an unknown outcome (timeout) is settled by reading before anything is
 * written again.
 *
 * The steps, each audited: guards → fresh proof that the API user sees non-billable time entries
 * (none: refuse, write nothing; `proof.ts`) → lease (`lease.ts`) → read the ticket live (complete: record it,
 * write nothing; `read-live.ts`) → count time entries (any: refuse, write nothing;
 * `time-entries.ts`) → the internal note (adopted if an earlier attempt may have written it; id
 * stored at once; `closing-note.ts`) → count again → status Complete → read back and record
 * (`close.ts`). What pages show before a resolve is in `offer.ts` and `confirmation.ts`.
 */

/**
 * Resolves the ticket of a run. Throws RuleError/NotFoundError for the guards (and RuleError when
 * the Autotask credentials are unusable); every Autotask outcome comes back as a result.
 */
export async function resolveTicket(deps: ResolutionDeps, actor: Actor, runId: number): Promise<ResolveResult> {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const settings = await getIntegrationSettings(db);
  assertResolvingAllowed(settings);
  const ticket = await createdTicketOfRun(db, runId);
  // Before the lease: a configuration problem must not leave a lease behind.
  const client = deps.autotask.client(settings);
  const scope = auditScopeOf(runId, ticket);
  // Before the lease: without the proof nothing about this ticket is read or written.
  const unproven = await refuseWithoutVisibilityProof({ db, settings, client, actor, scope, ticket, now });
  if (unproven) return unproven;

  const startedAt = now();
  if (!(await claimResolve(db, ticket.id, startedAt))) return refuseInProgress(db, actor, scope, ticket);
  try {
    // Read again under the lease: an attempt that finished meanwhile may have stored its note.
    const claimed = createdTicketOf(await db.ticket.findUnique({ where: { id: ticket.id } }));
    return await runSteps({
      db,
      client,
      settings,
      actor,
      now,
      ticket: claimed,
      label: ticketLabel(claimed),
      scope,
      writeRetry: deps.autotask.writeRetry,
    });
  } finally {
    await releaseResolve(db, ticket.id, startedAt);
  }
}

/** NotFoundError for an unknown run, RuleError for a run without a created ticket. */
async function createdTicketOfRun(db: Db, runId: number): Promise<CreatedTicket> {
  const row = await findRunTicket(db, runId);
  if (!row && !(await db.run.findUnique({ where: { id: runId }, select: { id: true } }))) {
    throw new NotFoundError(RUN_NOT_FOUND);
  }
  return createdTicketOf(row);
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
