import type { Db, TicketRecord } from '../../db/database.ts';
import { explainPsaError } from '../../errors/psa-messages.ts';
import { PsaError, toPsaError } from '../../psa/errors.ts';
import { PSA_NAMES, type PsaClient, type PsaTicket, type PsaType } from '../../psa/port.ts';
import { audit, type Actor } from '../accounts/audit.ts';
import { createdFieldsFrom, markCreated, markFailed, notePending, type Problem } from './run-ticket-claims.ts';

/**
 * Settles a pending run ticket whose create outcome is unknown (timeout, dropped connection, 5xx,
 * or a process that died between the POST and the database update) by asking the PSA for tickets
 * carrying the row's reference (Autotask: `externalID`). Nothing is posted here: found → the row is
 * attached to that ticket; confirmed absent → the row becomes `failed`, which is what lets a later
 * click post again; no answer → the row stays pending and says so. The client is the PSA the
 * attempt was sent to (the callers skip rows of another PSA).
 */

export interface ReconcileDeps {
  readonly db: Db;
  readonly client: PsaClient;
}

export type ReconcileResult =
  | { readonly kind: 'attached'; readonly ticket: PsaTicket }
  /** The PSA has no ticket with the reference: the row is now `failed` (only when `absentIsFinal`). */
  | { readonly kind: 'absent' }
  /** The PSA has none yet, but the attempt is too recent to be sure: the row stays pending. */
  | { readonly kind: 'not_yet' }
  /** The lookup itself failed: the row stays pending with this message. */
  | { readonly kind: 'unreachable'; readonly problem: Problem }
  /** Another request or instance settled the row meanwhile. */
  | { readonly kind: 'moved' };

export interface ReconcileOptions {
  readonly actor: Actor;
  /**
   * Where the check ran, for the audit log: `view` (after a page), `click`, `after-unknown`, or
   * `after-threshold` (Autotask refused the POST with its thread threshold; `retry-write.ts`).
   */
  readonly via: 'view' | 'click' | 'after-unknown' | 'after-threshold';
  /**
   * True when the attempt is old enough that no request of it can still arrive in the PSA (see
   * `settleAfterMs`): only then does "none found" mean none will ever exist.
   */
  readonly absentIsFinal: boolean;
  readonly now?: Date;
  /** For the audit summary, e.g. "run #12 of Acme / Nightly". */
  readonly label: string;
}

export const unreachableText = (psa: PsaType, reference: string): string =>
  `Backupchecks could not ask ${PSA_NAMES[psa]} whether the earlier attempt created the ticket (reference ${reference}), so nothing was sent again. It checks again the next time this run is shown, or when you click Try again.`;

export const absentText = (psa: PsaType, reference: string): string =>
  `The earlier attempt did not reach ${PSA_NAMES[psa]}: no ticket carries reference ${reference}. Nothing was created; you can try again.`;

type Pending = Pick<TicketRecord, 'id' | 'originRunId' | 'reference' | 'attemptStartedAt'>;

export async function reconcilePending(
  deps: ReconcileDeps,
  row: Pending,
  options: ReconcileOptions,
): Promise<ReconcileResult> {
  const { db, client } = deps;
  const psaName = PSA_NAMES[client.psa];
  const now = options.now ?? new Date();
  let found: readonly PsaTicket[];
  try {
    found = await client.findTicketsByReference(row.reference);
  } catch (raw) {
    const e = toPsaError(raw);
    if (!(e instanceof PsaError)) throw e;
    const problem: Problem = {
      message: explainPsaError(e, unreachableText(client.psa, row.reference)).message,
      // Only the PSA's own words; the client's message is ours and is not shown as the PSA's.
      detail: e.detail,
    };
    await notePending(db, row, problem);
    return { kind: 'unreachable', problem };
  }

  if (found.length === 0) {
    if (!options.absentIsFinal) return { kind: 'not_yet' };
    const marked = await markFailed(db, row, { message: absentText(client.psa, row.reference) });
    if (!marked) return { kind: 'moved' };
    await audit(db, options.actor, {
      action: 'ticket.reconciled',
      summary: `No ${psaName} ticket found for the earlier attempt on ${options.label}; it may be created again`,
      targetType: 'run',
      targetId: row.originRunId,
      details: { reference: row.reference, found: false, via: options.via },
    });
    return { kind: 'absent' };
  }

  // One reference is written into one POST, so there is one ticket; should the PSA ever hold two,
  // the oldest is the run's and the other is reported, not silently dropped.
  const ticket = [...found].sort((a, b) => a.id - b.id)[0]!;
  const url = await client.ticketUrl(ticket.id).catch(() => null);
  // The ticket was made by the attempt's POST, which left when the attempt started.
  const attached = await markCreated(db, row, createdFieldsFrom(ticket, url, now, row.attemptStartedAt));
  if (!attached) return { kind: 'moved' };
  await audit(db, options.actor, {
    action: 'ticket.reconciled',
    summary: `Attached ${psaName} ticket ${ticket.number}, created by an earlier attempt, to ${options.label}`,
    targetType: 'run',
    targetId: row.originRunId,
    details: {
      reference: row.reference,
      found: true,
      ticketId: ticket.id,
      ticketNumber: ticket.number,
      via: options.via,
      ...(found.length > 1 ? { otherTicketIds: found.filter((t) => t.id !== ticket.id).map((t) => t.id) } : {}),
    },
  });
  return { kind: 'attached', ticket };
}
