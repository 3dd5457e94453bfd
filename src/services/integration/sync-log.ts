import type { Db, Prisma } from '../../db/database.ts';

/**
 * The sync log: one row per read-only sync from Autotask, with its counts, duration and Autotask's
 * message when it failed. Shown under Settings → Autotask → Diagnostics.
 */
export const COMPANY_SYNC_KIND = 'company_names';
export const TICKET_STATUS_SYNC_KIND = 'ticket_statuses';

export interface SyncLogHandle {
  readonly id: number;
  readonly startedAt: Date;
}

export interface SyncCounts {
  readonly checked: number;
  readonly renamed: number;
  readonly invalid: number;
  readonly errors: number;
  readonly message: string | null;
}

export async function startSyncLog(db: Db, kind: string, trigger: string): Promise<SyncLogHandle> {
  return db.syncLog.create({ data: { kind, trigger }, select: { id: true, startedAt: true } });
}

/** Closes the row; returns the duration in ms. */
export async function finishSyncLog(db: Db, log: SyncLogHandle, counts: SyncCounts): Promise<number> {
  const durationMs = Math.max(0, Date.now() - log.startedAt.getTime());
  await db.syncLog.update({
    where: { id: log.id },
    data: { ...counts, ok: counts.errors === 0, finishedAt: new Date(), durationMs },
  });
  return durationMs;
}

/** Why a background run was not claimed. */
export type NotClaimed = 'backing-off' | 'taken';

/**
 * Claims a background run of `kind` across every app instance sharing the database. The claim is
 * a sync-log row: each instance inserts before it looks, so of two claims made at the same time at
 * least one sees the other, and the older row wins; the loser deletes its row. No claim (and no
 * row) while a run of this kind failed within `backoffMs`, or while a row matching `taken` exists
 * (one running, or, for a periodic run, one that ran too recently). `lookFirst` checks `taken`
 * before inserting too, for callers that ask often and are usually told no.
 */
export async function claimSyncRun(
  db: Db,
  claim: {
    readonly kind: string;
    readonly trigger: string;
    readonly now: Date;
    readonly backoffMs: number;
    readonly taken: Prisma.SyncLogWhereInput;
    readonly lookFirst?: boolean;
  },
): Promise<SyncLogHandle | NotClaimed> {
  const { kind, trigger, now, taken } = claim;
  const recentFailure = await db.syncLog.findFirst({
    where: { kind, ok: false, finishedAt: { gt: new Date(now.getTime() - claim.backoffMs) } },
    select: { id: true },
  });
  if (recentFailure) return 'backing-off';
  const where = { ...taken, kind };
  if (claim.lookFirst && (await db.syncLog.findFirst({ where, select: { id: true } }))) return 'taken';
  const mine = await db.syncLog.create({
    data: { kind, trigger, startedAt: now },
    select: { id: true, startedAt: true },
  });
  const other = await db.syncLog.findFirst({ where: { ...where, id: { lt: mine.id } }, select: { id: true } });
  if (other) {
    await db.syncLog.delete({ where: { id: mine.id } });
    return 'taken';
  }
  return mine;
}
