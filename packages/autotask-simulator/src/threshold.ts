/**
 * Counts authenticated API requests in a rolling window for `ThresholdInformation` and for the
 * hourly request threshold (10,000 requests per rolling 60 minutes per database; docs/autotask.md,
 * Hourly request threshold).
 * Times come from the state's clock, so tests can move time forward to watch the window roll.
 *
 * The count is tenant-wide: every integration of the tenant draws on the same budget. `setCount`
 * stands in for the others (a test or a human on the control page puts the tenant at, say, 84 %):
 * it tops the window up with requests made now, which leave it as real ones would, an hour later.
 */
export class RequestCounter {
  #hits: number[] = [];

  record(nowMs: number): void {
    this.#hits.push(nowMs);
  }

  count(nowMs: number, windowMs: number): number {
    this.#prune(nowMs, windowMs);
    return this.#hits.length;
  }

  /** Seconds until the oldest request in the window leaves it (for Retry-After). */
  secondsUntilSlot(nowMs: number, windowMs: number): number {
    this.#prune(nowMs, windowMs);
    const oldest = this.#hits[0];
    if (oldest === undefined) return 0;
    return Math.max(1, Math.ceil((oldest + windowMs - nowMs) / 1000));
  }

  /** Makes the window hold exactly `used` requests: adds them as made now, or drops the oldest. */
  setCount(nowMs: number, windowMs: number, used: number): void {
    this.#prune(nowMs, windowMs);
    const missing = used - this.#hits.length;
    for (let i = 0; i < missing; i++) this.#hits.push(nowMs);
    if (missing < 0) this.#hits.splice(0, -missing);
  }

  clear(): void {
    this.#hits = [];
  }

  #prune(nowMs: number, windowMs: number): void {
    const cutoff = nowMs - windowMs;
    let drop = 0;
    while (drop < this.#hits.length && (this.#hits[drop] ?? 0) <= cutoff) drop++;
    if (drop > 0) this.#hits.splice(0, drop);
  }
}

/** The parts of the simulator state the hourly budget lives in. */
interface BudgetState {
  readonly requestCounter: RequestCounter;
  readonly settings: { readonly requestThreshold: number; readonly requestThresholdTimeframeMinutes: number };
  now(): Date;
}

function windowOf(state: BudgetState): { nowMs: number; windowMs: number } {
  return { nowMs: state.now().getTime(), windowMs: state.settings.requestThresholdTimeframeMinutes * 60_000 };
}

/** What ThresholdInformation would answer now, without counting a request for asking. */
export function thresholdUsage(state: BudgetState): { used: number; limit: number; timeframeMinutes: number } {
  const { nowMs, windowMs } = windowOf(state);
  return {
    used: state.requestCounter.count(nowMs, windowMs),
    limit: state.settings.requestThreshold,
    timeframeMinutes: state.settings.requestThresholdTimeframeMinutes,
  };
}

/** Puts the tenant at `used` requests in the current window (the control API's "used"). */
export function setThresholdUsed(state: BudgetState, used: number): void {
  const { nowMs, windowMs } = windowOf(state);
  state.requestCounter.setCount(nowMs, windowMs, used);
}
