import type { AutotaskClient } from '../../autotask/client.ts';
import type { Db, IntegrationSettings } from '../../db/database.ts';
import { autotaskFailureReason, PAGE_WAIT_OVER } from '../../errors/autotask-messages.ts';
import { withDeadline } from '../../shared/deadline.ts';
import { deferWork } from '../../shared/deferred-work.ts';
import { SETTINGS_ID } from './settings.ts';

/**
 * Proof that the API user can see non-billable time entries. Autotask hides them from an API user
 * whose security level lacks "Can view non-billable time entries" instead of refusing, so the
 * time-entry gate would count 0 on a ticket with non-billable time and resolve it. A count of 0
 * cannot tell "none" from "hidden"; only a non-billable entry actually seen is evidence
 * (docs/autotask.md, Time entries). Resolve is offered and executed only while such evidence is
 * fresh. The outcome of the last check is kept in IntegrationSettings so every instance shares it.
 */

/** How long a positive observation counts as proof. */
export const PROOF_MAX_AGE_MS = 24 * 60 * 60_000;
/** How far back a non-billable entry may have been worked to count. */
export const PROOF_WINDOW_DAYS = 90;
/**
 * Pages do not ask Autotask again within this time after a check that proved nothing: the answer
 * rarely changes by itself, and the admin is told to run Test connection, which asks at once.
 * The resolve itself always asks when there is no fresh proof.
 */
export const PAGE_RECHECK_AFTER_MS = 5 * 60_000;

export const NOT_VISIBLE_REASON = `No non-billable time entry of the last ${PROOF_WINDOW_DAYS} days is visible to the API user.`;

/** The permission, as Autotask's security level settings name it. */
export const NON_BILLABLE_PERMISSION = 'Can view non-billable time entries';

export type Visibility =
  | { readonly proven: true; readonly provenAt: Date; readonly count: number | null }
  | { readonly proven: false; readonly reason: string };

/** Next to a disabled "Resolve ticket", and the answer to a refused resolve. */
export function notProvenMessage(reason: string): string {
  return (
    'Resolve is off until Backupchecks can see non-billable time entries: ' +
    `give the API user's security level the permission "${NON_BILLABLE_PERMISSION}", then run Test connection. ` +
    `You can resolve this ticket in Autotask. (Last check: ${reason.trim()})`
  );
}

/** Younger than `ms`; a time in the future (another instance's clock ahead of ours) is suspect. */
function recent(then: Date, now: Date, ms: number): boolean {
  const age = now.getTime() - then.getTime();
  return age >= 0 && age < ms;
}

type ProofColumns = Pick<IntegrationSettings, 'nonBillableProvenAt' | 'nonBillableCheckedAt' | 'nonBillableReason'>;

/** The stored proof when it is younger than `PROOF_MAX_AGE_MS`, else null. */
export function freshProof(s: ProofColumns, now: Date): Visibility | null {
  const at = s.nonBillableProvenAt;
  return at && recent(at, now, PROOF_MAX_AGE_MS) ? { proven: true, provenAt: at, count: null } : null;
}

/** What the last check said, without asking Autotask: fresh proof, or why there is none. */
export function storedVisibility(s: ProofColumns, now: Date): Visibility {
  const fresh = freshProof(s, now);
  if (fresh) return fresh;
  const expired = s.nonBillableProvenAt ? 'The last proof is older than 24 hours.' : 'Not checked yet.';
  return { proven: false, reason: s.nonBillableReason ?? expired };
}

/**
 * Asks Autotask now: counts the tenant's non-billable entries of the last 90 days. Never throws for
 * an Autotask failure: that is a "not proven" with the reason. Stores the outcome when `db` is given.
 */
export async function checkVisibility(client: AutotaskClient, now: () => Date, db?: Db): Promise<Visibility> {
  const since = new Date(now().getTime() - PROOF_WINDOW_DAYS * 24 * 60 * 60_000);
  let outcome: Visibility;
  try {
    const count = await client.countNonBillableTimeEntries(since);
    outcome = count > 0 ? { proven: true, provenAt: now(), count } : { proven: false, reason: NOT_VISIBLE_REASON };
  } catch (e) {
    outcome = { proven: false, reason: `Checking failed: ${autotaskFailureReason(e)}` };
  }
  if (db) await store(db, outcome, now());
  return outcome;
}

async function store(db: Db, v: Visibility, at: Date): Promise<void> {
  await db.integrationSettings.updateMany({
    where: { id: SETTINGS_ID },
    data: v.proven
      ? { nonBillableProvenAt: v.provenAt, nonBillableCheckedAt: at, nonBillableReason: null }
      : { nonBillableProvenAt: null, nonBillableCheckedAt: at, nonBillableReason: v.reason },
  });
}

export interface EnsureOptions {
  readonly now?: () => Date;
  /**
   * Pages: wait at most this long, and do not ask again within `PAGE_RECHECK_AFTER_MS` of a check
   * that proved nothing. Without it (the resolve) Autotask is asked whenever there is no fresh
   * proof, for as long as the client allows.
   */
  readonly pageTimeoutMs?: number;
}

/** Checks under way, per database: simultaneous page views with a stale proof ask Autotask once. */
const inFlight = new WeakMap<Db, Promise<Visibility>>();

/**
 * Fresh proof from the settings, or a check now (stored for everyone). `client` is only called
 * when Autotask must be asked; a failure to build it (credentials unusable) is "not proven".
 */
export async function ensureVisibility(
  db: Db,
  settings: ProofColumns,
  client: () => AutotaskClient,
  options: EnsureOptions = {},
): Promise<Visibility> {
  const now = options.now ?? (() => new Date());
  const at = now();
  const fresh = freshProof(settings, at);
  if (fresh) return fresh;
  const { pageTimeoutMs } = options;
  const page = pageTimeoutMs !== undefined;
  const checkedAt = settings.nonBillableCheckedAt;
  if (page && !settings.nonBillableProvenAt && checkedAt && recent(checkedAt, at, PAGE_RECHECK_AFTER_MS)) {
    return storedVisibility(settings, at);
  }

  let autotask: AutotaskClient;
  try {
    autotask = client();
  } catch (e) {
    return { proven: false, reason: `Checking failed: ${autotaskFailureReason(e)}` };
  }
  const check = inFlight.get(db) ?? startCheck(db, autotask, now);
  // A late outcome is still stored, for the next page.
  return page ? withDeadline(check, pageTimeoutMs, { proven: false, reason: PAGE_WAIT_OVER }) : check;
}

function startCheck(db: Db, autotask: AutotaskClient, now: () => Date): Promise<Visibility> {
  const check = checkVisibility(autotask, now, db).finally(() => inFlight.delete(db));
  inFlight.set(db, check);
  // Tracked so that tests and a graceful shutdown can wait for a check a page stopped waiting for.
  // Its failure is the caller's to see; here it only must not go unhandled.
  deferWork(
    () => check,
    () => undefined,
  );
  return check;
}
