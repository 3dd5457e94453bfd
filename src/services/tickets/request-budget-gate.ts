import type { Db } from '../../db/database.ts';
import type { AutotaskProfile } from '../../psa/autotask/profile.ts';
import type { PsaProfile } from '../../psa/port.ts';
import { checkBackgroundBudget } from '../integration/request-budget.ts';

/**
 * Autotask's hourly request budget (integration/request-budget.ts) for the status reads nobody
 * clicked for: true when they must pause now. Only Autotask has such a tenant-wide budget; with
 * another PSA active nothing is read or paused here.
 */
export async function autotaskBudgetPaused(
  db: Db,
  profile: PsaProfile,
  now: Date,
  /** How many requests the reads will send, when known: a small job may skip the reading. */
  plannedRequests?: number,
): Promise<boolean> {
  if (profile.psa !== 'autotask') return false;
  const client = (profile as AutotaskProfile).autotaskClient();
  return (await checkBackgroundBudget({ db, client }, now, plannedRequests)).paused;
}
