import {
  DEFAULT_WRITE_RETRY_TUNING,
  writeRetryDelayMs,
  type AutotaskRateLimitedError,
  type WriteRetryOptions,
  type WriteRetryTuning,
} from '../../autotask/client.ts';
import { isThreadThreshold, PsaError, toPsaError } from '../../psa/errors.ts';

export type { WriteRetryOptions };

/**
 * A refusal of the thread limit as the write threw it: the port's PsaError (writes through a
 * `PsaClient`), or the Autotask client's own error (writes sent with the raw client).
 */
export type ThreadLimitError = AutotaskRateLimitedError | PsaError;

/** The thread limit's two refusals, in the port's terms (`src/psa/errors.ts`); null for any other failure. */
function threadLimitOf(e: unknown): { readonly sent: boolean; readonly error: PsaError } | null {
  const error = toPsaError(e);
  if (isThreadThreshold(error)) return { sent: true, error };
  if (error instanceof PsaError && error.rateLimit === 'thread_wait') return { sent: false, error };
  return null;
}

/**
 * A write to Autotask (ticket, closing note, close) that Autotask refused with its thread
 * threshold: too many requests of the tenant's API tracking identifier were running on that
 * endpoint, ours or another integration's (docs/autotask.md, Thread limit). Autotask refuses such a
 * request on arrival, so sending it again is safe in principle; with no idempotency key a mistake
 * would write twice, so every refusal is followed by the step's own "did it happen?" lookup, and the
 * write is sent again (after a growing wait) only when that lookup shows it did not happen:
 *
 *   write ──ok──▶ written
 *     │ thread threshold
 *     ▼
 *   check ──found──▶ happened (adopt it, never write again)
 *     │   └─can't tell──▶ unverified (write nothing more; the step's own "unknown" path applies)
 *     │ absent
 *     ▼
 *   wait, write again (at most `maxRetries` times) ── still refused ──▶ exhausted
 *
 * A write that found no thread slot on our side in time (rate limit `thread_wait`) was never sent:
 * it ends as `exhausted` at once, with no lookup (nothing can have happened) and no resend (it
 * already waited the whole wait, and another try would wait as long again).
 *
 * Any other failure of the write ends the loop as `failed`, for the step to handle as before.
 */

/** What a "did it happen?" lookup found. */
export type CheckResult<F> =
  | { readonly happened: F }
  | { readonly absent: true }
  /** The lookup could not tell (it failed, or the record moved on meanwhile). */
  | { readonly unknown: unknown };

export type WriteResult<W, F, S = never> =
  | { readonly kind: 'written'; readonly value: W; readonly retries: number }
  | { readonly kind: 'happened'; readonly value: F; readonly retries: number }
  /** Thread threshold, and the lookup could not say whether the write happened. */
  | {
      readonly kind: 'unverified';
      readonly error: ThreadLimitError;
      readonly cause: unknown;
      readonly retries: number;
    }
  /** Thread threshold every time; each lookup showed nothing was written (or the last was never sent). */
  | { readonly kind: 'exhausted'; readonly error: ThreadLimitError; readonly retries: number }
  /** Any other failure of the write. */
  | { readonly kind: 'failed'; readonly error: unknown; readonly retries: number }
  /** `beforeResend` ended it. */
  | { readonly kind: 'stopped'; readonly value: S; readonly retries: number };

export interface VerifiedWrite<W, F, S = never> {
  /** Sends the write once. */
  readonly write: () => Promise<W>;
  /** Looks for the write's effect in Autotask; a throw counts as "cannot tell". */
  readonly check: () => Promise<CheckResult<F>>;
  /** Called before each resend, after the wait: the step's own preparation; a returned `stop` ends it. */
  readonly beforeResend?: (retry: number) => Promise<{ readonly stop: S } | null>;
}

export async function writeWithThreadRetry<W, F, S = never>(
  step: VerifiedWrite<W, F, S>,
  options: WriteRetryOptions = {},
): Promise<WriteResult<W, F, S>> {
  const tuning = tuningOf(options);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  for (let retries = 0; ; retries++) {
    try {
      return { kind: 'written', value: await step.write(), retries };
    } catch (e) {
      // Decided on the port's error; what is returned is what the write threw.
      const limit = threadLimitOf(e);
      if (!limit) return { kind: 'failed', error: e, retries };
      const error = e as ThreadLimitError;
      if (!limit.sent) return { kind: 'exhausted', error, retries };
      const checked = await checkSafely(step);
      if ('happened' in checked) return { kind: 'happened', value: checked.happened, retries };
      if ('unknown' in checked) return { kind: 'unverified', error, cause: checked.unknown, retries };
      if (retries >= tuning.maxRetries) return { kind: 'exhausted', error, retries };
      // The wait honours a Retry-After, which the Autotask client's error carries.
      await sleep(writeRetryDelayMs(retries + 1, limit.error.cause ?? e, tuning, random));
      const stopped = await step.beforeResend?.(retries + 1);
      if (stopped) return { kind: 'stopped', value: stopped.stop, retries };
    }
  }
}

async function checkSafely<F>(step: { readonly check: () => Promise<CheckResult<F>> }): Promise<CheckResult<F>> {
  try {
    return await step.check();
  } catch (e) {
    return { unknown: e };
  }
}

function tuningOf(options: WriteRetryOptions): WriteRetryTuning {
  return {
    maxRetries: options.maxRetries ?? DEFAULT_WRITE_RETRY_TUNING.maxRetries,
    baseDelayMs: options.baseDelayMs ?? DEFAULT_WRITE_RETRY_TUNING.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULT_WRITE_RETRY_TUNING.maxDelayMs,
  };
}
