import { createHash, randomUUID } from 'node:crypto';
import os from 'node:os';
import {
  AUTOTASK_THREADS_PER_ENDPOINT,
  createEndpointLimiter,
  ThreadWaitTimeoutError,
  type AutotaskLogger,
  type EndpointLimiter,
} from '../autotask/client.ts';
import type { Db } from './database.ts';

/**
 * Autotask's thread limit counted across every app instance that shares this database: at most 3
 * requests in flight per tracking identifier and endpoint, tenant-wide (docs/autotask.md, Thread
 * limit). A request goes through two lines:
 *
 *   this process's line (`local`: at most 3 of ours per endpoint get further, first come first served)
 *     → a claim row in AutotaskThreadClaim, whose id is its place in the tenant-wide line
 *     → granted once fewer than 3 live claims of the endpoint are ahead of it (looked at every 20–50 ms)
 *     → the request → the row deleted, whatever happened
 *
 * No slot within `waitMs` (both lines together): `ThreadWaitTimeoutError`, which the client turns
 * into the thread limit's "busy" error; the request was never sent. A claim expires after the
 * longest wait plus the longest request: a claim of an instance that died is ignored after that,
 * and deleted by the next claim of anyone.
 *
 * Claims are inserted under a transaction-level advisory lock of their endpoint. Ids come from a
 * sequence, and a sequence hands out numbers before the rows commit: without the lock, a claim
 * could commit after one with a higher id had already looked and not seen it, and both would
 * count themselves among the first three.
 *
 * When the database cannot be reached the request goes ahead on the process's line alone (and the
 * failure is logged): the worst that can follow is Autotask's own refusal, which the app handles.
 */

export interface DbThreadLimiterOptions {
  readonly db: Db;
  readonly integrationCode: string;
  /** The longest wait for a slot, in this process's line and then in the tenant-wide one. */
  readonly waitMs: number;
  /** The client's request timeout: how long a granted request holds its slot at most. */
  readonly requestTimeoutMs: number;
  /** The line in this process, in front of the shared one. Default: a line of this limiter's own. */
  readonly local?: EndpointLimiter | undefined;
  readonly logger?: AutotaskLogger | undefined;
  /** Waits between looks at the shared line; tests pass their own. */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
  readonly random?: (() => number) | undefined;
}

/** Between looks at the shared line: 20 ms plus up to 30 ms, so instances do not look in step. */
const POLL_BASE_MS = 20;
const POLL_JITTER_MS = 30;
/** Beyond the wait and the request timeout: the API log written after the answer, a busy event loop. */
const CLAIM_MARGIN_MS = 15_000;
/** First key of the advisory locks taken here ("ATTH"), so they cannot meet other code's locks. */
const LOCK_CLASS = 0x41545448;

export function createDbThreadLimiter(options: DbThreadLimiterOptions): EndpointLimiter {
  const local = options.local ?? createEndpointLimiter();
  const line = sharedLine(options);
  const { waitMs } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;

  /** After this process's line: the claim, the wait for it to be granted, the task, the release. */
  async function claimed<T>(
    bucket: string,
    deadline: number,
    task: () => Promise<T>,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    const id = await line.claim(bucket);
    try {
      if (id !== null) await turnOf(id, bucket, deadline, signal);
      return await task();
    } finally {
      if (id !== null) await line.release(id);
    }
  }

  async function turnOf(id: bigint, bucket: string, deadline: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      if (await line.granted(id, bucket)) return;
      const left = deadline - performance.now();
      if (left <= 0) throw new ThreadWaitTimeoutError(bucket, waitMs);
      await sleep(Math.min(left, POLL_BASE_MS + random() * POLL_JITTER_MS));
    }
  }

  return {
    async run(bucket, task, signal) {
      const deadline = performance.now() + waitMs;
      // The same wait covers this process's line: a request far back in it gives up in time too.
      const timer = new AbortController();
      const timeout = setTimeout(() => timer.abort(new ThreadWaitTimeoutError(bucket, waitMs)), waitMs);
      const admitted = () => {
        clearTimeout(timeout);
        return claimed(bucket, deadline, task, signal);
      };
      try {
        return await local.run(bucket, admitted, signal ? AbortSignal.any([signal, timer.signal]) : timer.signal);
      } finally {
        clearTimeout(timeout);
      }
    },
    active: (bucket) => local.active(bucket),
  };
}

/** What a claim's `integrationCode` holds: a digest, so the tracking identifier itself stays in the settings row only. */
export function claimCodeOf(integrationCode: string): string {
  return createHash('sha256').update(integrationCode).digest('hex');
}

interface SharedLine {
  /** A place in the line of the endpoint; null when the database could not be reached. */
  claim(bucket: string): Promise<bigint | null>;
  /** Whether fewer than 3 live claims are ahead; true when the database could not be reached. */
  granted(id: bigint, bucket: string): Promise<boolean>;
  release(id: bigint): Promise<void>;
}

/** The three statements on AutotaskThreadClaim, each failure logged and answered permissively. */
function sharedLine(options: DbThreadLimiterOptions): SharedLine {
  const { db, logger } = options;
  const code = claimCodeOf(options.integrationCode);
  const holder = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const lifeMs = options.waitMs + options.requestTimeoutMs + CLAIM_MARGIN_MS;
  const failed = (step: string, e: unknown) =>
    logger?.warn(
      { step, err: e instanceof Error ? e.message : String(e) },
      'autotask: the shared thread line in the database failed; going by this process alone',
    );

  return {
    async claim(bucket) {
      const key = bucket.toLowerCase();
      try {
        // Expired claims (of an instance that died) go first, skipping any another claim is deleting.
        const rows = await db.$queryRaw<{ id: bigint }[]>`
          WITH turn AS (
            SELECT pg_advisory_xact_lock(CAST(${LOCK_CLASS} AS integer), hashtext(${`${code}/${key}`}))
          ), expired AS (
            DELETE FROM "AutotaskThreadClaim" WHERE "id" IN (
              SELECT "id" FROM "AutotaskThreadClaim"
              WHERE "expiresAt" <= (now() AT TIME ZONE 'UTC')
              LIMIT 100 FOR UPDATE SKIP LOCKED
            )
          )
          INSERT INTO "AutotaskThreadClaim" ("integrationCode", "bucket", "holder", "createdAt", "expiresAt")
          SELECT ${code}, ${key}, ${holder}, (now() AT TIME ZONE 'UTC'),
            (now() AT TIME ZONE 'UTC') + CAST(${lifeMs} AS double precision) * interval '1 millisecond'
          FROM turn
          RETURNING "id"`;
        return rows[0]?.id ?? null;
      } catch (e) {
        failed('claim', e);
        return null;
      }
    },
    async granted(id, bucket) {
      try {
        const [row] = await db.$queryRaw<{ ahead: number }[]>`
          SELECT count(*)::int AS "ahead" FROM (
            SELECT 1 FROM "AutotaskThreadClaim"
            WHERE "integrationCode" = ${code} AND "bucket" = ${bucket.toLowerCase()} AND "id" < ${id}
              AND "expiresAt" > (now() AT TIME ZONE 'UTC')
            LIMIT CAST(${AUTOTASK_THREADS_PER_ENDPOINT} AS integer)
          ) AS ahead`;
        return (row?.ahead ?? 0) < AUTOTASK_THREADS_PER_ENDPOINT;
      } catch (e) {
        failed('look', e);
        return true;
      }
    },
    async release(id) {
      try {
        await db.$executeRaw`DELETE FROM "AutotaskThreadClaim" WHERE "id" = ${id}`;
      } catch (e) {
        // The claim expires by itself; until then it holds a slot nobody uses.
        failed('release', e);
      }
    },
  };
}
