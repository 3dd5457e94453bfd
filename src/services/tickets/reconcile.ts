import { AutotaskError, type AutotaskClient, type Ticket } from '../../autotask/client.ts';
import type { Db, TicketRecord } from '../../db/database.ts';
import { audit, type Actor } from '../accounts/audit.ts';
import { explainAutotaskError } from '../../errors/autotask-messages.ts';
import { statusLabelFrom } from './status-snapshots.ts';
import { createdFieldsFrom, markCreated, markFailed, notePending, type Problem } from './run-ticket-claims.ts';

/**
 * Settles a pending run ticket whose create outcome is unknown (timeout, dropped connection, 5xx,
 * or a process that died between the POST and the database update) by asking Autotask for tickets
 * carrying the row's reference in `externalID`. Nothing is posted here: found → the row is attached
 * to that ticket; confirmed absent → the row becomes `failed`, which is what lets a later click
 * post again; no answer → the row stays pending and says so.
 */

export interface ReconcileDeps {
  readonly db: Db;
  readonly client: AutotaskClient;
  readonly picklists: unknown;
}

export type ReconcileResult =
  | { readonly kind: 'attached'; readonly ticket: Ticket }
  /** Autotask has no ticket with the reference: the row is now `failed` (only when `absentIsFinal`). */
  | { readonly kind: 'absent' }
  /** Autotask has none yet, but the attempt is too recent to be sure: the row stays pending. */
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
   * True when the attempt is old enough that no request of it can still arrive in Autotask (see
   * `settleAfterMs`): only then does "none found" mean none will ever exist.
   */
  readonly absentIsFinal: boolean;
  readonly now?: Date;
  /** For the audit summary, e.g. "run #12 of Acme / Nightly". */
  readonly label: string;
}

export const unreachableText = (reference: string): string =>
  `Backupchecks could not ask Autotask whether the earlier attempt created the ticket (reference ${reference}), so nothing was sent again. It checks again the next time this run is shown, or when you click Try again.`;

export const absentText = (reference: string): string =>
  `The earlier attempt did not reach Autotask: no ticket carries reference ${reference}. Nothing was created; you can try again.`;

type Pending = Pick<TicketRecord, 'id' | 'originRunId' | 'reference' | 'attemptStartedAt'>;

export async function reconcilePending(
  deps: ReconcileDeps,
  row: Pending,
  options: ReconcileOptions,
): Promise<ReconcileResult> {
  const { db, client, picklists } = deps;
  const now = options.now ?? new Date();
  let found: readonly Ticket[];
  try {
    found = await client.findTicketsByExternalId(row.reference);
  } catch (e) {
    if (!(e instanceof AutotaskError)) throw e;
    const problem: Problem = {
      message: explainAutotaskError(e, unreachableText(row.reference)).message,
      // Only Autotask's own words; the client's message is ours and is not shown as Autotask's.
      detail: e.detail,
    };
    await notePending(db, row, problem);
    return { kind: 'unreachable', problem };
  }

  if (found.length === 0) {
    if (!options.absentIsFinal) return { kind: 'not_yet' };
    const marked = await markFailed(db, row, { message: absentText(row.reference) });
    if (!marked) return { kind: 'moved' };
    await audit(db, options.actor, {
      action: 'ticket.reconciled',
      summary: `No Autotask ticket found for the earlier attempt on ${options.label}; it may be created again`,
      targetType: 'run',
      targetId: row.originRunId,
      details: { reference: row.reference, found: false, via: options.via },
    });
    return { kind: 'absent' };
  }

  // One reference is written into one POST, so there is one ticket; should Autotask ever hold two,
  // the oldest is the run's and the other is reported, not silently dropped.
  const ticket = [...found].sort((a, b) => a.id - b.id)[0]!;
  const url = await client.ticketUrl(ticket.id).catch(() => null);
  const attached = await markCreated(
    db,
    row,
    createdFieldsFrom(ticket, url, statusLabelFrom(picklists, ticket.status), now),
  );
  if (!attached) return { kind: 'moved' };
  await audit(db, options.actor, {
    action: 'ticket.reconciled',
    summary: `Attached Autotask ticket ${ticket.ticketNumber}, created by an earlier attempt, to ${options.label}`,
    targetType: 'run',
    targetId: row.originRunId,
    details: {
      reference: row.reference,
      found: true,
      ticketId: ticket.id,
      ticketNumber: ticket.ticketNumber,
      via: options.via,
      ...(found.length > 1 ? { otherTicketIds: found.filter((t) => t.id !== ticket.id).map((t) => t.id) } : {}),
    },
  });
  return { kind: 'attached', ticket };
}
