import {
  decideRetry as decide,
  type FailedAttempt as PsaFailedAttempt,
  type RetryDecision,
  type RetryTuning,
  type Transient,
} from '../psa-http/retry.ts';
import {
  AutotaskAuthenticationError,
  AutotaskRateLimitedError,
  AutotaskThreadWaitError,
  AutotaskUnavailableError,
  isThreadThreshold,
} from './errors.ts';

/**
 * When a failed Autotask request may be sent again, and after how long. Pure: no I/O and no
 * clock; the randomness for the jitter is handed in, so every decision can be tested as a table.
 *
 * Only what is safe is sent again:
 * - Reads (GET, POST queries, the zone lookup) change nothing, so a second copy is harmless. They
 *   are tried again when Autotask did not get to them: a dropped connection, a 429 or thread
 *   threshold, a 503. At most `maxAttempts` tries, with exponential backoff and jitter, honouring
 *   `Retry-After` unless it asks for longer than `maxRetryAfterMs` (then the caller gets the
 *   rate-limited error and can tell the operator when to try again).
 * - A read that timed out is not tried again: it already waited the whole timeout, and more tries
 *   would keep the operator waiting several times as long for an Autotask that is not answering.
 *   Nor is a request that found no thread slot in time on our side (`AutotaskThreadWaitError`):
 *   it already waited the whole wait.
 * - Writes (create, update) are never sent again by the client: Autotask has no idempotency key, so
 *   a second POST makes a second ticket. A write whose outcome is unknown is settled by a lookup
 *   instead (`isOutcomeUnknown` in `errors.ts`). A write refused by the thread threshold may be
 *   sent again by the service that owns its lookup, once the lookup shows it did not happen
 *   (`mayResendAfterCheck`, `writeRetryDelayMs` below).
 * - The one exception is a 401, which Autotask answers before doing anything (docs/autotask.md,
 *   Timeouts and retries): the tenant may have moved zones, so the request may go once more, to
 *   the new zone (`mayFollowZoneMove`).
 *
 * The backoff, the jitter and the tuning are every PSA client's (`src/psa-http/retry.ts`); which
 * failures are transient is Autotask's, below.
 */

export { DEFAULT_RETRY_TUNING, type RetryDecision, type RetryTuning } from '../psa-http/retry.ts';

/** A failed try, with what Autotask's errors do not carry themselves. */
export interface FailedAttempt extends PsaFailedAttempt {
  /** The answer's `Retry-After` in seconds; null when there was none or no answer at all. */
  readonly retryAfterSeconds: number | null;
}

/** Whether to try again after `failed`, and the wait before doing so. */
export function decideRetry(failed: FailedAttempt, tuning: RetryTuning, random: () => number): RetryDecision {
  return decide(failed, transientFailure(failed), tuning, random);
}

/**
 * The failures Autotask did not act on and may answer differently a moment later, with the wait it
 * asked for; null for every other failure.
 */
function transientFailure(failed: FailedAttempt): Transient | null {
  const { error } = failed;
  if (error instanceof AutotaskThreadWaitError) return null;
  if (error instanceof AutotaskRateLimitedError) return { retryAfterSeconds: error.retryAfterSeconds };
  if (error instanceof AutotaskUnavailableError && (error.reason === 'network' || error.status === 503)) {
    return { retryAfterSeconds: failed.retryAfterSeconds };
  }
  return null;
}

/**
 * Whether a request refused with `error` may go once more to a freshly looked-up zone: only for a
 * 401 (refused before anything was done, so safe even for a write), and only once per request.
 * Whether the zone really moved is for the caller to check: same zone means wrong credentials.
 */
export function mayFollowZoneMove(error: unknown, alreadyFollowed: boolean): boolean {
  return !alreadyFollowed && error instanceof AutotaskAuthenticationError && error.status === 401;
}

// ---------------------------------------------------------------------------------------------
// Writes refused by the thread threshold. The client never sends a write again by itself; the
// services that own the "did it happen?" lookups do, only after a lookup shows it did not, with
// these limits and waits.

export interface WriteRetryTuning {
  /** Sends after the first one, at most. */
  readonly maxRetries: number;
  /** First wait; doubles per retry (1 s, 2 s, 4 s), with jitter. */
  readonly baseDelayMs: number;
  /** Cap on one wait, also on a `Retry-After` that asks for longer. */
  readonly maxDelayMs: number;
}

export const DEFAULT_WRITE_RETRY_TUNING: WriteRetryTuning = { maxRetries: 3, baseDelayMs: 1_000, maxDelayMs: 8_000 };

/** How a service waits between a refused write and its next send; replaceable for tests. */
export interface WriteRetryOptions extends Partial<WriteRetryTuning> {
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/**
 * Whether a write refused with `error` may be sent again after `retriesDone` resends, provided a
 * lookup has shown it did not happen: only for the thread threshold, which Autotask answers on
 * arrival (docs/autotask.md, Thread limit), and never past `maxRetries`. Never after
 * `AutotaskThreadWaitError`: that write was not sent, but it already waited the whole wait for a
 * slot, and another send would wait as long again.
 */
export function mayResendAfterCheck(error: unknown, retriesDone: number, tuning: WriteRetryTuning): boolean {
  return isThreadThreshold(error) && !(error instanceof AutotaskThreadWaitError) && retriesDone < tuning.maxRetries;
}

/**
 * The wait before resend number `retry` (1 for the first): the doubling step between 75 % and
 * 125 % of itself, so several clients of one tracking identifier do not come back together; a
 * `Retry-After` Autotask sent is honoured up to `maxDelayMs`.
 */
export function writeRetryDelayMs(
  retry: number,
  error: unknown,
  tuning: WriteRetryTuning,
  random: () => number,
): number {
  const step = Math.min(tuning.maxDelayMs, tuning.baseDelayMs * 2 ** (Math.max(1, retry) - 1));
  const jittered = Math.round(step * (0.75 + random() * 0.5));
  const asked = error instanceof AutotaskRateLimitedError ? (error.retryAfterSeconds ?? 0) * 1000 : 0;
  return Math.min(tuning.maxDelayMs, Math.max(jittered, asked));
}
