import type { Db, IntegrationSettings } from '../../db/database.ts';
import type { Logger } from '../../logger.ts';
import type { PsaAccess } from '../../psa/access.ts';
import type { PsaClient, PsaProfile } from '../../psa/port.ts';
import { getIntegrationSettings } from '../integration/settings.ts';
import { claimSyncRun, type SyncLogHandle } from '../integration/sync-log.ts';
import { autotaskBudgetPaused } from '../tickets/request-budget-gate.ts';
import {
  COMPANY_SYNC_KIND,
  refreshMappings,
  syncErrorText,
  type CompanySyncDeps,
  type SyncSummary,
} from './company-sync.ts';

/**
 * The company syncs nobody clicked for: after the Customers page is sent, and the optional periodic
 * sync. Both refresh only mappings that are due, never run twice at once across app instances, and
 * back off after a failure so a PSA outage is not asked again on every page view. They read the
 * active PSA's companies, whichever it is.
 */

/** A sync that started less than this long ago and has not finished is taken to be running. */
export const RUNNING_WINDOW_MS = 60_000;
/** After a failed sync, background runs wait this long before asking the PSA again. */
export const FAILURE_BACKOFF_MS = 5 * 60_000;
/** Mappings last synced longer ago than this are refreshed after the Customers page is sent. */
export const STALE_AFTER_MS = 60 * 60_000;
/** One page view refreshes at most this many mappings (4 requests); the next view takes the rest. */
export const PAGE_VIEW_LIMIT = 2000;

/**
 * Claims the right to run a background sync, across every app instance sharing the database
 * (`claimSyncRun`). Returns null, leaving no row behind, when another sync is running or one
 * failed moments ago.
 */
export async function claimBackgroundSync(db: Db, trigger: string): Promise<SyncLogHandle | null> {
  const now = new Date();
  const claimed = await claimSyncRun(db, {
    kind: COMPANY_SYNC_KIND,
    trigger,
    now,
    backoffMs: FAILURE_BACKOFF_MS,
    taken: { finishedAt: null, startedAt: { gt: new Date(now.getTime() - RUNNING_WINDOW_MS) } },
  });
  return typeof claimed === 'string' ? null : claimed;
}

/**
 * Refreshes mappings last synced before `syncedBefore`, unless none are due, another sync is
 * running, or (Autotask) the tenant has used 80 % of its hourly request budget (request-budget.ts;
 * the budget is asked only once work is due and claimed, so an idle app costs Autotask nothing).
 * Returns null when it did not run.
 */
export async function refreshStaleMappings(
  deps: CompanySyncDeps & { readonly profile: PsaProfile },
  options: { trigger: string; syncedBefore: Date; limit?: number },
): Promise<SyncSummary | null> {
  const due = await deps.db.companyMapping.count({
    where: { companyId: { not: null }, OR: [{ lastSyncAt: null }, { lastSyncAt: { lt: options.syncedBefore } }] },
  });
  if (due === 0) return null;
  const log = await claimBackgroundSync(deps.db, options.trigger);
  if (!log) return null;
  try {
    if (await autotaskBudgetPaused(deps.db, deps.profile, new Date())) {
      // Not a sync that ran: the claim goes, and Diagnostics shows the pause from the reading.
      await deps.db.syncLog.delete({ where: { id: log.id } });
      return null;
    }
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
  readonly psa: PsaAccess;
  readonly logger: Logger;
}

/** The active PSA and its client for background reads, or null when it is off or has no credentials. */
async function backgroundClient(
  deps: BackgroundSyncDeps,
  autotaskRow?: IntegrationSettings,
): Promise<{ profile: PsaProfile; client: PsaClient } | null> {
  const profile = await deps.psa.active(deps.db, autotaskRow);
  if (!profile.enabled || !profile.hasCredentials) return null;
  return { profile, client: profile.client() };
}

/**
 * Run after the Customers page has been sent: refreshes mappings last synced over an hour ago, so
 * names stay current without anyone asking and the page itself never waits for the PSA. Never
 * throws; failures are logged (and a failed call to the PSA is in the sync log).
 */
export async function refreshAfterPageView(deps: BackgroundSyncDeps): Promise<SyncSummary | null> {
  try {
    const ready = await backgroundClient(deps);
    if (!ready) return null;
    const summary = await refreshStaleMappings(
      { db: deps.db, ...ready },
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

/**
 * The optional periodic sync (Settings: sync interval, off by default), as the background job runs
 * it every minute (src/jobs/background-jobs.ts): refreshes the mappings last synced longer ago
 * than the interval. Reads only. A failure of the PSA is a failed sync in the sync log; anything
 * else (the database) is thrown, so the job queue retries it and Diagnostics shows it.
 */
export async function runPeriodicCompanySync(deps: BackgroundSyncDeps): Promise<SyncSummary | null> {
  // The interval is the installation's, shown on both PSA settings pages
  // (src/services/integration/installation-settings.ts), and applies to the active PSA. Its row is
  // Autotask's too, so finding the active PSA does not read it again.
  const row = await getIntegrationSettings(deps.db);
  const minutes = row.syncIntervalMinutes ?? 0;
  if (minutes <= 0) return null;
  const ready = await backgroundClient(deps, row);
  if (!ready) return null;
  const summary = await refreshStaleMappings(
    { db: deps.db, ...ready },
    { trigger: 'periodic', syncedBefore: new Date(Date.now() - minutes * 60_000) },
  );
  if (summary?.errors)
    deps.logger.warn({ syncLogId: summary.syncLogId, message: summary.message }, 'periodic company sync failed');
  return summary;
}

/** The last finished company sync, for "company names last checked …" above the Customers list. */
export function lastCompanySync(db: Db) {
  return db.syncLog.findFirst({
    where: { kind: COMPANY_SYNC_KIND, finishedAt: { not: null } },
    orderBy: { id: 'desc' },
  });
}
