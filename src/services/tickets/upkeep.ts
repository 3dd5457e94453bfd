import { AutotaskError } from '../../autotask/client.ts';
import type { Db } from '../../db/database.ts';
import { systemActor } from '../accounts/audit.ts';
import type { AutotaskAccess } from '../integration/autotask-access.ts';
import { checkBackgroundBudget } from '../integration/request-budget.ts';
import { hasCredentials, SETTINGS_ID } from '../integration/settings.ts';
import { runLabel } from './create/context.ts';
import { reconcilePending } from './reconcile.ts';
import { isSettleable } from './run-ticket-claims.ts';
import { needsStatusRefresh, refreshTicketStatuses } from './status-snapshots.ts';

/**
 * What a page that shows run tickets starts after it has been sent (Run Checks, run detail):
 *  - pending rows older than the settle time are settled by reference (a crashed or timed-out
 *    attempt) — a lookup only, nothing is ever posted from here;
 *  - created tickets whose status snapshot is older than five minutes, or which lack their number
 *    or link after a failed read-back, are read in one batched query per 500 — unless the tenant
 *    has used 80 % of its hourly request budget (integration/request-budget.ts): then the old
 *    snapshots stay shown "as of" their time and Diagnostics says why.
 * Settling is not paused by the budget: it is one lookup per crashed attempt, rare, and it is what
 * lets an operator create the run's ticket again.
 * Reads only: no background job writes to Autotask.
 */

export interface UpkeepDeps {
  readonly db: Db;
  readonly autotask: AutotaskAccess;
  readonly timeoutMs: number;
}

export interface UpkeepResult {
  readonly settled: number;
  readonly statusesChecked: number;
  /** Why the status refresh failed (Autotask's error); the old statuses stay shown "as of" their time. */
  readonly statusError: unknown;
  /** The status refresh was due but skipped: the hourly request budget is nearly used up. */
  readonly budgetPaused?: boolean;
}

const nothing: UpkeepResult = { settled: 0, statusesChecked: 0, statusError: null };

/**
 * Rows this process is already working on: two page views at the same moment do not both ask
 * Autotask about the same tickets. Only an optimisation; every write below is conditional anyway.
 */
const inFlight = new Set<number>();

/**
 * Runs `task` with these ticket records marked as being worked on in this process, so that the
 * upkeep of a page shown meanwhile leaves them alone: the read-back after a create
 * (`create/after-create.ts`) runs while the page the click leads to is being shown.
 */
export async function whileInFlight<T>(ids: readonly number[], task: () => Promise<T>): Promise<T> {
  const mine = ids.filter((id) => !inFlight.has(id));
  for (const id of mine) inFlight.add(id);
  try {
    return await task();
  } finally {
    for (const id of mine) inFlight.delete(id);
  }
}

export async function upkeepShownTickets(
  deps: UpkeepDeps,
  runTicketIds: readonly number[],
  now: Date = new Date(),
): Promise<UpkeepResult> {
  const ids = [...new Set(runTicketIds)].filter((id) => !inFlight.has(id));
  if (ids.length === 0) return nothing;
  for (const id of ids) inFlight.add(id);
  try {
    const { db } = deps;
    const settings = await db.integrationSettings.findUnique({ where: { id: SETTINGS_ID } });
    // Switched off or without credentials: nothing asks Autotask; the snapshots stay as they are.
    if (!settings?.enabled || !hasCredentials(settings)) return nothing;
    const client = deps.autotask.client(settings);
    const rows = await db.ticket.findMany({
      where: { id: { in: ids } },
      include: {
        originRun: { select: { id: true, job: { select: { name: true, customer: { select: { name: true } } } } } },
      },
    });

    let settled = 0;
    for (const row of rows.filter((r) => isSettleable(r, now, deps.timeoutMs))) {
      const result = await reconcilePending({ db, client, picklists: settings.picklists }, row, {
        actor: systemActor,
        via: 'view',
        absentIsFinal: true,
        now,
        label: runLabel(row.originRun),
      });
      if (result.kind === 'attached' || result.kind === 'absent') settled += 1;
    }

    const due = rows.filter((r) => needsStatusRefresh(r, now));
    if (due.length === 0) return { settled, statusesChecked: 0, statusError: null };
    if ((await checkBackgroundBudget({ db, client }, now)).paused) {
      return { settled, statusesChecked: 0, statusError: null, budgetPaused: true };
    }
    try {
      const refreshed = await refreshTicketStatuses({ db, client, picklists: settings.picklists }, due, now);
      return { settled, statusesChecked: refreshed.checked + refreshed.missing, statusError: null };
    } catch (e) {
      if (!(e instanceof AutotaskError)) throw e;
      return { settled, statusesChecked: 0, statusError: e };
    }
  } finally {
    for (const id of ids) inFlight.delete(id);
  }
}
