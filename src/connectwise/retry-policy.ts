import {
  decideRetry as decide,
  type FailedAttempt,
  type RetryDecision,
  type RetryTuning,
  type Transient,
} from '../psa-http/retry.ts';
import { ConnectWiseRateLimitedError, ConnectWiseUnavailableError } from './errors.ts';

/**
 * When a failed ConnectWise request may be sent again, and after how long. Pure: no I/O and no
 * clock; the randomness for the jitter is handed in, so every decision can be tested as a table.
 *
 * Only what is safe is sent again:
 * - Reads (GET) change nothing, so a second copy is harmless. They are tried again after a 429, a
 *   5xx or a dropped connection, as ConnectWise asks for 429 and 500 (docs/connectwise.md, Errors
 *   and Rate limits): at most `maxAttempts` tries, with exponential backoff and jitter, honouring
 *   `Retry-After` unless it asks for longer than `maxRetryAfterMs` (then the caller gets the
 *   rate-limited error and can tell the operator when to try again).
 * - A read that ran into the deadline is not tried again: it already waited the whole timeout, and
 *   more tries would keep the operator waiting several times as long for a site that is not answering.
 * - Writes (create, PATCH, note) are never sent again by the client: ConnectWise has no idempotency
 *   key, so a second POST makes a second ticket (docs/connectwise.md, Idempotency). A write whose
 *   outcome is unknown is settled by a lookup instead (`isOutcomeUnknown` in `errors.ts`).
 *
 * The backoff, the jitter and the tuning are every PSA client's (`src/psa-http/retry.ts`); which
 * failures are transient is ConnectWise's, below.
 */

export { DEFAULT_RETRY_TUNING, type FailedAttempt } from '../psa-http/retry.ts';

/** Whether to try again after `failed`, and the wait before doing so. */
export function decideRetry(failed: FailedAttempt, tuning: RetryTuning, random: () => number): RetryDecision {
  return decide(failed, transientFailure(failed.error), tuning, random);
}

/** The failures ConnectWise may answer differently a moment later, with the wait it asked for; null otherwise. */
function transientFailure(error: unknown): Transient | null {
  if (error instanceof ConnectWiseRateLimitedError) return { retryAfterSeconds: error.retryAfterSeconds };
  if (error instanceof ConnectWiseUnavailableError && (error.reason === 'network' || error.reason === 'server')) {
    return { retryAfterSeconds: error.retryAfterSeconds };
  }
  return null;
}
