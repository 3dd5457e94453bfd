import { createHash, timingSafeEqual } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export type ScrapeVerdict =
  | { readonly outcome: 'allowed' }
  /** No bearer token, or not METRICS_TOKEN. */
  | { readonly outcome: 'refused' }
  /** This address sent too many wrong tokens: nothing is compared until the wait is over. */
  | { readonly outcome: 'limited'; readonly retryAfterSeconds: number };

export interface ScrapeGuard {
  check(authorization: string | undefined, ip: string): Promise<ScrapeVerdict>;
}

export interface ScrapeGuardLimits {
  /** Wrong tokens per client address within the window. */
  readonly attempts: number;
  readonly windowSeconds: number;
}

/** Generous for a Prometheus whose token is being fixed; hopeless for guessing a 32-character token. */
const DEFAULT_LIMITS: ScrapeGuardLimits = { attempts: 20, windowSeconds: 15 * 60 };

/**
 * Who may read /metrics: the caller that sends `Authorization: Bearer <METRICS_TOKEN>`.
 *
 * The token is compared in constant time (both sides hashed to the same length first, so neither
 * the content nor the length of the token leaks through the time a refusal takes). Wrong tokens
 * are limited per client address the way sign-in attempts are (src/services/accounts/sign-in-limiter.ts):
 * an attempt is charged before the comparison, so parallel guesses cannot slip past the count, and
 * given back when the token is right, so a working scraper never runs into the limit. Counted in
 * memory, not in the database: each instance is scraped on its own, and a scrape every few
 * seconds should not write a row each time.
 */
export function createScrapeGuard(token: string, limits: ScrapeGuardLimits = DEFAULT_LIMITS): ScrapeGuard {
  const expected = digest(token);
  const failures = new RateLimiterMemory({
    keyPrefix: 'metrics-token',
    points: limits.attempts,
    duration: limits.windowSeconds,
  });
  return {
    async check(authorization, ip) {
      try {
        await failures.consume(ip);
      } catch (e) {
        if (!(e instanceof RateLimiterRes)) throw e;
        return { outcome: 'limited', retryAfterSeconds: Math.max(1, Math.ceil(e.msBeforeNext / 1000)) };
      }
      const sent = bearerOf(authorization);
      if (sent === null || !timingSafeEqual(digest(sent), expected)) return { outcome: 'refused' };
      await failures.reward(ip, 1);
      return { outcome: 'allowed' };
    },
  };
}

/** The token of `Bearer <token>`, as the token API reads it (src/controllers/accounts/require-api-token.ts). */
function bearerOf(authorization: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1] ?? null;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
