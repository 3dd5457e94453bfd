import type { Db, TicketRecord } from '../../../db/database.ts';
import type { Actor } from '../../accounts/audit.ts';
import { recordEvent, type AuditScope, type ResolveResult } from './flow.ts';
import { IN_PROGRESS_MESSAGE } from './messages.ts';
import { ticketLabel } from './rules.ts';

/**
 * One resolve per ticket at a time, across clicks, tabs, operators and instances: a lease in
 * `TicketRecord.resolveStartedAt`, taken with one conditional UPDATE (free, or expired), so that of
 * several simultaneous resolves exactly one changes the row and the others see zero rows changed.
 */

/**
 * A resolve holds its ticket for this long. It is far longer than the flow can take (a handful of
 * calls, each bounded by the client timeout), so it only ends on its own when a process died
 * mid-resolve; normally the flow releases it when it finishes.
 */
export const RESOLVE_LEASE_MS = 5 * 60_000;

export const leaseActive = (t: Pick<TicketRecord, 'resolveStartedAt'>, now: Date): boolean =>
  t.resolveStartedAt !== null && now.getTime() - t.resolveStartedAt.getTime() < RESOLVE_LEASE_MS;

/** Takes the lease as of `startedAt`. False when another resolve holds one that has not expired. */
export async function claimResolve(db: Db, runTicketId: number, startedAt: Date): Promise<boolean> {
  const { count } = await db.ticket.updateMany({
    where: {
      id: runTicketId,
      state: 'created',
      OR: [{ resolveStartedAt: null }, { resolveStartedAt: { lt: new Date(startedAt.getTime() - RESOLVE_LEASE_MS) } }],
    },
    data: { resolveStartedAt: startedAt },
  });
  return count !== 0;
}

/** Ends our own lease only: a lease taken over after expiry belongs to someone else. */
export async function releaseResolve(db: Db, runTicketId: number, startedAt: Date): Promise<void> {
  await db.ticket.updateMany({
    where: { id: runTicketId, resolveStartedAt: startedAt },
    data: { resolveStartedAt: null },
  });
}

/** The answer to a resolve that found the lease taken: nothing is read or written in the PSA. */
export async function refuseInProgress(
  db: Db,
  actor: Actor,
  scope: AuditScope,
  ticket: Pick<TicketRecord, 'ticketNumber' | 'ticketId'>,
): Promise<ResolveResult> {
  await recordEvent(
    db,
    actor,
    scope,
    'ticket.resolve_refused',
    `Resolve of ticket ${ticketLabel(ticket)} refused: another resolve was in progress`,
    { reason: 'in_progress' },
  );
  return { outcome: 'in_progress', level: 'info', message: IN_PROGRESS_MESSAGE };
}
