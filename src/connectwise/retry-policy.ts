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
 */

/** `read`: idempotent, safe to send twice. `write`: not idempotent (creates and updates). */
export type OperationKind = 'read' | 'write';

export interface RetryTuning {
  /** Tries in total for a read, first one included. */
  readonly maxAttempts: number;
  /** First backoff step; doubles per try, with jitter. */
  readonly baseDelayMs: number;
  /** Cap on one backoff step. */
  readonly maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited for. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_TUNING: RetryTuning = {
  maxAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
};

export interface FailedAttempt {
  readonly kind: OperationKind;
  /** 1 for the first try. */
  readonly attempt: number;
  /** What the try failed with (one of the classes of `errors.ts`, or anything else thrown). */
  readonly error: unknown;
}

export type NoRetryReason =
  /** A write: sending it again could do it twice. */
  | 'not_idempotent'
  /** The read has had all its tries. */
  | 'attempts_used'
  /** The failure will not go away by asking again (a refusal, a timeout, a bad answer, …). */
  | 'not_transient'
  /** ConnectWise asked to wait longer than `maxRetryAfterMs`. */
  | 'retry_after_too_long';

export type RetryDecision =
  { readonly retry: true; readonly delayMs: number } | { readonly retry: false; readonly reason: NoRetryReason };

/** Whether to try again after `failed`, and the wait before doing so. */
export function decideRetry(failed: FailedAttempt, tuning: RetryTuning, random: () => number): RetryDecision {
  if (failed.kind === 'write') return { retry: false, reason: 'not_idempotent' };
  if (failed.attempt >= Math.max(1, tuning.maxAttempts)) return { retry: false, reason: 'attempts_used' };
  const transient = transientFailure(failed.error);
  if (!transient) return { retry: false, reason: 'not_transient' };

  const { retryAfterSeconds } = transient;
  if (retryAfterSeconds !== null && retryAfterSeconds > 0) {
    const ms = retryAfterSeconds * 1000;
    if (ms > tuning.maxRetryAfterMs) return { retry: false, reason: 'retry_after_too_long' };
    return { retry: true, delayMs: Math.round(ms + (random() * tuning.baseDelayMs) / 2) };
  }
  // Half the step plus up to another half: tries from many clients do not line up.
  const step = Math.min(tuning.maxDelayMs, tuning.baseDelayMs * 2 ** (failed.attempt - 1));
  return { retry: true, delayMs: Math.round(step / 2 + (random() * step) / 2) };
}

/** The failures ConnectWise may answer differently a moment later, with the wait it asked for; null otherwise. */
function transientFailure(error: unknown): { readonly retryAfterSeconds: number | null } | null {
  if (error instanceof ConnectWiseRateLimitedError) return { retryAfterSeconds: error.retryAfterSeconds };
  if (error instanceof ConnectWiseUnavailableError && (error.reason === 'network' || error.reason === 'server')) {
    return { retryAfterSeconds: error.retryAfterSeconds };
  }
  return null;
}
