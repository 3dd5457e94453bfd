import { RateLimiterPrisma, RateLimiterRes } from 'rate-limiter-flexible';
import type { Db } from '../../db/database.ts';

export interface AttemptLimiter {
  /**
   * Charges one attempt to both budgets before the secret is checked and answers the seconds to
   * wait when either was already spent (0 = go ahead). Charging first is what makes the limit hold
   * under parallel guesses: each attempt is counted by PostgreSQL before any is verified.
   */
  charge(ip: string, account: string): Promise<number>;
  /** A correct answer: the account's failures are forgotten and this attempt is given back to the IP. */
  refund(ip: string, account: string): Promise<void>;
}

/**
 * Throttling of a sign-in step (the password, the two-factor code), counted in PostgreSQL so that
 * several app instances count together. Two budgets: attempts per account (guessing one account's
 * secret) and per client IP (trying many accounts from one place).
 */
export function createAttemptLimiter(
  db: Db,
  options: { step: string; maxAttempts: number; windowSeconds: number },
): AttemptLimiter {
  const common = {
    storeClient: db,
    tableName: 'rateLimit',
    duration: options.windowSeconds,
    clearExpiredByTimeout: false,
  };
  const byAccount = new RateLimiterPrisma({
    ...common,
    keyPrefix: `${options.step}-account`,
    points: options.maxAttempts,
  });
  const byIp = new RateLimiterPrisma({ ...common, keyPrefix: `${options.step}-ip`, points: options.maxAttempts * 4 });

  return {
    async charge(ip, account) {
      return Math.max(...(await Promise.all([waitAfter(byAccount.consume(account)), waitAfter(byIp.consume(ip))])));
    },
    async refund(ip, account) {
      await Promise.all([byAccount.delete(account), byIp.reward(ip, 1)]);
    },
  };
}

/** consume() rejects with a RateLimiterRes once the budget is spent: then the answer is the wait. */
async function waitAfter(consumed: Promise<RateLimiterRes>): Promise<number> {
  try {
    await consumed;
    return 0;
  } catch (e) {
    if (!(e instanceof RateLimiterRes)) throw e;
    return Math.max(1, Math.ceil(e.msBeforeNext / 1000));
  }
}
