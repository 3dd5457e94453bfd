/**
 * How long a PSA client waits before it sends a failed read again, and the loop that does so. The
 * decision is pure: no I/O and no clock; the randomness for the jitter is handed in, so every
 * decision can be tested as a table. Which failures are worth another try is the client's to say
 * (its `retry-policy.ts`); what is common is this:
 *
 * - Writes are never sent again here: neither PSA has an idempotency key, so a second POST makes a
 *   second ticket (docs/autotask.md, Timeouts and retries; docs/connectwise.md, Idempotency).
 * - A read is tried at most `maxAttempts` times, with exponential backoff and jitter, honouring
 *   `Retry-After` unless it asks for longer than `maxRetryAfterMs` (then the caller gets the
 *   client's rate-limited error and can tell the operator when to try again).
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

export type NoRetryReason =
  /** A write: sending it again could do it twice. */
  | 'not_idempotent'
  /** The read has had all its tries. */
  | 'attempts_used'
  /** The failure will not go away by asking again (a refusal, a timeout, a bad answer, …). */
  | 'not_transient'
  /** The PSA asked to wait longer than `maxRetryAfterMs`. */
  | 'retry_after_too_long';

export type RetryDecision =
  { readonly retry: true; readonly delayMs: number } | { readonly retry: false; readonly reason: NoRetryReason };

export interface FailedAttempt {
  readonly kind: OperationKind;
  /** 1 for the first try. */
  readonly attempt: number;
  /** What the try failed with (one of the client's error classes, or anything else thrown). */
  readonly error: unknown;
}

/** The client's verdict on a failure: one the PSA may answer differently a moment later, with the wait it asked for. */
export interface Transient {
  readonly retryAfterSeconds: number | null;
}

/**
 * Whether to try again after failed try number `attempt` (1 for the first), and the wait before
 * doing so. `transient` is the client's reading of the failure; null when asking again will not help.
 */
export function decideRetry(
  failed: Pick<FailedAttempt, 'kind' | 'attempt'>,
  transient: Transient | null,
  tuning: RetryTuning,
  random: () => number,
): RetryDecision {
  if (failed.kind === 'write') return { retry: false, reason: 'not_idempotent' };
  if (failed.attempt >= Math.max(1, tuning.maxAttempts)) return { retry: false, reason: 'attempts_used' };
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

export interface RetryOptions extends Partial<RetryTuning> {
  /** Replaceable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** The tuning, sleep and random a client retries with: the given ones, the defaults for the rest. */
export interface Retrying {
  readonly tuning: RetryTuning;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

export function retrying(retry: RetryOptions | undefined): Retrying {
  return {
    tuning: {
      maxAttempts: retry?.maxAttempts ?? DEFAULT_RETRY_TUNING.maxAttempts,
      baseDelayMs: retry?.baseDelayMs ?? DEFAULT_RETRY_TUNING.baseDelayMs,
      maxDelayMs: retry?.maxDelayMs ?? DEFAULT_RETRY_TUNING.maxDelayMs,
      maxRetryAfterMs: retry?.maxRetryAfterMs ?? DEFAULT_RETRY_TUNING.maxRetryAfterMs,
    },
    sleep: retry?.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
    random: retry?.random ?? Math.random,
  };
}
