import { AutotaskError, AutotaskNotFoundError, type AutotaskClient, type Company } from '../../autotask/client.ts';
import type { CompanyMapping, Db, IntegrationSettings, MappingStatus, Prisma } from '../../db/database.ts';
import type { Logger } from '../../logger.ts';
import type { AutotaskAccess } from '../integration/autotask-access.ts';
import { getIntegrationSettings, hasCredentials } from '../integration/settings.ts';
import { COMPANY_SYNC_KIND, finishSyncLog, startSyncLog as startSyncLogOfKind, type SyncCounts } from '../integration/sync-log.ts';

/**
 * Keeps mapped companies current (seed §3.2/§3.3): reads each mapped company by ID and applies the
 * status rules. Reads only; nothing is ever written to Autotask.
 *
 * One code path for every trigger: refresh one customer, refresh all, the refresh after the
 * Customers page is sent, the periodic sync and the re-read before a ticket is created.
 *
 * A status changes only on a successful Autotask answer. An outage, timeout, rate limit or
 * permission failure leaves every status as it was and is recorded as a failed sync, because
 * "Autotask did not answer" says nothing about the company.
 */

export { COMPANY_SYNC_KIND };
/** Autotask's cap on values in one `in` filter: one request per this many mappings. */
export const SYNC_BATCH_SIZE = 500;

export interface CompanySyncDeps {
  readonly db: Db;
  readonly client: AutotaskClient;
}

/** What Autotask's answer means for one mapping. */
export interface MappingVerdict {
  readonly status: MappingStatus;
  readonly companyName: string | null;
  readonly statusReason: string | null;
  /** The company's name in Autotask differs from the cached one. */
  readonly nameChanged: boolean;
}

export const notFoundReason = (companyId: number): string =>
  `Autotask returned no company with ID ${companyId} (deleted, or not visible to the API user).`;
export const inactiveReason = (companyId: number): string => `Company ${companyId} is inactive in Autotask.`;
const renamedReason = (from: string, to: string): string => `Renamed in Autotask from “${from}” to “${to}”.`;

/**
 * The status rules, given a successful answer: `company` is what Autotask returned for the
 * mapping's ID, or undefined when it returned nothing. Pure.
 */
export function judgeMapping(
  mapping: Pick<CompanyMapping, 'companyId' | 'companyName'>,
  company: Company | undefined,
): MappingVerdict {
  const id = mapping.companyId!;
  if (!company) {
    return {
      status: 'invalid',
      companyName: mapping.companyName,
      statusReason: notFoundReason(id),
      nameChanged: false,
    };
  }
  const nameChanged = mapping.companyName !== null && mapping.companyName !== company.name;
  if (!company.isActive) {
    // The cached name still follows Autotask: it is what an admin searches for to fix this.
    return { status: 'invalid', companyName: company.name, statusReason: inactiveReason(id), nameChanged };
  }
  if (nameChanged) {
    return {
      status: 'renamed',
      companyName: company.name,
      statusReason: renamedReason(mapping.companyName!, company.name),
      nameChanged,
    };
  }
  // `renamed` returns to `ok` once a later sync finds no further change.
  return { status: 'ok', companyName: company.name, statusReason: null, nameChanged: false };
}

/** Autotask's own words when it gave any, else the client's sentence: what the sync log keeps. */
export function syncErrorText(e: unknown): string {
  if (e instanceof AutotaskError) return e.detail ? `${e.message} Autotask said: ${e.detail}` : e.message;
  return e instanceof Error ? e.message : String(e);
}

// ---------------------------------------------------------------------------------------------
// Sync log

const startSyncLog = (db: Db, trigger: string) => startSyncLogOfKind(db, COMPANY_SYNC_KIND, trigger);

// ---------------------------------------------------------------------------------------------
// Writing verdicts

type Checked = Pick<CompanyMapping, 'id' | 'companyId' | 'companyName' | 'status' | 'statusReason'>;

const sameAsStored = (m: Checked, v: MappingVerdict) =>
  m.status === v.status && m.companyName === v.companyName && m.statusReason === v.statusReason;

/**
 * Stores verdicts. Every write is conditional on the mapping still pointing at the company that was
 * read, so an admin who re-maps or clears a customer meanwhile is never overwritten. Unchanged
 * mappings (the usual case) only get their sync time, in one statement.
 */
async function storeVerdicts(db: Db, checked: ReadonlyArray<{ mapping: Checked; verdict: MappingVerdict }>, now: Date) {
  const unchanged = checked.filter((c) => sameAsStored(c.mapping, c.verdict));
  const changed = checked.filter((c) => !sameAsStored(c.mapping, c.verdict));
  for (let i = 0; i < unchanged.length; i += 1000) {
    const part = unchanged.slice(i, i + 1000);
    await db.companyMapping.updateMany({
      where: { id: { in: part.map((c) => c.mapping.id) }, companyId: { in: part.map((c) => c.mapping.companyId!) } },
      data: { lastSyncAt: now, lastError: null },
    });
  }
  if (changed.length === 0) return;
  await db.$transaction(
    changed.map(({ mapping, verdict }) =>
      db.companyMapping.updateMany({
        where: { id: mapping.id, companyId: mapping.companyId },
        data: {
          status: verdict.status,
          companyName: verdict.companyName,
          statusReason: verdict.statusReason,
          lastSyncAt: now,
          lastError: null,
        },
      }),
    ),
  );
}

/** A failed read changes no status; the mapping only remembers that its last refresh failed. */
async function storeFailure(db: Db, mappings: readonly Checked[], text: string): Promise<void> {
  for (let i = 0; i < mappings.length; i += 1000) {
    const part = mappings.slice(i, i + 1000);
    await db.companyMapping.updateMany({ where: { id: { in: part.map((m) => m.id) } }, data: { lastError: text } });
  }
}

const checkedSelect = { id: true, companyId: true, companyName: true, status: true, statusReason: true } as const;

// ---------------------------------------------------------------------------------------------
// One customer

/**
 * Re-reads one customer's mapped company (one GET) and applies the status rules; returns the
 * updated mapping, or null when the customer has no mapped company. Used before a ticket is
 * created and by "Refresh" on the Customers page.
 *
 * When the read fails (outage, timeout, rate limit, permission) no status changes, a failed sync
 * is logged with Autotask's message, and the Autotask error is re-thrown for the caller to explain.
 */
export async function refreshCustomerMapping(
  deps: CompanySyncDeps,
  customerId: number,
  trigger: string,
): Promise<CompanyMapping | null> {
  const { db, client } = deps;
  const mapping = await db.companyMapping.findUnique({ where: { customerId }, select: checkedSelect });
  if (!mapping || mapping.companyId === null) return null;

  const log = await startSyncLog(db, trigger);
  let company: Company | undefined;
  try {
    company = await client.getCompany(mapping.companyId);
  } catch (e) {
    // "No such company" is a successful answer about the company, not a failed call.
    if (!(e instanceof AutotaskNotFoundError)) {
      const text = syncErrorText(e);
      await storeFailure(db, [mapping], text);
      await finishSyncLog(db, log, { checked: 0, renamed: 0, invalid: 0, errors: 1, message: text });
      throw e;
    }
  }
  const verdict = judgeMapping(mapping, company);
  await storeVerdicts(db, [{ mapping, verdict }], new Date());
  await finishSyncLog(db, log, {
    checked: 1,
    renamed: verdict.nameChanged ? 1 : 0,
    invalid: verdict.status === 'invalid' ? 1 : 0,
    errors: 0,
    message: null,
  });
  return db.companyMapping.findUnique({ where: { customerId } });
}

// ---------------------------------------------------------------------------------------------
// Many customers

export interface RefreshSelection {
  /** Why the sync runs: `refresh-all`, `page-view`, `periodic`, … (kept in the sync log). */
  readonly trigger: string;
  /** Only these customers. */
  readonly customerIds?: readonly number[];
  /** Only mappings last synced before this time (or never). */
  readonly syncedBefore?: Date;
  /** At most this many mappings, the longest-unsynced first. */
  readonly limit?: number;
  /** A sync-log row already claimed for this run (see claimBackgroundSync). */
  readonly log?: { id: number; startedAt: Date };
}

export interface SyncSummary {
  readonly syncLogId: number;
  readonly checked: number;
  readonly renamed: number;
  readonly invalid: number;
  /** Mappings that could not be checked because their batch failed. */
  readonly errors: number;
  readonly requests: number;
  readonly durationMs: number;
  /** The first failure's text (Autotask's words), when any batch failed. */
  readonly message: string | null;
  /** The first failure itself, for an explanation in the page. */
  readonly failure: unknown;
}

/**
 * Refreshes many mappings with batched reads: one `in` query per 500 company IDs, run side by side
 * (the client keeps it to 3 at a time per endpoint). A failed batch leaves its mappings untouched
 * and is counted in `errors`; the other batches still apply.
 */
export async function refreshMappings(deps: CompanySyncDeps, selection: RefreshSelection): Promise<SyncSummary> {
  const { db, client } = deps;
  const where: Prisma.CompanyMappingWhereInput = {
    companyId: { not: null },
    ...(selection.customerIds ? { customerId: { in: [...selection.customerIds] } } : {}),
    ...(selection.syncedBefore ? { OR: [{ lastSyncAt: null }, { lastSyncAt: { lt: selection.syncedBefore } }] } : {}),
  };
  const log = selection.log ?? (await startSyncLog(db, selection.trigger));
  const mappings = await db.companyMapping.findMany({
    where,
    select: checkedSelect,
    orderBy: [{ lastSyncAt: { sort: 'asc', nulls: 'first' } }, { id: 'asc' }],
    ...(selection.limit ? { take: selection.limit } : {}),
  });

  const batches: Checked[][] = [];
  for (let i = 0; i < mappings.length; i += SYNC_BATCH_SIZE) batches.push(mappings.slice(i, i + SYNC_BATCH_SIZE));
  const answers = await Promise.allSettled(batches.map((batch) => client.getCompanies(batch.map((m) => m.companyId!))));

  const now = new Date();
  const checked: Array<{ mapping: Checked; verdict: MappingVerdict }> = [];
  let errors = 0;
  let failure: unknown = null;
  for (const [i, answer] of answers.entries()) {
    const batch = batches[i]!;
    if (answer.status === 'rejected') {
      errors += batch.length;
      failure ??= answer.reason;
      await storeFailure(db, batch, syncErrorText(answer.reason));
      continue;
    }
    const byId = new Map(answer.value.map((c) => [c.id, c]));
    for (const mapping of batch)
      checked.push({ mapping, verdict: judgeMapping(mapping, byId.get(mapping.companyId!)) });
  }
  await storeVerdicts(db, checked, now);

  const counts: SyncCounts = {
    checked: checked.length,
    renamed: checked.filter((c) => c.verdict.nameChanged).length,
    invalid: checked.filter((c) => c.verdict.status === 'invalid').length,
    errors,
    message: failure === null ? null : syncErrorText(failure),
  };
  const durationMs = await finishSyncLog(db, log, counts);
  return { syncLogId: log.id, ...counts, requests: batches.length, durationMs, failure };
}

// ---------------------------------------------------------------------------------------------
// Background runs (after the Customers page, periodic)

/** A sync that started less than this long ago and has not finished is taken to be running. */
export const RUNNING_WINDOW_MS = 60_000;
/** After a failed sync, background runs wait this long before asking Autotask again. */
export const FAILURE_BACKOFF_MS = 5 * 60_000;
/** Mappings last synced longer ago than this are refreshed after the Customers page is sent. */
export const STALE_AFTER_MS = 60 * 60_000;
/** One page view refreshes at most this many mappings (4 requests); the next view takes the rest. */
export const PAGE_VIEW_LIMIT = 2000;

/**
 * Claims the right to run a background sync, across every app instance sharing the database: the
 * claim is a sync-log row, and of two claims made at the same time the older row wins (each
 * instance inserts before it looks, so at least one sees the other). Returns null, leaving no row
 * behind, when another sync is running or one failed moments ago.
 */
export async function claimBackgroundSync(db: Db, trigger: string): Promise<{ id: number; startedAt: Date } | null> {
  const now = Date.now();
  const recentFailure = await db.syncLog.findFirst({
    where: { kind: COMPANY_SYNC_KIND, ok: false, finishedAt: { gt: new Date(now - FAILURE_BACKOFF_MS) } },
    select: { id: true },
  });
  if (recentFailure) return null;
  const mine = await startSyncLog(db, trigger);
  const other = await db.syncLog.findFirst({
    where: {
      kind: COMPANY_SYNC_KIND,
      finishedAt: null,
      startedAt: { gt: new Date(now - RUNNING_WINDOW_MS) },
      id: { lt: mine.id },
    },
    select: { id: true },
  });
  if (other) {
    await db.syncLog.delete({ where: { id: mine.id } });
    return null;
  }
  return mine;
}

/**
 * Refreshes mappings last synced before `syncedBefore`, unless none are due or another sync is
 * running. Returns null when it did not run.
 */
export async function refreshStaleMappings(
  deps: CompanySyncDeps,
  options: { trigger: string; syncedBefore: Date; limit?: number },
): Promise<SyncSummary | null> {
  const due = await deps.db.companyMapping.count({
    where: { companyId: { not: null }, OR: [{ lastSyncAt: null }, { lastSyncAt: { lt: options.syncedBefore } }] },
  });
  if (due === 0) return null;
  const log = await claimBackgroundSync(deps.db, options.trigger);
  if (!log) return null;
  try {
    return await refreshMappings(deps, { ...options, log });
  } catch (e) {
    // A database failure mid-run: close the claim so it does not block the next run for a minute.
    await deps.db.syncLog
      .update({
        where: { id: log.id },
        data: { finishedAt: new Date(), ok: false, errors: 1, message: syncErrorText(e) },
      })
      .catch(() => undefined);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Who runs background syncs

export interface BackgroundSyncDeps {
  readonly db: Db;
  readonly access: AutotaskAccess;
  readonly logger: Logger;
}

/** A client for background reads, or null when the integration is off or has no credentials. */
async function backgroundClient(
  deps: BackgroundSyncDeps,
): Promise<{ client: AutotaskClient; settings: IntegrationSettings } | null> {
  const settings = await getIntegrationSettings(deps.db);
  if (!settings.enabled || !hasCredentials(settings)) return null;
  return { client: deps.access.client(settings), settings };
}

/**
 * Run after the Customers page has been sent: refreshes mappings last synced over an hour ago, so
 * names stay current without anyone asking (seed §3.2). Never throws; failures are logged (and a
 * failed Autotask call is in the sync log).
 */
export async function refreshAfterPageView(deps: BackgroundSyncDeps): Promise<SyncSummary | null> {
  try {
    const ready = await backgroundClient(deps);
    if (!ready) return null;
    const summary = await refreshStaleMappings(
      { db: deps.db, client: ready.client },
      { trigger: 'page-view', syncedBefore: new Date(Date.now() - STALE_AFTER_MS), limit: PAGE_VIEW_LIMIT },
    );
    if (summary?.errors)
      deps.logger.warn({ syncLogId: summary.syncLogId, message: summary.message }, 'company sync failed');
    return summary;
  } catch (err) {
    deps.logger.error({ err }, 'company sync after page view failed');
    return null;
  }
}

/** How often the periodic sync checks whether it is due. */
export const PERIODIC_TICK_MS = 60_000;

/**
 * The optional periodic sync (Settings: sync interval, off by default): each tick refreshes the
 * mappings last synced longer ago than the interval. Reads only. The timer is unref'd so it never
 * keeps the process alive; several instances coordinate through the sync log.
 */
export function startPeriodicCompanySync(
  deps: BackgroundSyncDeps,
  options: { tickMs?: number } = {},
): { stop(): void; tick(): Promise<SyncSummary | null> } {
  let running = false;
  const tick = async (): Promise<SyncSummary | null> => {
    if (running) return null;
    running = true;
    try {
      const ready = await backgroundClient(deps);
      const minutes = ready?.settings.syncIntervalMinutes ?? 0;
      if (!ready || minutes <= 0) return null;
      const summary = await refreshStaleMappings(
        { db: deps.db, client: ready.client },
        { trigger: 'periodic', syncedBefore: new Date(Date.now() - minutes * 60_000) },
      );
      if (summary?.errors)
        deps.logger.warn({ syncLogId: summary.syncLogId, message: summary.message }, 'periodic company sync failed');
      return summary;
    } catch (err) {
      deps.logger.error({ err }, 'periodic company sync failed');
      return null;
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), options.tickMs ?? PERIODIC_TICK_MS);
  timer.unref();
  return { stop: () => clearInterval(timer), tick };
}
