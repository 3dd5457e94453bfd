/**
 * Autotask's thread limit (docs/autotask.md, Thread limit): at most 3 concurrent requests per (tracking identifier +
 * object endpoint), counted across the whole tenant: every API user, integration and app instance that sends the
 * same tracking identifier shares the same slots. ZoneInformation is exempt and metadata calls share their entity's
 * bucket. The next request over the limit is rejected at once, not queued.
 *
 * Slots can also be held from the control API, standing in for another integration (or another instance of the app)
 * of the tenant that keeps requests running on an endpoint.
 *
 * The high-water mark is the most requests of a key that were at the simulator at once since the last reset. A
 * request turned away for the limit counts for the moment it arrived, so a mark above the limit means the limit was
 * exceeded (and that request refused); one at the limit means it was reached and kept.
 */
import { SimError } from './errors.ts';

export const THREAD_LIMIT_MESSAGE =
  'Thread Threshold Exceeded — The Autotask API thread threshold of 3 threads has been exceeded.';

export function threadLimitMessage(limit: number): string {
  return THREAD_LIMIT_MESSAGE.replace('of 3 threads', `of ${limit} threads`);
}

/** The rejection as Autotask words it, with the status the simulator is set to use. */
export function threadLimitError(settings: { threadLimit: number; threadLimitStatus: number }): SimError {
  return new SimError(settings.threadLimitStatus, threadLimitMessage(settings.threadLimit));
}

export interface ThreadSlots {
  integrationCode: string;
  entity: string;
  count: number;
}

export interface ThreadsSnapshot {
  /** Slots taken right now, held ones included. */
  inFlight: ThreadSlots[];
  /** Slots held from the control API. */
  held: ThreadSlots[];
  /** The most requests at once per key since the last reset, refused ones counted as they arrived (see above). */
  highWater: ThreadSlots[];
}

export class ThreadLimiter {
  #inFlight = new Map<string, number>();
  #held = new Map<string, Array<() => void>>();
  #highWater = new Map<string, number>();

  /** The integration code is compared as sent; the entity in any letter case. */
  static key(integrationCode: string, entity: string): string {
    return `${integrationCode}\u0000${entity.toLowerCase()}`;
  }

  /** Takes a slot, or returns null when `limit` requests are already running. The release is idempotent. */
  tryAcquire(key: string, limit: number): (() => void) | null {
    const current = this.#inFlight.get(key) ?? 0;
    this.#raiseHighWater(key, current + 1);
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

  /**
   * Keeps up to `count` slots of (integration code + entity) busy until `releaseHeld()`, as another integration's
   * long-running requests would. Takes only free slots; returns how many are held there now.
   */
  hold(integrationCode: string, entity: string, count: number, limit: number): number {
    const key = ThreadLimiter.key(integrationCode, entity);
    const held = this.#held.get(key) ?? [];
    // Only free slots: a hold that finds none is not a request turned away (the high-water mark stays).
    for (let i = 0; i < count && this.inFlight(key) < limit; i++) {
      const release = this.tryAcquire(key, limit);
      if (!release) break;
      held.push(release);
    }
    if (held.length > 0) this.#held.set(key, held);
    return held.length;
  }

  /** Gives every held slot back. Returns how many there were. */
  releaseHeld(): number {
    let released = 0;
    for (const releases of this.#held.values()) {
      for (const release of releases) release();
      released += releases.length;
    }
    this.#held.clear();
    return released;
  }

  /** The high-water mark of every key that has had a request since the last reset. */
  highWater(): ThreadSlots[] {
    return slots([...this.#highWater]);
  }

  /** Starts the marks afresh from what is in flight now (running requests still count). */
  resetHighWater(): void {
    this.#highWater = new Map(this.#inFlight);
  }

  snapshot(): ThreadsSnapshot {
    return {
      inFlight: slots([...this.#inFlight].map(([key, count]) => [key, count])),
      held: slots([...this.#held].map(([key, releases]) => [key, releases.length])),
      highWater: this.highWater(),
    };
  }

  #raiseHighWater(key: string, count: number): void {
    if (count > (this.#highWater.get(key) ?? 0)) this.#highWater.set(key, count);
  }
}

function slots(entries: Array<[string, number]>): ThreadSlots[] {
  return entries.map(([key, count]) => {
    const [integrationCode = '', entity = ''] = key.split('\u0000');
    return { integrationCode, entity, count };
  });
}
