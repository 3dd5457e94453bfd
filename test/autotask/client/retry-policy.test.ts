import { describe, expect, it } from 'vitest';
import {
  AutotaskAuthenticationError,
  AutotaskNotFoundError,
  AutotaskPermissionError,
  AutotaskRateLimitedError,
  AutotaskUnavailableError,
  AutotaskValidationError,
  AutotaskZoneLookupError,
} from '../../../src/autotask/client.ts';
import {
  decideRetry,
  DEFAULT_RETRY_TUNING,
  mayFollowZoneMove,
  type FailedAttempt,
  type RetryDecision,
  type RetryTuning,
} from '../../../src/autotask/retry-policy.ts';

// The retry policy on its own: which failures may be tried again, and how long to wait. No HTTP.

const read = { operation: 'companies.get', method: 'GET', read: true };
const write = { operation: 'tickets.create', method: 'POST', read: false };

const network = new AutotaskUnavailableError('network', null, [], read);
const timeout = new AutotaskUnavailableError('timeout', null, [], read);
const status503 = new AutotaskUnavailableError('server', 503, [], read);
const status502 = new AutotaskUnavailableError('server', 502, [], read);
const badAnswer = new AutotaskUnavailableError('bad_response', 200, [], read);
const limited = new AutotaskRateLimitedError(429, [], read, null);
const limited2s = new AutotaskRateLimitedError(429, [], read, 2);
const limitedHour = new AutotaskRateLimitedError(429, [], read, 3600);
const threadThreshold = new AutotaskRateLimitedError(500, ['Thread Threshold Exceeded'], read, null);
const refused = new AutotaskValidationError(500, ['Value does not reference an existing entity'], read);
const unauthorised = new AutotaskAuthenticationError(401, [], read);
const forbidden = new AutotaskPermissionError(403, [], read);
const missing = new AutotaskNotFoundError(404, [], read);
const writeReset = new AutotaskUnavailableError('network', null, [], write);

const tuning: RetryTuning = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 30_000 };

function decide(overrides: Partial<FailedAttempt>, random = 0.5): RetryDecision {
  return decideRetry(
    { kind: 'read', attempt: 1, error: network, retryAfterSeconds: null, ...overrides },
    tuning,
    () => random,
  );
}

describe('decideRetry: which failures', () => {
  it.each([
    ['a dropped connection', network, null],
    ['HTTP 503', status503, null],
    ['HTTP 429', limited, null],
    ['the thread threshold (HTTP 500)', threadThreshold, null],
  ] as const)('a read that failed with %s is tried again', (_name, error, retryAfterSeconds) => {
    expect(decide({ error, retryAfterSeconds })).toMatchObject({ retry: true });
  });

  it.each([
    ['a timeout', timeout],
    ['HTTP 502', status502],
    ['an unreadable answer', badAnswer],
    ['a business-rule refusal', refused],
    ['a 401', unauthorised],
    ['a 403', forbidden],
    ['a 404', missing],
    ['something that is not an Autotask error', new TypeError('bug')],
  ] as const)('a read that failed with %s is not tried again', (_name, error) => {
    expect(decide({ error })).toEqual({ retry: false, reason: 'not_transient' });
  });

  it.each([
    ['a dropped connection', writeReset],
    ['HTTP 503', status503],
    ['HTTP 429', limited2s],
    ['the thread threshold', threadThreshold],
  ] as const)('a write that failed with %s is never sent again', (_name, error) => {
    expect(decide({ kind: 'write', error })).toEqual({ retry: false, reason: 'not_idempotent' });
  });

  it.each([
    [1, true],
    [2, true],
    [3, false],
    [4, false],
  ] as const)('attempt %i of 3: retry %s', (attempt, retry) => {
    const decision = decide({ attempt });
    expect(decision.retry).toBe(retry);
    if (!decision.retry) expect(decision.reason).toBe('attempts_used');
  });

  it('maxAttempts below 1 still means one try and no retry', () => {
    const decision = decideRetry(
      { kind: 'read', attempt: 1, error: network, retryAfterSeconds: null },
      { ...tuning, maxAttempts: 0 },
      () => 0,
    );
    expect(decision).toEqual({ retry: false, reason: 'attempts_used' });
  });
});

describe('decideRetry: how long to wait', () => {
  it.each([
    // attempt, random, delay: half the step plus up to another half; the step doubles per try.
    [1, 0, 50],
    [1, 1, 100],
    [2, 0, 100],
    [2, 0.5, 150],
    [2, 1, 200],
    [3, 1, 400],
  ] as const)('backoff: attempt %i with random %d waits %i ms', (attempt, random, delayMs) => {
    const decision = decideRetry(
      { kind: 'read', attempt, error: network, retryAfterSeconds: null },
      { ...tuning, maxAttempts: 10 },
      () => random,
    );
    expect(decision).toEqual({ retry: true, delayMs });
  });

  it('one backoff step is capped at maxDelayMs', () => {
    const decision = decideRetry(
      { kind: 'read', attempt: 9, error: network, retryAfterSeconds: null },
      { ...tuning, maxAttempts: 10 },
      () => 1,
    );
    expect(decision).toEqual({ retry: true, delayMs: 1_000 });
  });

  it.each([
    ['429 with Retry-After: 2', limited2s, null, 0, 2_000],
    ['429 with Retry-After: 2, most jitter', limited2s, null, 1, 2_050],
    ['503 with Retry-After: 1 on the answer', status503, 1, 0, 1_000],
    ['a Retry-After of 0 falls back to the backoff', status503, 0, 0, 50],
  ] as const)('%s waits %i ms', (_name, error, retryAfterSeconds, random, delayMs) => {
    expect(decide({ error, retryAfterSeconds }, random)).toEqual({ retry: true, delayMs });
  });

  it('a Retry-After longer than maxRetryAfterMs goes to the caller instead of being waited for', () => {
    expect(decide({ error: limitedHour })).toEqual({ retry: false, reason: 'retry_after_too_long' });
    expect(decide({ error: status503, retryAfterSeconds: 31 })).toEqual({
      retry: false,
      reason: 'retry_after_too_long',
    });
  });

  it('the rate-limited error carries its own Retry-After; a 503 takes the one from the answer', () => {
    // The answer's hint is only for errors that do not carry one.
    expect(decide({ error: limited2s, retryAfterSeconds: 20 }, 0)).toEqual({ retry: true, delayMs: 2_000 });
    expect(decide({ error: status503, retryAfterSeconds: 20 }, 0)).toEqual({ retry: true, delayMs: 20_000 });
  });

  it('draws no random number when it does not retry', () => {
    let draws = 0;
    decideRetry({ kind: 'write', attempt: 1, error: writeReset, retryAfterSeconds: null }, tuning, () => ++draws);
    expect(draws).toBe(0);
  });

  it('the defaults: 3 tries, 500 ms first step, Retry-After up to 30 s', () => {
    expect(DEFAULT_RETRY_TUNING).toEqual({
      maxAttempts: 3,
      baseDelayMs: 500,
      maxDelayMs: 8_000,
      maxRetryAfterMs: 30_000,
    });
  });
});

describe('mayFollowZoneMove', () => {
  it.each([
    ['a 401, first time', unauthorised, false, true],
    ['a 401, already followed once', unauthorised, true, false],
    ['a write refused with 401', new AutotaskAuthenticationError(401, [], write), false, true],
    ['an invalid integration code (HTTP 500)', new AutotaskAuthenticationError(500, [], read), false, false],
    ['credentials not filled in (no status)', new AutotaskAuthenticationError(null, [], read), false, false],
    ['a 403', forbidden, false, false],
    ['a dropped connection', network, false, false],
  ] as const)('%s → %s', (_name, error, alreadyFollowed, expected) => {
    expect(mayFollowZoneMove(error, alreadyFollowed)).toBe(expected);
  });

  it('a failed zone lookup is not a zone move', () => {
    expect(mayFollowZoneMove(new AutotaskZoneLookupError(500, [], read), false)).toBe(false);
  });
});
