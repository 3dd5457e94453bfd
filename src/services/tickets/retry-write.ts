import {
  AutotaskThreadWaitError,
  DEFAULT_WRITE_RETRY_TUNING,
  isThreadThreshold,
  mayResendAfterCheck,
  writeRetryDelayMs,
  type AutotaskRateLimitedError,
  type WriteRetryOptions,
  type WriteRetryTuning,
} from '../../autotask/client.ts';

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
 * A write that found no thread slot on our side in time (`AutotaskThreadWaitError`) was never sent:
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
      readonly error: AutotaskRateLimitedError;
      readonly cause: unknown;
      readonly retries: number;
    }
  /** Thread threshold every time; each lookup showed nothing was written (or the last was never sent). */
  | { readonly kind: 'exhausted'; readonly error: AutotaskRateLimitedError; readonly retries: number }
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
      if (!isThreadThreshold(e)) return { kind: 'failed', error: e, retries };
      if (e instanceof AutotaskThreadWaitError) return { kind: 'exhausted', error: e, retries };
      const checked = await checkSafely(step);
      if ('happened' in checked) return { kind: 'happened', value: checked.happened, retries };
      if ('unknown' in checked) return { kind: 'unverified', error: e, cause: checked.unknown, retries };
      if (!mayResendAfterCheck(e, retries, tuning)) return { kind: 'exhausted', error: e, retries };
      await sleep(writeRetryDelayMs(retries + 1, e, tuning, random));
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
