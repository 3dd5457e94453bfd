import type { Db } from '../../../db/database.ts';
import { toJsonColumn } from '../../../db/json.ts';
import { psaFailureReason } from '../../../errors/psa-messages.ts';
import { PsaError } from '../../../psa/errors.ts';
import type { PsaClient, PsaProfile, PsaTicket } from '../../../psa/port.ts';
import { audit, type Actor } from '../../accounts/audit.ts';
import type { WriteRetryOptions } from '../retry-write.ts';
import { statusLabelOf, type CreatedTicket } from './rules.ts';

/**
 * What the steps of a resolve share: the state they work on, the result they end with, and how a
 * step records what happened (every step audits its outcome against the run ticket).
 */

export interface ResolutionDeps {
  readonly db: Db;
  /** The active PSA, read once per request (`requestProfile`). */
  readonly profile: PsaProfile;
  /** Waits before a write refused by Autotask's thread threshold is sent again (`../retry-write.ts`). */
  readonly writeRetry?: WriteRetryOptions | undefined;
  readonly now?: () => Date;
}

export type ResolveOutcome =
  | 'resolved'
  | 'already_closed'
  | 'refused_time_entries'
  | 'refused_not_proven'
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
  /** The PSA's own words, shown verbatim under the message. */
  readonly detail?: string | undefined;
}

/** Where a resolve's audit events point, and the facts every one of them carries. */
export interface AuditScope {
  readonly target: { readonly targetType: 'run_ticket'; readonly targetId: number };
  readonly base: { readonly runId: number; readonly ticketId: number; readonly ticketNumber: string | null };
}

/** Taken from the ticket as the guards saw it, before the lease. */
export function auditScopeOf(runId: number, ticket: CreatedTicket): AuditScope {
  return {
    target: { targetType: 'run_ticket', targetId: ticket.id },
    base: { runId, ticketId: ticket.ticketId, ticketNumber: ticket.ticketNumber },
  };
}

export function recordEvent(
  db: Db,
  actor: Actor,
  scope: AuditScope,
  action: string,
  summary: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  return audit(db, actor, {
    action,
    summary,
    ...scope.target,
    details: toJsonColumn({ ...scope.base, ...details }),
  });
}

/** What every step of one resolve works with, under the lease. */
export interface FlowState {
  readonly db: Db;
  readonly client: PsaClient;
  readonly profile: PsaProfile;
  readonly actor: Actor;
  readonly now: () => Date;
  /** The ticket as read under the lease: an attempt that finished meanwhile may have stored its note. */
  readonly ticket: CreatedTicket;
  /** The ticket's number (or id) for messages and audit summaries. */
  readonly label: string;
  readonly scope: AuditScope;
  /** Waits before a write refused by the thread threshold is sent again (`../retry-write.ts`). */
  readonly writeRetry?: WriteRetryOptions | undefined;
}

export function record(
  f: FlowState,
  action: string,
  summary: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  return recordEvent(f.db, f.actor, f.scope, action, summary, details);
}

/**
 * A step that stops on a failure: audited with the raw error and the PSA's words, answered with
 * the step's sentence followed by why the call failed.
 */
export async function failed(
  f: FlowState,
  outcome: ResolveOutcome,
  step: string,
  message: string,
  e: unknown,
): Promise<ResolveResult> {
  const detail = e instanceof PsaError ? e.detail : undefined;
  const reason = psaFailureReason(e);
  await record(f, 'ticket.resolve_failed', `Resolve of ticket ${f.label} stopped at "${step}": ${message}`, {
    step,
    error: e instanceof Error ? e.message : String(e),
    // Keyed by the PSA ("autotask": …), as Autotask's words always were.
    [f.profile.psa]: detail ?? null,
  });
  return { outcome, level: 'error', message: `${message} ${reason}`, detail };
}

/** Every read of the ticket updates its status snapshot, whatever the step does next. */
export async function storeStatus(f: FlowState, read: PsaTicket): Promise<void> {
  await f.db.ticket.update({
    where: { id: f.ticket.id },
    data: {
      statusId: read.statusId,
      statusLabel: statusLabelOf(f.profile, read),
      statusClosed: read.closed,
      statusCheckedAt: f.now(),
    },
  });
}
