import type { Db } from '../../db/database.ts';
import type { PsaAccess } from '../../psa/access.ts';
import { PsaError } from '../../psa/errors.ts';
import type { PsaClient, PsaProfile } from '../../psa/port.ts';
import { systemActor } from '../accounts/audit.ts';
import { runLabel } from './create/context.ts';
import { reconcilePending } from './reconcile.ts';
import { autotaskBudgetPaused } from './request-budget-gate.ts';
import { isSettleable } from './run-ticket-claims.ts';
import { needsStatusRefresh, refreshTicketStatuses } from './status-snapshots.ts';

/**
 * What a page that shows run tickets starts after it has been sent (Run Checks, run detail):
 *  - pending rows older than the settle time are settled by reference (a crashed or timed-out
 *    attempt) — a lookup only, nothing is ever posted from here;
 *  - created tickets whose status snapshot is older than five minutes, or which lack their number
 *    or link after a failed read-back, are read in one batched query per 500 — unless, with
 *    Autotask, the tenant has used 80 % of its hourly request budget (integration/request-budget.ts):
 *    then the old snapshots stay shown "as of" their time and Diagnostics says why.
 * Settling is not paused by the budget: it is one lookup per crashed attempt, rare, and it is what
 * lets an operator create the run's ticket again.
 * Only tickets of the active PSA are touched: one of the PSA that was active before a switch keeps
 * what it shows, and nothing about it is sent to any PSA.
 * Reads only: no background job writes to a PSA.
 */

export interface UpkeepDeps {
  readonly db: Db;
  readonly psa: PsaAccess;
  readonly timeoutMs: number;
}

export interface UpkeepResult {
  readonly settled: number;
  readonly statusesChecked: number;
  /** Why the status refresh failed (the PSA's error); the old statuses stay shown "as of" their time. */
  readonly statusError: unknown;
  /** The status refresh was due but skipped: Autotask's hourly request budget is nearly used up. */
  readonly budgetPaused?: boolean;
}

const nothing: UpkeepResult = { settled: 0, statusesChecked: 0, statusError: null };

/**
 * Rows this process is already working on: two page views at the same moment do not both ask
 * the PSA about the same tickets. Only an optimisation; every write below is conditional anyway.
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
    const ready = await upkeepClient(deps);
    // Switched off or without credentials: nothing asks the PSA; the snapshots stay as they are.
    if (!ready) return nothing;
    const { profile, client } = ready;
    const rows = await db.ticket.findMany({
      where: { id: { in: ids }, psaType: profile.psa },
      include: {
        originRun: { select: { id: true, job: { select: { name: true, customer: { select: { name: true } } } } } },
      },
    });

    let settled = 0;
    for (const row of rows.filter((r) => isSettleable(r, now, deps.timeoutMs))) {
      const result = await reconcilePending({ db, client }, row, {
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
    if (await autotaskBudgetPaused(db, profile, now)) {
      return { settled, statusesChecked: 0, statusError: null, budgetPaused: true };
    }
    try {
      const refreshed = await refreshTicketStatuses({ db, client }, due, now);
      return { settled, statusesChecked: refreshed.checked + refreshed.missing, statusError: null };
    } catch (e) {
      if (!(e instanceof PsaError)) throw e;
      return { settled, statusesChecked: 0, statusError: e };
    }
  } finally {
    for (const id of ids) inFlight.delete(id);
  }
}

/** The active PSA's client, or null when it is switched off or has no credentials. */
async function upkeepClient(deps: UpkeepDeps): Promise<{ profile: PsaProfile; client: PsaClient } | null> {
  const profile = await deps.psa.active(deps.db);
  if (!profile.enabled || !profile.hasCredentials) return null;
  return { profile, client: profile.client() };
}
