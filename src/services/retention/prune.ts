import type { Db } from '../../db/database.ts';
import { audit, systemActor } from '../accounts/audit.ts';
import { getRetentionSettings, RETENTION_LIMITS, type RetentionField, type RetentionSettings } from './settings.ts';

/**
 * Removes records older than Settings → Data retention allows (docs/operations.md, "Retention").
 * Each kind is deleted in small batches, one short statement each (`DELETE … WHERE id IN (SELECT id
 * … LIMIT n)`), until a batch finds fewer than n: a large backlog never holds locks for long, and
 * rows another transaction holds are skipped (SKIP LOCKED) for the next run instead of waited for.
 *
 * What is never removed:
 * - a run whose ticket is still open (not resolved from Backupchecks and not Complete in Autotask,
 *   as far as Backupchecks knows; a ticket still being created or whose creation failed counts as
 *   open too), with its objects;
 * - a run a ticket was created or linked from (Ticket.originRunId): the ticket row keeps it (the
 *   foreign key refuses its deletion) and retention never deletes tickets;
 * - a sync-log row still running (unfinished) that started less than a day ago;
 * - audit events, unless a number of days is set.
 * Notes of a ticket that name a removed run ("run added" notes, TicketNote.runId) and an unmatched
 * report's resolvedRunId keep the id: they have no foreign key, and nothing reads a missing run there.
 */

const DAY_MS = 24 * 3_600_000;

/** An unfinished sync-log row is kept at least this long: it may be a sync still running (a claim). */
const UNFINISHED_SYNC_KEEP_MS = DAY_MS;

export interface PruneOptions {
  /** The clock: records older than `now` minus each setting's days are removed. */
  readonly now: Date;
  /** Rows per DELETE statement. */
  readonly batchSize?: number;
  /** At most this many batches per kind of record in one call (no limit by default); the next call continues. */
  readonly maxBatches?: number;
}

export interface PruneCounts {
  readonly apiCallLogs: number;
  readonly syncLogs: number;
  readonly runs: number;
  /** The objects of the removed runs (removed with them, by the foreign key's cascade). */
  readonly runObjects: number;
  readonly auditEvents: number;
}

export type PrunedKind = 'apiCallLogs' | 'syncLogs' | 'runs' | 'auditEvents';

export interface PruneResult {
  readonly deleted: PruneCounts;
  /** Kinds that stopped at maxBatches with rows possibly left to remove: call again to continue. */
  readonly unfinished: readonly PrunedKind[];
}

/** Where each kind stands after its batches. */
interface Drained {
  deleted: number;
  capped: boolean;
}

/** Batches left to one kind of record in this call. */
interface Budget {
  remaining: number;
}

/**
 * Removes every record older than the retention settings allow, as of `now`, and records an audit
 * event ("retention.pruned") when anything was removed. For a scheduled job: `pruneExpiredRecords(db,
 * { now: new Date() })`. Throws for a failure of the database (what was removed before then stays
 * removed) and for a batch size that is not a positive whole number.
 */
export async function pruneExpiredRecords(db: Db, options: PruneOptions): Promise<PruneResult> {
  const batchSize = options.batchSize ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
  const budget = (): Budget => ({ remaining: options.maxBatches ?? Number.POSITIVE_INFINITY });
  const settings = await getRetentionSettings(db);
  const cutoff = (field: RetentionField, days: number) => cutoffOf(options.now, field, days);

  const apiCallLogs = await drain(
    () => deleteApiCallLogs(db, cutoff('apiCallLogDays', settings.apiCallLogDays), batchSize),
    batchSize,
    budget(),
  );
  const syncLogs = await pruneSyncLogs(
    db,
    cutoff('syncLogDays', settings.syncLogDays),
    options.now,
    batchSize,
    budget(),
  );
  const runs = await pruneRuns(db, cutoff('runDays', settings.runDays), batchSize, budget());
  const auditEvents = await pruneAuditEvents(db, settings, options.now, batchSize, budget());

  const deleted: PruneCounts = {
    apiCallLogs: apiCallLogs.deleted,
    syncLogs: syncLogs.deleted,
    runs: runs.deleted,
    runObjects: runs.objects,
    auditEvents: auditEvents.deleted,
  };
  const byKind: Record<PrunedKind, Drained> = { apiCallLogs, syncLogs, runs, auditEvents };
  const unfinished = (Object.keys(byKind) as PrunedKind[]).filter((k) => byKind[k].capped);
  await recordPrune(db, deleted, settings);
  return { deleted, unfinished };
}

/** `now` minus the days; a setting below its minimum (written around the form) counts as the minimum. */
function cutoffOf(now: Date, field: RetentionField, days: number): Date {
  return new Date(now.getTime() - Math.max(days, RETENTION_LIMITS[field].min) * DAY_MS);
}

/**
 * Runs `batch` until one deletes fewer than `batchSize` rows or the budget is used up. Each batch is
 * its own statement (and transaction), so locks last one batch.
 */
async function drain(batch: () => Promise<number>, batchSize: number, budget: Budget): Promise<Drained> {
  let deleted = 0;
  while (budget.remaining > 0) {
    budget.remaining -= 1;
    const n = await batch();
    deleted += n;
    if (n < batchSize) return { deleted, capped: false };
  }
  return { deleted, capped: true };
}

// ---------------------------------------------------------------------------------------------
// One batch of each kind. Records strictly older than the cutoff go: one exactly at it is kept.

function deleteApiCallLogs(db: Db, cutoff: Date, limit: number): Promise<number> {
  return db.$executeRaw`
    DELETE FROM "ApiCallLog" WHERE "id" IN (
      SELECT "id" FROM "ApiCallLog" WHERE "at" < ${cutoff} LIMIT ${limit} FOR UPDATE SKIP LOCKED)`;
}

function deleteAuditEvents(db: Db, cutoff: Date, limit: number): Promise<number> {
  return db.$executeRaw`
    DELETE FROM "AuditEvent" WHERE "id" IN (
      SELECT "id" FROM "AuditEvent" WHERE "at" < ${cutoff} LIMIT ${limit} FOR UPDATE SKIP LOCKED)`;
}

/**
 * One kind of sync at a time, so that each batch reads the (kind, startedAt) index. An unfinished
 * row goes only once it is old enough not to be a sync still running.
 */
function deleteSyncLogs(db: Db, kind: string, cutoff: Date, unfinishedCutoff: Date, limit: number): Promise<number> {
  return db.$executeRaw`
    DELETE FROM "SyncLog" WHERE "id" IN (
      SELECT "id" FROM "SyncLog"
      WHERE "kind" = ${kind} AND "startedAt" < ${cutoff}
        AND ("finishedAt" IS NOT NULL OR "startedAt" < ${unfinishedCutoff})
      LIMIT ${limit} FOR UPDATE SKIP LOCKED)`;
}

/**
 * One batch of runs, with the number of their objects (counted in the same snapshot; the cascade
 * removes them at the end of the statement). Locking the runs (FOR UPDATE OF r SKIP LOCKED) skips a
 * run that a ticket is being created, linked or added from at this moment: that holds its row.
 */
async function deleteRuns(db: Db, cutoff: Date, limit: number): Promise<{ runs: number; objects: number }> {
  const rows = await db.$queryRaw<Array<{ runs: number; objects: number }>>`
    WITH doomed AS (
      SELECT r."id" FROM "Run" r
      WHERE r."runAt" < ${cutoff}
        AND NOT EXISTS (SELECT 1 FROM "Ticket" o WHERE o."originRunId" = r."id")
        AND NOT EXISTS (
          SELECT 1 FROM "Ticket" t WHERE t."id" = r."ticketRecordId"
            AND t."resolvedAt" IS NULL AND NOT t."statusClosed")
      LIMIT ${limit} FOR UPDATE OF r SKIP LOCKED
    ), objects AS (
      SELECT count(*)::int AS "n" FROM "RunObject" WHERE "runId" IN (SELECT "id" FROM doomed)
    ), gone AS (
      DELETE FROM "Run" r USING doomed WHERE r."id" = doomed."id" RETURNING r."id"
    )
    SELECT (SELECT count(*)::int FROM gone) AS "runs", (SELECT "n" FROM objects) AS "objects"`;
  return { runs: rows[0]?.runs ?? 0, objects: rows[0]?.objects ?? 0 };
}

// ---------------------------------------------------------------------------------------------
// Each kind's batches

async function pruneSyncLogs(db: Db, cutoff: Date, now: Date, batchSize: number, budget: Budget): Promise<Drained> {
  const unfinishedCutoff = new Date(Math.min(cutoff.getTime(), now.getTime() - UNFINISHED_SYNC_KEEP_MS));
  const total: Drained = { deleted: 0, capped: false };
  for (const kind of await syncKinds(db)) {
    const done = await drain(() => deleteSyncLogs(db, kind, cutoff, unfinishedCutoff, batchSize), batchSize, budget);
    total.deleted += done.deleted;
    if (done.capped) return { deleted: total.deleted, capped: true };
  }
  return total;
}

/** The kinds of sync in the log: one index probe per kind (a skip scan over the (kind, startedAt) index). */
async function syncKinds(db: Db): Promise<string[]> {
  const rows = await db.$queryRaw<Array<{ kind: string }>>`
    WITH RECURSIVE kinds AS (
      (SELECT "kind" FROM "SyncLog" ORDER BY "kind" LIMIT 1)
      UNION ALL
      SELECT (SELECT s."kind" FROM "SyncLog" s WHERE s."kind" > kinds."kind" ORDER BY s."kind" LIMIT 1)
      FROM kinds WHERE kinds."kind" IS NOT NULL
    )
    SELECT "kind" FROM kinds WHERE "kind" IS NOT NULL`;
  return rows.map((r) => r.kind);
}

async function pruneRuns(
  db: Db,
  cutoff: Date,
  batchSize: number,
  budget: Budget,
): Promise<Drained & { objects: number }> {
  let objects = 0;
  const done = await drain(
    async () => {
      const batch = await deleteRuns(db, cutoff, batchSize);
      objects += batch.objects;
      return batch.runs;
    },
    batchSize,
    budget,
  );
  return { ...done, objects };
}

async function pruneAuditEvents(
  db: Db,
  settings: RetentionSettings,
  now: Date,
  batchSize: number,
  budget: Budget,
): Promise<Drained> {
  if (settings.auditEventDays === null) return { deleted: 0, capped: false };
  const cutoff = cutoffOf(now, 'auditEventDays', settings.auditEventDays);
  return drain(() => deleteAuditEvents(db, cutoff, batchSize), batchSize, budget);
}

// ---------------------------------------------------------------------------------------------
// What was removed

/** The audit action of a pruning that removed something; Settings → Data retention shows the last. */
export const PRUNED_ACTION = 'retention.pruned';

/** "12 API call log entries, 3 runs (40 objects)"; empty when nothing was removed. */
export function describePrune(d: PruneCounts): string {
  const parts: string[] = [];
  const add = (n: number, one: string, many: string) => {
    if (n > 0) parts.push(`${n} ${n === 1 ? one : many}`);
  };
  add(d.apiCallLogs, 'API call log entry', 'API call log entries');
  add(d.syncLogs, 'sync log entry', 'sync log entries');
  if (d.runs > 0)
    parts.push(
      `${d.runs} ${d.runs === 1 ? 'run' : 'runs'} (${d.runObjects} ${d.runObjects === 1 ? 'object' : 'objects'})`,
    );
  add(d.auditEvents, 'audit event', 'audit events');
  return parts.join(', ');
}

/** One audit event per pruning that removed something: a quiet run leaves no trace. */
async function recordPrune(db: Db, deleted: PruneCounts, settings: RetentionSettings): Promise<void> {
  const summary = describePrune(deleted);
  if (summary === '') return;
  await audit(db, systemActor, {
    action: PRUNED_ACTION,
    summary: `Removed old records: ${summary}`,
    targetType: 'settings',
    targetId: 'retention',
    details: { deleted: { ...deleted }, settings: { ...settings } },
  });
}
