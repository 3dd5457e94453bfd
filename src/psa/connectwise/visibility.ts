import type { ConnectWiseClient, SecurityRight } from '../../connectwise/client.ts';
import type { ConnectWiseSettings, Db } from '../../db/database.ts';
import { pageWaitOver, psaFailureReason } from '../../errors/psa-messages.ts';
import { PAGE_RECHECK_AFTER_MS, PROOF_MAX_AGE_MS } from '../../services/integration/time-entry-visibility.ts';
import { withDeadline } from '../../shared/deadline.ts';
import { deferWork } from '../../shared/deferred-work.ts';
import type { VisibilityOptions, VisibilityProof } from '../port.ts';
import { CONNECTWISE_SETTINGS_ID } from './settings.ts';

/**
 * Proof that the API member sees every time entry. ConnectWise hides other members' entries from a
 * member whose security role has an Inquire level below `All` on "Time & Expense / Time Entry",
 * without an error: an API member has no time of its own, so its count is then always 0
 * (docs/connectwise.md, Time entries). The role is readable (`system/mySecurity`), so the proof is
 * the tenant's own statement of the right: Inquire level `All`. The outcome is kept on the settings
 * row (timeEntriesProvenAt/CheckedAt/Reason) so every instance shares it, and asked again once a
 * day, as for Autotask (`src/services/integration/time-entry-visibility.ts`).
 */

/** The right, as ConnectWise's role screens name it. */
export const TIME_ENTRY_RIGHT = 'Time & Expense / Time Entry';

export const NOT_LISTED_REASON = `ConnectWise did not list the "${TIME_ENTRY_RIGHT}" right of the API member.`;

export function levelReason(level: string | null): string {
  return level === null
    ? `ConnectWise sent no readable Inquire level for "${TIME_ENTRY_RIGHT}" of the API member.`
    : `The API member's security role has the Inquire level "${level}" for "${TIME_ENTRY_RIGHT}"; it needs "All".`;
}

/** Next to a disabled "Resolve ticket", and the answer to a refused resolve. */
export function notProvenMessage(reason: string): string {
  return (
    'Resolve is off until Backupchecks can see every time entry: ' +
    `set the Inquire level of "${TIME_ENTRY_RIGHT}" to All in the API member's security role, then run Test connection. ` +
    `You can resolve this ticket in ConnectWise. (Last check: ${reason.trim()})`
  );
}

/** The Time Entry rows of the member's rights; the identifiers are unverified, so names count too. */
export function timeEntryRights(rights: readonly SecurityRight[]): SecurityRight[] {
  const squash = (text: string | null) => (text ?? '').toLowerCase().replace(/[^a-z]/g, '');
  return rights.filter((r) => squash(r.functionIdentifier) === 'timeentry' || squash(r.functionName) === 'timeentry');
}

/** Proven only when every Time Entry row says `All`. */
export function proofOfRights(rights: readonly SecurityRight[]): VisibilityProof {
  const rows = timeEntryRights(rights);
  if (rows.length === 0) return { proven: false, reason: NOT_LISTED_REASON };
  const short = rows.find((r) => r.inquireLevel !== 'All');
  return short ? { proven: false, reason: levelReason(short.inquireLevel) } : { proven: true, reason: null };
}

type ProofColumns = Pick<ConnectWiseSettings, 'timeEntriesProvenAt' | 'timeEntriesCheckedAt' | 'timeEntriesReason'>;

/** Younger than `ms`; a time in the future (another instance's clock ahead of ours) is suspect. */
function recent(then: Date, now: Date, ms: number): boolean {
  const age = now.getTime() - then.getTime();
  return age >= 0 && age < ms;
}

/** What the last check said, without asking ConnectWise: fresh proof, or why there is none. */
export function storedProof(s: ProofColumns, now: Date): VisibilityProof {
  const at = s.timeEntriesProvenAt;
  if (at && recent(at, now, PROOF_MAX_AGE_MS)) return { proven: true, reason: null };
  const expired = at ? 'The last proof is older than 24 hours.' : 'Not checked yet.';
  return { proven: false, reason: s.timeEntriesReason ?? expired };
}

/**
 * Asks ConnectWise now and stores the outcome. Never throws for a ConnectWise failure: that is
 * "not proven" with the reason.
 */
export async function checkTimeEntryVisibility(
  client: ConnectWiseClient,
  db: Db,
  now: () => Date,
): Promise<VisibilityProof> {
  let proof: VisibilityProof;
  try {
    proof = proofOfRights(await client.getMySecurity());
  } catch (e) {
    proof = { proven: false, reason: `Checking failed: ${psaFailureReason(e)}` };
  }
  const at = now();
  await db.connectWiseSettings.updateMany({
    where: { id: CONNECTWISE_SETTINGS_ID },
    data: proof.proven
      ? { timeEntriesProvenAt: at, timeEntriesCheckedAt: at, timeEntriesReason: null }
      : { timeEntriesProvenAt: null, timeEntriesCheckedAt: at, timeEntriesReason: proof.reason },
  });
  return proof;
}

/** Checks under way, per database: simultaneous page views with a stale proof ask ConnectWise once. */
const inFlight = new WeakMap<Db, Promise<VisibilityProof>>();

/**
 * Fresh proof from the row, or a check now (stored for everyone). `client` is only called when
 * ConnectWise must be asked; a failure to build it (credentials unusable) is "not proven". Pages
 * (`pageTimeoutMs`) wait only so long and do not ask again within `PAGE_RECHECK_AFTER_MS` of a check
 * that proved nothing; the resolve asks whenever there is no fresh proof.
 */
export async function ensureTimeEntryVisibility(
  db: Db,
  row: ProofColumns,
  client: () => ConnectWiseClient,
  options: VisibilityOptions = {},
): Promise<VisibilityProof> {
  const now = options.now ?? (() => new Date());
  const at = now();
  const stored = storedProof(row, at);
  if (stored.proven) return stored;
  const { pageTimeoutMs } = options;
  const page = pageTimeoutMs !== undefined;
  const checkedAt = row.timeEntriesCheckedAt;
  if (page && !row.timeEntriesProvenAt && checkedAt && recent(checkedAt, at, PAGE_RECHECK_AFTER_MS)) return stored;

  let cw: ConnectWiseClient;
  try {
    cw = client();
  } catch (e) {
    return { proven: false, reason: `Checking failed: ${psaFailureReason(e)}` };
  }
  const check = inFlight.get(db) ?? startCheck(db, cw, now);
  // A late outcome is still stored, for the next page.
  return page ? withDeadline(check, pageTimeoutMs, { proven: false, reason: pageWaitOver('connectwise') }) : check;
}

function startCheck(db: Db, cw: ConnectWiseClient, now: () => Date): Promise<VisibilityProof> {
  const check = checkTimeEntryVisibility(cw, db, now).finally(() => inFlight.delete(db));
  inFlight.set(db, check);
  // Tracked so that tests and a graceful shutdown can wait for a check a page stopped waiting for.
  deferWork(
    () => check,
    () => undefined,
  );
  return check;
}
