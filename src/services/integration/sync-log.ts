import type { Db } from '../../db/database.ts';

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
