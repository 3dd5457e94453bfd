/**
 * Autotask's thread limit (docs/autotask.md, Thread limit): at most 3 concurrent requests per (tracking identifier +
 * object endpoint); ZoneInformation is exempt and metadata calls share their entity's bucket. The
 * next request over the limit is rejected at once, not queued.
 */
export const THREAD_LIMIT_MESSAGE =
  'Thread Threshold Exceeded — The Autotask API thread threshold of 3 threads has been exceeded.';

export function threadLimitMessage(limit: number): string {
  return THREAD_LIMIT_MESSAGE.replace('of 3 threads', `of ${limit} threads`);
}

export class ThreadLimiter {
  #inFlight = new Map<string, number>();

  static key(integrationCode: string, entity: string): string {
    return `${integrationCode}\u0000${entity.toLowerCase()}`;
  }

  /** Takes a slot, or returns null when `limit` requests are already running. The release is idempotent. */
  tryAcquire(key: string, limit: number): (() => void) | null {
    const current = this.#inFlight.get(key) ?? 0;
    if (current >= limit) return null;
    this.#inFlight.set(key, current + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const now = (this.#inFlight.get(key) ?? 1) - 1;
      if (now <= 0) this.#inFlight.delete(key);
      else this.#inFlight.set(key, now);
    };
  }

  inFlight(key: string): number {
    return this.#inFlight.get(key) ?? 0;
  }
}
