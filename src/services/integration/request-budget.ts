import { AutotaskError, type AutotaskClient, type ThresholdInfo } from '../../autotask/client.ts';
import type { Db, IntegrationSettings } from '../../db/database.ts';
import { SETTINGS_ID } from './settings.ts';

/**
 * The tenant's hourly request budget (docs/autotask.md, Hourly request threshold): Autotask allows
 * a number of requests per rolling hour for the whole tenant, shared with every other integration
 * of it, and past the limit refuses all of them until the window clears. So work nobody clicked
 * for — the company-name syncs and the ticket-status refresh after a page view — pauses once 80 %
 * of the budget is used, leaving the rest for what operators do (create, resolve, refresh a
 * mapping by hand, test the connection), which never asks this module.
 *
 * The cost of knowing: one `ThresholdInformation` request (it counts toward the budget itself),
 * made only when background work is about to run and the stored reading is over five minutes
 * old — at most 12 an hour, a tenth of a percent of Autotask's 10,000. The reading is kept in
 * IntegrationSettings, so every app instance shares it, and a conditional update lets only one
 * instance ask when it expires.
 *
 * When the reading fails (Autotask down, credentials refused), nothing is paused on that basis:
 * the background work runs and fails as it would have, with its own errors in the sync log.
 */

/** A stored reading is used for this long before Autotask is asked again. */
export const BUDGET_CHECK_INTERVAL_MS = 5 * 60_000;
/** Background reads pause at this share of the hourly limit and resume below it. */
export const PAUSE_AT_SHARE = 0.8;
/**
 * A small job goes by an older reading: asking Autotask for the budget would be a good part of
 * what the job itself costs (a status refresh of 2,000 tickets is 4 requests). Small means at most
 * this share of the hourly limit, with the last reading, up to an hour old, well below the pause
 * line even with the job added.
 */
export const SMALL_JOB_SHARE = 0.01;
export const SMALL_JOB_READING_MAX_AGE_MS = 60 * 60_000;
const SMALL_JOB_HEADROOM_SHARE = 0.5;

export interface BudgetReading {
  readonly checkedAt: Date;
  readonly used: number;
  readonly limit: number;
}

export type BudgetStoredFields = Pick<IntegrationSettings, 'thresholdCheckedAt' | 'thresholdUsed' | 'thresholdLimit'>;

/** The stored reading, or null when none was taken or the last attempt failed. */
export function readingOf(s: BudgetStoredFields): BudgetReading | null {
  if (!s.thresholdCheckedAt || s.thresholdUsed === null || s.thresholdLimit === null) return null;
  return { checkedAt: s.thresholdCheckedAt, used: s.thresholdUsed, limit: s.thresholdLimit };
}

/** See SMALL_JOB_SHARE. */
export function isSmallJob(r: BudgetReading, plannedRequests: number, now: Date): boolean {
  return (
    r.limit > 0 &&
    now.getTime() - r.checkedAt.getTime() < SMALL_JOB_READING_MAX_AGE_MS &&
    plannedRequests <= r.limit * SMALL_JOB_SHARE &&
    (r.used + plannedRequests) / r.limit < SMALL_JOB_HEADROOM_SHARE
  );
}

export function isOverBudget(r: BudgetReading): boolean {
  return r.limit > 0 && r.used / r.limit >= PAUSE_AT_SHARE;
}

/** Whole percent of the limit used. */
export function usedPercent(r: BudgetReading): number {
  return r.limit > 0 ? Math.round((r.used / r.limit) * 100) : 0;
}

export interface BudgetVerdict {
  /** True when background reads must not run now. */
  readonly paused: boolean;
  /** The reading the verdict is based on; null when none is known. */
  readonly reading: BudgetReading | null;
}

const verdictOf = (reading: BudgetReading | null): BudgetVerdict => ({
  paused: reading !== null && isOverBudget(reading),
  reading,
});

export interface BudgetDeps {
  readonly db: Db;
  readonly client: AutotaskClient;
}

/**
 * Whether background reads may run now. Call it only when background work is due: it may cost
 * one Autotask request (see above). Never throws for an Autotask failure.
 */
export async function checkBackgroundBudget(
  deps: BudgetDeps,
  now: Date = new Date(),
  /** How many Autotask requests the job will send, when it knows: a small job may skip the reading. */
  plannedRequests?: number,
): Promise<BudgetVerdict> {
  const { db } = deps;
  const stored = await db.integrationSettings.findUnique({
    where: { id: SETTINGS_ID },
    select: { thresholdCheckedAt: true, thresholdUsed: true, thresholdLimit: true },
  });
  if (!stored) return verdictOf(null);
  const checkedAt = stored.thresholdCheckedAt;
  if (checkedAt && now.getTime() - checkedAt.getTime() < BUDGET_CHECK_INTERVAL_MS) {
    return verdictOf(readingOf(stored));
  }
  const reading = readingOf(stored);
  if (reading && plannedRequests !== undefined && isSmallJob(reading, plannedRequests, now)) return verdictOf(reading);
  // Only the instance (or page view) whose update lands asks Autotask; the others go by the
  // previous reading, which is at most a few minutes past its age.
  const claimed = await db.integrationSettings.updateMany({
    where: { id: SETTINGS_ID, thresholdCheckedAt: checkedAt },
    data: { thresholdCheckedAt: now },
  });
  if (claimed.count === 0) return verdictOf(readingOf(stored));
  return verdictOf(await takeReading(deps, now));
}

/** Asks Autotask and stores the answer; a failed attempt is stored as "not known". */
async function takeReading(deps: BudgetDeps, now: Date): Promise<BudgetReading | null> {
  let info: ThresholdInfo | null;
  try {
    info = await deps.client.getThresholdInformation();
  } catch (e) {
    if (!(e instanceof AutotaskError)) throw e;
    info = null;
  }
  return saveBudgetReading(deps.db, info, now);
}

/**
 * Stores a ThresholdInformation answer (null: the reading failed) as the budget reading. Test
 * connection reads the same answer, so it stores it too instead of leaving the next background
 * run to ask again.
 */
export async function saveBudgetReading(db: Db, info: ThresholdInfo | null, now: Date): Promise<BudgetReading | null> {
  await db.integrationSettings.update({
    where: { id: SETTINGS_ID },
    data: {
      thresholdCheckedAt: now,
      thresholdUsed: info?.currentCount ?? null,
      thresholdLimit: info?.requestLimit ?? null,
    },
  });
  return info ? { checkedAt: now, used: info.currentCount, limit: info.requestLimit } : null;
}

const numberFormat = new Intl.NumberFormat('en-US');

/** "8,420 of 10,000 requests used this hour (84%)". */
export function budgetUsageText(r: BudgetReading): string {
  return `${numberFormat.format(r.used)} of ${numberFormat.format(r.limit)} requests used this hour (${usedPercent(r)}%)`;
}

/** What Diagnostics shows about the budget: the last reading and whether background reads are paused. */
export interface BudgetStatus {
  readonly state: 'paused' | 'running' | 'unknown' | 'never';
  readonly checkedAt: Date | null;
  readonly usage: string | null;
  readonly pausePercent: number;
}

export function budgetStatus(s: BudgetStoredFields): BudgetStatus {
  const pausePercent = Math.round(PAUSE_AT_SHARE * 100);
  const reading = readingOf(s);
  if (!s.thresholdCheckedAt) return { state: 'never', checkedAt: null, usage: null, pausePercent };
  if (!reading) return { state: 'unknown', checkedAt: s.thresholdCheckedAt, usage: null, pausePercent };
  return {
    state: isOverBudget(reading) ? 'paused' : 'running',
    checkedAt: reading.checkedAt,
    usage: budgetUsageText(reading),
    pausePercent,
  };
}
