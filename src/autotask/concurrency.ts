/**
 * Autotask's thread limit: at most 3 requests in flight per tracking identifier (integration code)
 * and object endpoint; more are refused with "thread threshold exceeded". Metadata calls such as
 * `Tickets/entityInformation/fields` count toward their entity, so the bucket is the first path
 * segment after `V1.0/` (child URLs like `Tickets/{id}/Notes` fall in the parent's bucket).
 * The limit itself: docs/autotask.md, Thread limit.
 *
 * The limiters here count within one process. The app injects one that also counts across every
 * instance sharing its database (`src/db/autotask-threads.ts`), with one of these in front of it.
 */

export const AUTOTASK_THREADS_PER_ENDPOINT = 3;

export interface EndpointLimiter {
  /**
   * Runs `task` once a slot of `bucket` is free. A limiter that gives up waiting rejects with
   * `ThreadWaitTimeoutError` and never starts the task. When `signal` aborts while the task is
   * still in line, it leaves the line and the run rejects with the signal's reason.
   */
  run<T>(bucket: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Requests of `bucket` now in flight (for tests and diagnostics). */
  active(bucket: string): number;
}

export function createEndpointLimiter(concurrency: number = AUTOTASK_THREADS_PER_ENDPOINT): EndpointLimiter {
  const buckets = new Map<string, Slots>();
  const slotsFor = (bucket: string): Slots => {
    const key = bucket.toLowerCase();
    let slots = buckets.get(key);
    if (!slots) {
      slots = createSlots(concurrency);
      buckets.set(key, slots);
    }
    return slots;
  };
  return {
    run: (bucket, task, signal) => slotsFor(bucket).run(task, signal),
    active: (bucket) => buckets.get(bucket.toLowerCase())?.active() ?? 0,
  };
}

interface Slots {
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  active(): number;
}

/**
 * No slot of `bucket` came free within `waitedMs`: the task was never started, so nothing was sent.
 * The client turns it into Autotask's own "busy" error (`AutotaskThreadWaitError` in `errors.ts`).
 */
export class ThreadWaitTimeoutError extends Error {
  constructor(
    readonly bucket: string,
    readonly waitedMs: number,
  ) {
    super(`No Autotask thread slot of ${bucket} came free within ${waitedMs} ms.`);
    this.name = 'ThreadWaitTimeoutError';
  }
}

/**
 * A first-come, first-served semaphore of `size` slots. Written out here (a dozen lines) so the
 * client depends on nothing but zod and axios.
 */
function createSlots(size: number): Slots {
  let active = 0;
  const waiting: (() => void)[] = [];
  return {
    async run(task, signal) {
      signal?.throwIfAborted();
      if (active < size) active++;
      // A finishing task hands its slot straight to the next waiter, so `active` stays the same.
      else await waitInLine(waiting, signal);
      try {
        return await task();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else active--;
      }
    },
    active: () => active,
  };
}

/** Waits for a finishing task to hand over its slot; leaves the line (rejecting) when `signal` aborts first. */
function waitInLine(waiting: (() => void)[], signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const giveUp = () => {
      const place = waiting.indexOf(turn);
      if (place >= 0) waiting.splice(place, 1);
      // An abort's reason is an Error unless the caller chose otherwise (AbortController.abort(reason)).
      reject(signal?.reason as Error);
    };
    const turn = () => {
      signal?.removeEventListener('abort', giveUp);
      resolve();
    };
    waiting.push(turn);
    signal?.addEventListener('abort', giveUp, { once: true });
  });
}

// The limit belongs to the integration code, not to one client object: services may build a client
// per request, and all of them in this process must share the 3 slots.
const shared = new Map<string, EndpointLimiter>();

/** The process-wide limiter for one integration code. */
export function sharedEndpointLimiter(integrationCode: string): EndpointLimiter {
  let limiter = shared.get(integrationCode);
  if (!limiter) {
    limiter = createEndpointLimiter();
    shared.set(integrationCode, limiter);
  }
  return limiter;
}

/** The thread-limit bucket of an Autotask URL: the entity after `/V1.0/`, e.g. `Tickets`. */
export function endpointBucket(url: string): string {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    pathname = url;
  }
  const match = /\/v1\.0\/([^/?#]+)/i.exec(pathname);
  return match?.[1] ?? pathname;
}
