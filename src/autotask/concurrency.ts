import pLimit, { type LimitFunction } from 'p-limit';

/**
 * Autotask's thread limit: at most 3 requests in flight per tracking identifier (integration code)
 * and object endpoint; more are refused with "thread threshold exceeded". Metadata calls such as
 * `Tickets/entityInformation/fields` count toward their entity, so the bucket is the first path
 * segment after `V1.0/` (child URLs like `Tickets/{id}/Notes` fall in the parent's bucket).
 */

export const AUTOTASK_THREADS_PER_ENDPOINT = 3;

export interface EndpointLimiter {
  /** Runs `task` once a slot of `bucket` is free. */
  run<T>(bucket: string, task: () => Promise<T>): Promise<T>;
  /** Requests of `bucket` now in flight (for tests and diagnostics). */
  active(bucket: string): number;
}

export function createEndpointLimiter(concurrency: number = AUTOTASK_THREADS_PER_ENDPOINT): EndpointLimiter {
  const limits = new Map<string, LimitFunction>();
  const limitFor = (bucket: string): LimitFunction => {
    const key = bucket.toLowerCase();
    let limit = limits.get(key);
    if (!limit) {
      limit = pLimit(concurrency);
      limits.set(key, limit);
    }
    return limit;
  };
  return {
    run: (bucket, task) => limitFor(bucket)(task),
    active: (bucket) => limits.get(bucket.toLowerCase())?.activeCount ?? 0,
  };
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
