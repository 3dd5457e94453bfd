import { RateLimiterPrisma, RateLimiterRes } from 'rate-limiter-flexible';
import type { Db } from '../../db/database.ts';

/**
 * Sign-in throttling, counted in PostgreSQL so that several app instances count together.
 * Two budgets: failures per e-mail (guessing one account's password) and per client IP
 * (trying many accounts from one place).
 */
export function createLoginLimiter(db: Db, options: { maxAttempts: number; windowSeconds: number }) {
  const common = {
    storeClient: db,
    tableName: 'rateLimit',
    duration: options.windowSeconds,
    clearExpiredByTimeout: false,
  };
  const byEmail = new RateLimiterPrisma({ ...common, keyPrefix: 'login-email', points: options.maxAttempts });
  const byIp = new RateLimiterPrisma({ ...common, keyPrefix: 'login-ip', points: options.maxAttempts * 4 });

  return {
    /** Seconds to wait when either budget is spent, else 0. */
    async blockedFor(ip: string, email: string): Promise<number> {
      const [e, i] = await Promise.all([byEmail.get(email), byIp.get(ip)]);
      const waits = [
        e && e.consumedPoints >= options.maxAttempts ? e.msBeforeNext : 0,
        i && i.consumedPoints >= options.maxAttempts * 4 ? i.msBeforeNext : 0,
      ];
      return Math.ceil(Math.max(...waits) / 1000);
    },
    async recordFailure(ip: string, email: string): Promise<void> {
      await Promise.all([byEmail.consume(email).catch(ignoreLimit), byIp.consume(ip).catch(ignoreLimit)]);
    },
    async recordSuccess(email: string): Promise<void> {
      await byEmail.delete(email);
    },
  };
}

// consume() rejects with a RateLimiterRes once the budget is spent; blockedFor() reports that.
function ignoreLimit(e: unknown): void {
  if (!(e instanceof RateLimiterRes)) throw e;
}
