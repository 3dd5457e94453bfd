import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ThreadWaitTimeoutError, type EndpointLimiter } from '../../src/autotask/client.ts';
import { claimCodeOf, createDbThreadLimiter, type DbThreadLimiterOptions } from '../../src/db/autotask-threads.ts';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { resetData, useTestDatabase } from '../support/db.ts';

/**
 * The thread limit across app instances (src/db/autotask-threads.ts; docs/autotask.md, Thread
 * limit). An "instance" is a limiter with a line of its own in front of the shared one; on
 * PostgreSQL the second instance also has a Prisma client (and connections) of its own, on the
 * embedded database both share its one client.
 */

const CODE = 'TENANTWIDETHREADS0000000001';
const ctx = useTestDatabase();
let second: Database | undefined;

beforeAll(async () => {
  if (ctx.db.kind === 'postgres') second = await openDatabase({ kind: 'postgres', url: ctx.db.url! });
});
afterAll(async () => {
  await second?.close();
});
beforeEach(() => resetData(ctx.db));

const otherDb = () => second ?? ctx.db;

function instance(database: Database, options: Partial<DbThreadLimiterOptions> = {}): EndpointLimiter {
  return createDbThreadLimiter({
    db: database.prisma,
    integrationCode: CODE,
    waitMs: 30_000,
    requestTimeoutMs: 30_000,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 5))),
    ...options,
  });
}

/** A task that starts when the limiter lets it and ends when the test says so. */
function heldTask(log?: string[], name = '') {
  let finish!: () => void;
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const finished = new Promise<void>((resolve) => (finish = resolve));
  return {
    started,
    finish: () => finish(),
    task: async () => {
      if (log) log.push(name);
      markStarted();
      await finished;
      return name;
    },
  };
}

const claims = (where: { holder?: string } = {}) => ctx.db.prisma.autotaskThreadClaim.count({ where });

/** Waits for the database to show `n` claims, by asking it again (no fixed delays). */
async function untilClaims(n: number): Promise<void> {
  for (let i = 0; i < 2_000 && (await claims()) !== n; i++) await new Promise((r) => setImmediate(r));
  expect(await claims()).toBe(n);
}

/** Claims of an instance that is gone: `minutes` from now (negative: expired already). */
async function deadClaims(bucket: string, count: number, minutes: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await ctx.db.prisma.$executeRaw`
      INSERT INTO "AutotaskThreadClaim" ("integrationCode", "bucket", "holder", "expiresAt")
      VALUES (${claimCodeOf(CODE)}, ${bucket}, 'dead', (now() AT TIME ZONE 'UTC') + ${minutes} * interval '1 minute')`;
  }
}

describe('two instances on one database', () => {
  it('never have more than 3 requests in flight per endpoint together, in any letter case', async () => {
    const a = instance(ctx.db);
    const b = instance(otherDb());
    const now = new Map<string, number>();
    const most = new Map<string, number>();
    const task = (bucket: string) => async () => {
      const key = bucket.toLowerCase();
      now.set(key, (now.get(key) ?? 0) + 1);
      most.set(key, Math.max(most.get(key) ?? 0, now.get(key)!));
      await new Promise((resolve) => setTimeout(resolve, 3));
      now.set(key, now.get(key)! - 1);
      return key;
    };
    const buckets = ['Tickets', 'tickets', 'TICKETS', 'Companies'];
    const runs = Array.from({ length: 48 }, (_, i) => {
      const bucket = buckets[i % buckets.length]!;
      return (i % 2 ? a : b).run(bucket, task(bucket));
    });
    const done = await Promise.all(runs);

    expect(done.filter((k) => k === 'tickets')).toHaveLength(36);
    expect(done.filter((k) => k === 'companies')).toHaveLength(12);
    expect(most.get('tickets')).toBeLessThanOrEqual(3);
    expect(most.get('companies')).toBeLessThanOrEqual(3);
    expect(await claims()).toBe(0);
  });

  it('a fourth request waits, looking again every 20 to 50 ms, until one of the three ends', async () => {
    const looks: number[] = [];
    const a = instance(ctx.db);
    const b = instance(otherDb(), {
      sleep: (ms) => {
        looks.push(ms);
        return new Promise((resolve) => setTimeout(resolve, 1));
      },
    });
    const held = [heldTask(), heldTask(), heldTask()];
    const running = [a.run('Tickets', held[0]!.task), a.run('Tickets', held[1]!.task), b.run('Tickets', held[2]!.task)];
    await Promise.all(held.map((h) => h.started));

    const fourth = heldTask();
    let fourthStarted = false;
    void fourth.started.then(() => (fourthStarted = true));
    const waiting = b.run('tickets', fourth.task);
    for (let i = 0; i < 2_000 && looks.length < 2; i++) await new Promise((r) => setTimeout(r, 1));
    expect(looks.length).toBeGreaterThanOrEqual(2);
    expect(fourthStarted).toBe(false);
    expect(looks.every((ms) => ms >= 20 && ms <= 50)).toBe(true);

    held[0]!.finish();
    await fourth.started;
    fourth.finish();
    held[1]!.finish();
    held[2]!.finish();
    await Promise.all([...running, waiting]);
    expect(await claims()).toBe(0);
  });

  it('are served first come, first served across the instances', async () => {
    // A third instance keeps all three slots busy while the others line up, alternating.
    const holder = instance(ctx.db);
    const a = instance(ctx.db);
    const b = instance(otherDb());
    const holding = [heldTask(), heldTask(), heldTask()];
    const held = holding.map((h) => holder.run('Tickets', h.task));
    await Promise.all(holding.map((h) => h.started));
    await untilClaims(3);

    const order: string[] = [];
    const queued: Promise<unknown>[] = [];
    const names = ['b1', 'a1', 'b2', 'a2', 'b3', 'a3'];
    for (const [i, name] of names.entries()) {
      const limiter = name.startsWith('a') ? a : b;
      queued.push(
        limiter.run('Tickets', () => {
          order.push(name);
          return Promise.resolve(name);
        }),
      );
      // Each one in line before the next comes.
      await untilClaims(4 + i);
    }

    // One slot comes free; the two others stay busy, so the line moves one at a time, in its order.
    holding[0]!.finish();
    await Promise.all(queued);
    expect(order).toEqual(names);
    holding[1]!.finish();
    holding[2]!.finish();
    await Promise.all(held);
    expect(await claims()).toBe(0);
  });
});

describe('claims of an instance that is gone', () => {
  it('block no longer once expired, and are deleted by the next claim', async () => {
    await deadClaims('tickets', 3, -1);
    const log: string[] = [];
    const ran = await instance(ctx.db).run('Tickets', async () => {
      log.push('ran');
      return claims({ holder: 'dead' });
    });
    expect(log).toEqual(['ran']);
    expect(ran).toBe(0);
    expect(await claims()).toBe(0);
  });

  it('block until the wait is over; then the request ends without running, its claim deleted', async () => {
    await deadClaims('tickets', 3, 10);
    await deadClaims('companies', 1, 10);
    let ran = false;
    const error = await instance(ctx.db, { waitMs: 150 })
      .run('TICKETS', () => {
        ran = true;
        return Promise.resolve();
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThreadWaitTimeoutError);
    expect(error).toMatchObject({ bucket: 'TICKETS', waitedMs: 150 });
    expect(ran).toBe(false);
    expect(await claims()).toBe(4);
    expect(await claims({ holder: 'dead' })).toBe(4);
    // Another endpoint, and another tracking identifier on the same one, are not held up.
    expect(await instance(ctx.db, { waitMs: 150 }).run('Companies', () => Promise.resolve('ok'))).toBe('ok');
    const otherCode = instance(ctx.db, { waitMs: 150, integrationCode: 'ANOTHERVENDOR00000000000001' });
    expect(await otherCode.run('Tickets', () => Promise.resolve('ok'))).toBe('ok');
  });
});

describe("this process's line", () => {
  it('counts toward the wait: a request far back gives up in time and leaves the line', async () => {
    const limiter = instance(ctx.db, { waitMs: 150 });
    const held = [heldTask(), heldTask(), heldTask()];
    const running = held.map((h) => limiter.run('Tickets', h.task));
    await Promise.all(held.map((h) => h.started));

    const error = await limiter.run('Tickets', () => Promise.resolve('never')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThreadWaitTimeoutError);
    // It waited in this process, so it never claimed a place in the shared line.
    expect(await claims()).toBe(3);
    expect(limiter.active('tickets')).toBe(3);

    const next = limiter.run('Tickets', () => Promise.resolve('next'));
    held[0]!.finish();
    expect(await next).toBe('next');
    held[1]!.finish();
    held[2]!.finish();
    await Promise.all(running);
    expect(limiter.active('Tickets')).toBe(0);
    expect(await claims()).toBe(0);
  });

  it('frees the slot and the claim when the task fails', async () => {
    const limiter = instance(ctx.db);
    await expect(limiter.run('Tickets', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(limiter.active('Tickets')).toBe(0);
    expect(await claims()).toBe(0);
  });
});
