/**
 * Counts authenticated API requests in a rolling window for `ThresholdInformation` and for the
 * hourly request threshold (10,000 requests per rolling 60 minutes per database; docs/autotask.md,
 * Hourly request threshold).
 * Times come from the state's clock, so tests can move time forward to watch the window roll.
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
