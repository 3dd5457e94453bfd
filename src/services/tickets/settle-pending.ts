import { settleAfterMs } from './run-ticket-claims.ts';
import { upkeepShownTickets, type UpkeepDeps } from './upkeep.ts';

/** At most this many interrupted creations are looked up per run; the next run takes the rest. */
export const SETTLE_BATCH = 100;

/**
 * Ticket creations left pending by an instance that crashed or timed out, settled without waiting
 * for someone to open a page that shows them: each is looked up in the active PSA by its reference
 * and attached if found, or marked failed (so an operator may create it again) when the PSA
 * confirms it does not exist. A lookup only, as on a page view (upkeep.ts): nothing is posted from
 * here. Attempts sent to a PSA that is no longer the active one are left as they are.
 */
export async function settleInterruptedCreations(deps: UpkeepDeps, now: Date = new Date()): Promise<number> {
  const { psa } = await deps.psa.active(deps.db);
  const stale = await deps.db.ticket.findMany({
    where: {
      state: 'pending',
      psaType: psa,
      attemptStartedAt: { lte: new Date(now.getTime() - settleAfterMs(deps.timeoutMs)) },
    },
    orderBy: { attemptStartedAt: 'asc' },
    select: { id: true },
    take: SETTLE_BATCH,
  });
  if (stale.length === 0) return 0;
  const result = await upkeepShownTickets(
    deps,
    stale.map((t) => t.id),
    now,
  );
  return result.settled;
}
