import type { AutotaskClient } from '../../autotask/client.ts';
import { AutotaskError, AutotaskNotFoundError, isOutcomeUnknown } from '../../autotask/errors.ts';
import type { Ticket, TicketNote } from '../../autotask/types.ts';
import type { Db, IntegrationSettings, Role, RunTicket } from '../../db/database.ts';
import { NotFoundError, RuleError } from '../../errors/catalogue.ts';
import { audit, type Actor } from '../accounts/audit.ts';
import type { AutotaskAccess } from '../integration/autotask-access.ts';
import { explainAutotaskError } from '../../errors/autotask-messages.ts';
import { CLOSING_NOTE_TEXT, getIntegrationSettings } from '../integration/settings.ts';
import { statusLabelFrom } from './status-snapshots.ts';
import { countFailureReason, countTimeEntriesLive, timeEntryCounts, type GateOptions } from './time-entry-gate.ts';

/**
 * Resolving an Autotask ticket from Backupchecks (seed §6, DESIGN "Resolve ticket"): only for a
 * created ticket, only while it has no time entries, and always with the fixed internal note
 * written first. Every write to Autotask is sent at most once per ticket: the note id is stored the
 * moment Autotask gives it, a retry never writes a second note, and an unknown outcome (timeout)
 * is settled by reading before anything is written again.
 */

export interface ResolutionDeps {
  readonly db: Db;
  readonly autotask: AutotaskAccess;
  readonly now?: () => Date;
}

/** Autotask's system status "Complete" (fact sheet §5): the same id in every tenant. */
export const COMPLETE_STATUS = 5;
/** `publish` = 2: visible to Autotask users only, never to the customer (fact sheet §4). */
export const INTERNAL_PUBLISH = 2;
export const CLOSING_NOTE_TITLE = 'Resolved via Backupchecks';
/**
 * A resolve claims its ticket for this long. It is far longer than the flow can take (a handful of
 * calls, each bounded by the client timeout), so it only ends on its own when a process died
 * mid-resolve; normally the flow releases it when it finishes.
 */
export const RESOLVE_LEASE_MS = 5 * 60_000;

export const IN_PROGRESS_MESSAGE = 'Resolve is already in progress for this ticket.';

const settingsUrl = '/settings/autotask';

export const timeEntriesMessage = (count: number): string =>
  `This ticket has ${count} time ${count === 1 ? 'entry' : 'entries'} in Autotask. Resolve it in Autotask.`;

export const countFailedMessage = (reason: string): string => `Could not check time entries in Autotask: ${reason}`;

/** Resolving is possible at all: the integration is on and Settings allow resolving. */
function resolveBlocker(s: IntegrationSettings): string | null {
  if (!s.enabled) return 'The Autotask integration is switched off.';
  if (!s.allowResolve) return 'Resolving tickets from Backupchecks is switched off in the Autotask settings.';
  return null;
}

const canResolve = (role: Role | undefined): boolean => role === 'admin' || role === 'operator';

/** The label of a status, from the picklists cached with the settings (Complete is known without them). */
export function statusLabelOf(settings: Pick<IntegrationSettings, 'picklists'>, statusId: number): string {
  return (
    statusLabelFrom(settings.picklists, statusId) ?? (statusId === COMPLETE_STATUS ? 'Complete' : `status ${statusId}`)
  );
}

// ---------------------------------------------------------------------------------------------
// What pages show: the action per run, offered only after a successful count.

export type ResolvableTicket = Pick<
  RunTicket,
  'id' | 'runId' | 'state' | 'ticketId' | 'statusId' | 'timeEntryCount' | 'timeEntriesCheckedAt' | 'resolveStartedAt'
>;

export interface ResolveAction {
  /** "Resolve ticket" may be clicked. */
  readonly offered: boolean;
  /** Shown next to the disabled action; null when offered. */
  readonly disabledReason: string | null;
  /** Time entries on the ticket, when counted. */
  readonly count: number | null;
}

const leaseActive = (t: Pick<RunTicket, 'resolveStartedAt'>, now: Date): boolean =>
  t.resolveStartedAt !== null && now.getTime() - t.resolveStartedAt.getTime() < RESOLVE_LEASE_MS;

/**
 * The resolve action for each shown run (keyed by run id) whose ticket is created and not
 * complete. Empty when the user may not resolve or resolving is off: the action is then absent.
 * Counts come from the 60-second cache or are refreshed with bounded concurrency and time
 * (`time-entry-gate.ts`), so a page of many tickets costs a few Autotask calls, once a minute.
 */
const NO_NOTE_TYPE_SHORT =
  'No note type for the closing note is set in the Autotask settings; an admin can set it under Settings → Autotask.';

export async function resolveStateFor(
  deps: ResolutionDeps,
  role: Role | undefined,
  tickets: readonly (ResolvableTicket | null | undefined)[],
  options: GateOptions = {},
): Promise<Map<number, ResolveAction>> {
  const out = new Map<number, ResolveAction>();
  if (!canResolve(role)) return out;
  const candidates = tickets.filter(
    (t): t is ResolvableTicket & { ticketId: number } =>
      Boolean(t) && t!.state === 'created' && t!.ticketId !== null && t!.statusId !== COMPLETE_STATUS,
  );
  if (candidates.length === 0) return out;
  const settings = await getIntegrationSettings(deps.db);
  if (resolveBlocker(settings)) return out;
  if (settings.noteTypeId === null) {
    // Offering the action would only lead to a refusal after the confirmation step.
    for (const t of candidates) out.set(t.runId, { offered: false, disabledReason: NO_NOTE_TYPE_SHORT, count: null });
    return out;
  }

  const now = deps.now ?? (() => new Date());
  const counts = await timeEntryCounts(deps.db, () => deps.autotask.client(settings), candidates, {
    now,
    ...options,
  });
  const at = now();
  for (const t of candidates) {
    const c = counts.get(t.id);
    let action: ResolveAction;
    if (!c || !c.ok) {
      action = { offered: false, disabledReason: countFailedMessage(c ? c.reason : 'no answer.'), count: null };
    } else if (c.count > 0) {
      action = { offered: false, disabledReason: timeEntriesMessage(c.count), count: c.count };
    } else if (leaseActive(t, at)) {
      action = { offered: false, disabledReason: IN_PROGRESS_MESSAGE, count: 0 };
    } else {
      action = { offered: true, disabledReason: null, count: 0 };
    }
    out.set(t.runId, action);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The confirmation page.

export interface ResolveConfirmation {
  readonly run: {
    readonly id: number;
    readonly runAt: Date;
    readonly status: string;
    readonly customerName: string;
    readonly jobName: string;
  };
  readonly ticket: RunTicket;
  readonly action: ResolveAction;
  readonly noteTitle: string;
  readonly noteText: string;
}

/** What the confirmation step shows: the ticket, whether it may be resolved now, and the exact note. */
export async function loadResolveConfirmation(
  deps: ResolutionDeps,
  role: Role | undefined,
  runId: number,
): Promise<ResolveConfirmation> {
  const settings = await getIntegrationSettings(deps.db);
  const blocker = resolveBlocker(settings);
  if (blocker) throw new RuleError(blocker, settingsUrl);
  const run = await deps.db.run.findUnique({
    where: { id: runId },
    include: { ticket: true, job: { include: { customer: true } } },
  });
  if (!run) throw new NotFoundError('This run does not exist. It may have been removed, or the link is wrong.');
  const ticket = createdTicketOf(run.ticket);
  if (ticket.statusId === COMPLETE_STATUS) {
    throw new RuleError(`Ticket ${ticketLabel(ticket)} is already complete.`);
  }
  const action = (await resolveStateFor(deps, role, [ticket])).get(run.id);
  return {
    run: {
      id: run.id,
      runAt: run.runAt,
      status: run.status,
      customerName: run.job.customer.name,
      jobName: run.job.name,
    },
    ticket,
    action: action ?? {
      offered: false,
      disabledReason: 'This ticket cannot be resolved from Backupchecks.',
      count: null,
    },
    noteTitle: CLOSING_NOTE_TITLE,
    noteText: CLOSING_NOTE_TEXT,
  };
}

function createdTicketOf(ticket: RunTicket | null): RunTicket & { ticketId: number } {
  if (!ticket) throw new RuleError('This run has no Autotask ticket to resolve.');
  if (ticket.state !== 'created' || ticket.ticketId === null) {
    throw new RuleError('The Autotask ticket of this run has not been created (yet), so it cannot be resolved.');
  }
  return ticket as RunTicket & { ticketId: number };
}

const ticketLabel = (t: Pick<RunTicket, 'ticketNumber' | 'ticketId'>): string =>
  t.ticketNumber ?? `#${t.ticketId ?? '?'}`;

// ---------------------------------------------------------------------------------------------
// The flow.

export type ResolveOutcome =
  | 'resolved'
  | 'already_closed'
  | 'refused_time_entries'
  | 'refused_time_entry_added'
  | 'in_progress'
  | 'note_failed'
  | 'note_unknown'
  | 'close_failed'
  | 'close_unknown'
  | 'read_failed'
  | 'count_failed';

export interface ResolveResult {
  readonly outcome: ResolveOutcome;
  readonly level: 'success' | 'info' | 'warning' | 'error';
  readonly message: string;
  /** Autotask's own words, shown verbatim under the message. */
  readonly detail?: string | undefined;
}

/**
 * Resolves the ticket of a run. Order (each step audited): guards → claim → read the ticket live
 * (complete: record it, write nothing) → count time entries (any: refuse, write nothing) → the
 * internal note (adopted if an earlier attempt may have written it; id stored at once) → count again
 * → status Complete → read back and record.
 *
 * Throws RuleError/NotFoundError for guards; every Autotask outcome comes back as a result.
 */
export async function resolveTicket(deps: ResolutionDeps, actor: Actor, runId: number): Promise<ResolveResult> {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const settings = await getIntegrationSettings(db);
  const blocker = resolveBlocker(settings);
  if (blocker) throw new RuleError(blocker, settingsUrl);
  const row = await db.runTicket.findUnique({ where: { runId } });
  if (!row && !(await db.run.findUnique({ where: { id: runId }, select: { id: true } }))) {
    throw new NotFoundError('This run does not exist. It may have been removed, or the link is wrong.');
  }
  const ticket = createdTicketOf(row);
  // Before the claim: a configuration problem must not leave a lease behind.
  const client = deps.autotask.client(settings);

  const startedAt = now();
  const claimed = await db.runTicket.updateMany({
    where: {
      id: ticket.id,
      state: 'created',
      OR: [{ resolveStartedAt: null }, { resolveStartedAt: { lt: new Date(startedAt.getTime() - RESOLVE_LEASE_MS) } }],
    },
    data: { resolveStartedAt: startedAt },
  });
  const target = { targetType: 'run_ticket', targetId: ticket.id } as const;
  const base = { runId, ticketId: ticket.ticketId, ticketNumber: ticket.ticketNumber };
  if (claimed.count === 0) {
    await audit(db, actor, {
      action: 'ticket.resolve_refused',
      summary: `Resolve of ticket ${ticketLabel(ticket)} refused: another resolve was in progress`,
      ...target,
      details: { ...base, reason: 'in_progress' },
    });
    return { outcome: 'in_progress', level: 'info', message: IN_PROGRESS_MESSAGE };
  }

  try {
    // Read again under the claim: an attempt that finished meanwhile may have stored its note.
    const claimedRow = createdTicketOf(await db.runTicket.findUnique({ where: { id: ticket.id } }));
    return await runFlow({ db, client, settings, actor, now, ticket: claimedRow, target, base });
  } finally {
    // Only our own claim: a lease taken over after expiry belongs to someone else.
    await db.runTicket.updateMany({
      where: { id: ticket.id, resolveStartedAt: startedAt },
      data: { resolveStartedAt: null },
    });
  }
}

interface FlowState {
  readonly db: Db;
  readonly client: AutotaskClient;
  readonly settings: IntegrationSettings;
  readonly actor: Actor;
  readonly now: () => Date;
  readonly ticket: RunTicket & { ticketId: number };
  readonly target: { readonly targetType: string; readonly targetId: number };
  readonly base: { runId: number; ticketId: number; ticketNumber: string | null };
}

async function runFlow(f: FlowState): Promise<ResolveResult> {
  const { db, client, settings, actor, now, ticket, target, base } = f;
  const label = ticketLabel(ticket);
  const record = (action: string, summary: string, details: Record<string, unknown> = {}) =>
    audit(db, actor, { action, summary, ...target, details: JSON.parse(JSON.stringify({ ...base, ...details })) });
  const failed = async (outcome: ResolveOutcome, step: string, message: string, e: unknown): Promise<ResolveResult> => {
    const detail = e instanceof AutotaskError ? e.detail : undefined;
    const reason = e instanceof AutotaskError ? explainAutotaskError(e).message : countFailureReason(e);
    await record('ticket.resolve_failed', `Resolve of ticket ${label} stopped at "${step}": ${message}`, {
      step,
      error: e instanceof Error ? e.message : String(e),
      autotask: detail ?? null,
    });
    return { outcome, level: 'error', message: `${message} ${reason}`, detail };
  };
  const snapshot = (statusId: number) => ({
    statusId,
    statusLabel: statusLabelOf(settings, statusId),
    statusCheckedAt: now(),
  });

  // 1. The ticket as it is now.
  let live: Ticket;
  try {
    live = await client.getTicket(ticket.ticketId);
  } catch (e) {
    const message =
      e instanceof AutotaskNotFoundError
        ? `Autotask has no ticket ${label} (ID ${ticket.ticketId}), or the API user cannot see it. Nothing was changed.`
        : `Could not read ticket ${label} from Autotask. Nothing was changed.`;
    return failed('read_failed', 'read ticket', message, e);
  }
  await db.runTicket.update({ where: { id: ticket.id }, data: snapshot(live.status) });
  if (live.status === COMPLETE_STATUS) {
    const ours = ticket.resolvedAt !== null;
    await record(
      'ticket.resolve_already_closed',
      `Ticket ${label} was already closed in Autotask; nothing was written`,
      { resolvedFromBackupchecks: ours },
    );
    return {
      outcome: 'already_closed',
      level: 'info',
      message: ours
        ? `Ticket ${label} was already resolved from Backupchecks and is already closed in Autotask. Nothing was written.`
        : `Ticket ${label} is already closed in Autotask. Its status is recorded; nothing was written.`,
    };
  }

  // 2. Time entries, live (the cache only decides what pages show).
  let count: number;
  try {
    count = await countTimeEntriesLive(db, client, ticket, now);
  } catch (e) {
    return failed(
      'count_failed',
      'count time entries',
      'Could not check time entries in Autotask, so nothing was written.',
      e,
    );
  }
  if (count > 0) {
    await record('ticket.resolve_refused', `Resolve of ticket ${label} refused: ${count} time entries`, {
      reason: 'time_entries',
      timeEntries: count,
    });
    return { outcome: 'refused_time_entries', level: 'warning', message: timeEntriesMessage(count) };
  }

  // 3. The closing note: at most one, ever.
  let noteId = ticket.closingNoteId;
  if (noteId === null) {
    const noteTypeId = settings.noteTypeId;
    if (noteTypeId === null) {
      await record('ticket.resolve_failed', `Resolve of ticket ${label} stopped: no note type set`, {
        step: 'note',
      });
      return {
        outcome: 'note_failed',
        level: 'error',
        message:
          'No note type for the closing note is set in the Autotask settings, so nothing was written. An admin can set it under Settings → Autotask.',
      };
    }
    // An earlier attempt that sent the note but never stored its id (answer lost, process died)
    // left `closingNoteSentAt`: look for its note before writing one.
    let existing: TicketNote | undefined;
    if (ticket.closingNoteSentAt !== null) {
      try {
        existing = findClosingNote(await client.listTicketNotes(ticket.ticketId));
      } catch (e) {
        return failed(
          'note_unknown',
          'look for closing note',
          `An earlier attempt may have written the closing note, and the notes of ticket ${label} could not be read to check, so nothing was written.`,
          e,
        );
      }
    }
    if (existing) {
      noteId = existing.id;
      await storeNote(db, ticket.id, noteId);
      await record(
        'ticket.resolve_note_adopted',
        `Found the closing note ${noteId} on ticket ${label} from an earlier attempt`,
        {
          noteId,
        },
      );
    } else {
      // Written ahead: from here until the id is stored, the note may exist in Autotask.
      await db.runTicket.update({ where: { id: ticket.id }, data: { closingNoteSentAt: now() } });
      try {
        noteId = await client.addTicketNote(ticket.ticketId, {
          title: CLOSING_NOTE_TITLE,
          description: CLOSING_NOTE_TEXT,
          noteType: noteTypeId,
          publish: INTERNAL_PUBLISH,
        });
      } catch (e) {
        if (!isOutcomeUnknown(e)) {
          // A definite refusal: no note exists, so a retry need not look first.
          await db.runTicket.update({ where: { id: ticket.id }, data: { closingNoteSentAt: null } });
          return failed(
            'note_failed',
            'write closing note',
            `Autotask did not accept the closing note, so ticket ${label} was not closed.`,
            e,
          );
        }
        // Unknown outcome: the note may exist. Settle it by reading; never write blindly again.
        let settled: TicketNote | undefined;
        try {
          settled = findClosingNote(await client.listTicketNotes(ticket.ticketId));
        } catch {
          settled = undefined;
        }
        if (!settled) {
          return failed(
            'note_unknown',
            'write closing note',
            `Autotask did not confirm the closing note and it could not be found on ticket ${label}, so the ticket was not closed. Try again: Backupchecks looks for the note first and never writes a second one.`,
            e,
          );
        }
        noteId = settled.id;
      }
      await storeNote(db, ticket.id, noteId);
      await record('ticket.resolve_note_written', `Wrote the internal closing note ${noteId} on ticket ${label}`, {
        noteId,
      });
    }
  }

  // 4. Time entries once more: someone may have booked time while the note was written.
  try {
    count = await countTimeEntriesLive(db, client, ticket, now);
  } catch (e) {
    return failed(
      'count_failed',
      'count time entries again',
      `The closing note is on ticket ${label}, but time entries could not be checked again, so the ticket was not closed. Try again: no second note will be written.`,
      e,
    );
  }
  if (count > 0) {
    await record('ticket.resolve_refused', `Ticket ${label} not closed: a time entry appeared after the note`, {
      reason: 'time_entry_added',
      timeEntries: count,
      noteId,
    });
    return {
      outcome: 'refused_time_entry_added',
      level: 'warning',
      message: 'A time entry was added in Autotask after the note was written; the ticket was not closed.',
    };
  }

  // 5. Close.
  try {
    await client.updateTicketStatus(ticket.ticketId, COMPLETE_STATUS);
  } catch (e) {
    if (!isOutcomeUnknown(e)) {
      return failed(
        'close_failed',
        'close ticket',
        `The closing note was written to ticket ${label}, but closing the ticket failed. Try again: the ticket will be closed without a second note.`,
        e,
      );
    }
    // Unknown outcome: the read-back below decides; if it cannot, the operator retries, and the
    // retry's first step reads the ticket before anything is written.
  }

  // 6. Read back and record.
  let after: Ticket;
  try {
    after = await client.getTicket(ticket.ticketId);
  } catch (e) {
    return failed(
      'close_unknown',
      'read back',
      `The closing note is on ticket ${label} and Complete was sent, but the ticket could not be read back to confirm it. Reload the run later or try again: nothing will be written twice.`,
      e,
    );
  }
  await db.runTicket.update({ where: { id: ticket.id }, data: snapshot(after.status) });
  if (after.status !== COMPLETE_STATUS) {
    const shown = statusLabelOf(settings, after.status);
    await record('ticket.resolve_failed', `Ticket ${label} is not complete after the close (status ${shown})`, {
      step: 'read back',
      statusId: after.status,
      noteId,
    });
    return {
      outcome: 'close_unknown',
      level: 'error',
      message: `The closing note is on ticket ${label}, but the ticket is not complete in Autotask (status ${shown}). Try again: no second note will be written.`,
    };
  }
  const resolvedAt = now();
  await db.runTicket.update({ where: { id: ticket.id }, data: { resolvedAt, resolvedById: actor.id } });
  await record('ticket.resolved', `Resolved ticket ${label} with internal note ${noteId}`, {
    noteId,
    statusId: after.status,
  });
  return {
    outcome: 'resolved',
    level: 'success',
    message: `Ticket ${label} is resolved: the internal note was written and the ticket is Complete in Autotask.`,
  };
}

/** A closing note we wrote: internal, with exactly the fixed text (the title is not compared: it can be edited in Autotask). */
function findClosingNote(notes: readonly TicketNote[]): TicketNote | undefined {
  return notes.find((n) => n.description?.trim() === CLOSING_NOTE_TEXT && n.publish === INTERNAL_PUBLISH);
}

async function storeNote(db: Db, runTicketId: number, noteId: number): Promise<void> {
  await db.runTicket.update({ where: { id: runTicketId }, data: { closingNoteId: noteId, closingNoteSentAt: null } });
}
