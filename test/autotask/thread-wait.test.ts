import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AutotaskRateLimitedError,
  AutotaskThreadWaitError,
  createAutotaskClient,
  InMemoryZoneCache,
  isThreadThreshold,
  type AutotaskClient,
  type EndpointLimiter,
} from '../../src/autotask/client.ts';
import { claimCodeOf, createDbThreadLimiter } from '../../src/db/autotask-threads.ts';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { explainAutotaskError } from '../../src/errors/autotask-messages.ts';
import { createLogger } from '../../src/logger.ts';
import { createAutotaskAccess } from '../../src/services/integration/autotask-access.ts';
import { getIntegrationSettings } from '../../src/services/integration/settings.ts';
import { writeWithThreadRetry } from '../../src/services/tickets/retry-write.ts';
import { testSecrets } from '../support/app.ts';
import { configureAutotask, useSimulator } from '../support/autotask.ts';
import { resetData, useTestDatabase } from '../support/db.ts';

/**
 * The tenant-wide thread limit (src/db/autotask-threads.ts) seen from the client and the app: no
 * slot within the wait is Autotask's "busy" error and nothing is sent; two instances together keep
 * to 3 requests per endpoint at the simulator, which counts what arrives at once.
 */

const ctx = useTestDatabase();
const simCtx = useSimulator();
let second: Database | undefined;

beforeAll(async () => {
  if (ctx.db.kind === 'postgres') second = await openDatabase({ kind: 'postgres', url: ctx.db.url! });
});
afterAll(async () => {
  await second?.close();
});
beforeEach(async () => {
  await resetData(ctx.db);
  simCtx.sim.reset();
});

const COMPANY = 105;

function limiter(database: Database, waitMs = 30_000): EndpointLimiter {
  return createDbThreadLimiter({
    db: database.prisma,
    integrationCode: simCtx.sim.credentials.integrationCode,
    waitMs,
    requestTimeoutMs: 2_000,
  });
}

function client(threads: EndpointLimiter, retrySleeps: number[] = []): AutotaskClient {
  return createAutotaskClient({
    credentials: simCtx.sim.credentials,
    environment: 'sandbox',
    zoneLookupUrl: simCtx.sim.zoneLookupUrl,
    zoneCache: new InMemoryZoneCache(),
    timeoutMs: 2_000,
    limiter: threads,
    retry: {
      sleep: (ms) => {
        retrySleeps.push(ms);
        return Promise.resolve();
      },
    },
  });
}

/** Three slots of `bucket` held by an instance that stopped without letting go (its claims still live). */
async function slotsHeldElsewhere(bucket: string, integrationCode = simCtx.sim.credentials.integrationCode) {
  for (let i = 0; i < 3; i++) {
    await ctx.db.prisma.$executeRaw`
      INSERT INTO "AutotaskThreadClaim" ("integrationCode", "bucket", "holder", "expiresAt")
      VALUES (${claimCodeOf(integrationCode)}, ${bucket}, 'elsewhere', (now() AT TIME ZONE 'UTC') + interval '10 minutes')`;
  }
}

const sentTo = (entity: string, method?: string) =>
  simCtx.sim.requestLog.filter((e) => e.entity === entity && (!method || e.method === method));

/** The sentence an operator reads when Autotask itself refuses with its thread threshold. */
const autotaskRefused = explainAutotaskError(
  new AutotaskRateLimitedError(429, ['Thread Threshold Exceeded'], { operation: 'companies.get' }, null),
).message;

describe('no thread slot within the wait', () => {
  it('is the busy error, with nothing sent and no second try', async () => {
    const c = client(limiter(ctx.db));
    await c.getZone();
    await slotsHeldElsewhere('companies');
    const retrySleeps: number[] = [];
    const waiting = client(limiter(ctx.db, 150), retrySleeps);

    const error = await waiting.getCompany(COMPANY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AutotaskThreadWaitError);
    expect(isThreadThreshold(error)).toBe(true);
    expect(error).toMatchObject({ operation: 'companies.get', read: true, status: null, waitedMs: 150 });
    // The same limit, but Autotask said nothing: the operator is not told that Autotask refused it.
    const said = explainAutotaskError(error as AutotaskThreadWaitError).message;
    expect(said).toBe(
      'Autotask is busy: Backupchecks already had as many requests running as Autotask allows at once for this API tracking identifier (3), and this one was not sent after waiting for a free place. Nothing was changed. Try again in a moment.',
    );
    expect(said).not.toBe(autotaskRefused);
    expect(sentTo('Companies')).toEqual([]);
    expect(retrySleeps).toEqual([]);
    // Tickets are another endpoint: not held up.
    expect((await waiting.getTicket(7001)).id).toBe(7001);
  });

  it('ends a write at once as refused: no lookup, no resend', async () => {
    await slotsHeldElsewhere('tickets');
    const c = client(limiter(ctx.db, 150));
    const waits: number[] = [];
    let lookups = 0;
    const result = await writeWithThreadRetry(
      {
        write: () => c.updateTicketStatus(7001, 5),
        check: () => {
          lookups++;
          return Promise.resolve({ absent: true as const });
        },
      },
      {
        sleep: (ms) => {
          waits.push(ms);
          return Promise.resolve();
        },
      },
    );
    expect(result).toMatchObject({ kind: 'exhausted', retries: 0 });
    expect(result.kind === 'exhausted' && result.error).toBeInstanceOf(AutotaskThreadWaitError);
    expect(lookups).toBe(0);
    expect(waits).toEqual([]);
    expect(sentTo('Tickets', 'PATCH')).toEqual([]);
  });
});

describe("the app's clients (createAutotaskAccess)", () => {
  it('wait in the shared line of their integration code, saved or typed-in credentials alike', async () => {
    await configureAutotask(ctx.db, simCtx.sim);
    const settings = await getIntegrationSettings(ctx.db.prisma);
    const access = createAutotaskAccess({
      db: ctx.db.prisma,
      encryptionKey: testSecrets.encryptionKey,
      zoneLookupUrl: simCtx.sim.zoneLookupUrl,
      timeoutMs: 2_000,
      logger: createLogger('silent'),
      threadWaitMs: 150,
    });
    await slotsHeldElsewhere('companies');

    const saved = await access
      .client(settings)
      .getCompany(COMPANY)
      .catch((e: unknown) => e);
    expect(isThreadThreshold(saved)).toBe(true);
    const typed = await access
      .clientWith(settings, simCtx.sim.credentials)
      .getCompany(COMPANY)
      .catch((e: unknown) => e);
    expect(typed).toBeInstanceOf(AutotaskThreadWaitError);
    expect(sentTo('Companies')).toEqual([]);

    // The slots are counted per tracking identifier: another one goes ahead (and Autotask then
    // refuses it for its own reasons, which is not the thread limit).
    const other = await access
      .clientWith(settings, { ...simCtx.sim.credentials, integrationCode: 'ANOTHERVENDOR00000000000001' })
      .getCompany(COMPANY)
      .catch((e: unknown) => e);
    expect(isThreadThreshold(other)).toBe(false);
    expect(await ctx.db.prisma.autotaskThreadClaim.count()).toBe(3);
  });
});

describe('two instances against the simulator', () => {
  it('never have more than 3 requests of an endpoint at Autotask at once, and none is refused', async () => {
    const a = client(limiter(ctx.db));
    const b = client(limiter(second ?? ctx.db));
    await Promise.all([a.getZone(), b.getZone()]);
    simCtx.sim.threads.resetHighWater();
    simCtx.sim.faults.setLatency(20);
    try {
      const companies = await Promise.all(Array.from({ length: 24 }, (_, i) => (i % 2 ? a : b).getCompany(COMPANY)));
      expect(companies.every((c) => c.id === COMPANY)).toBe(true);
    } finally {
      simCtx.sim.faults.setLatency(0);
    }
    const marks = simCtx.sim.threads.highWater().filter((m) => m.entity === 'companies');
    expect(marks).toHaveLength(1);
    expect(marks[0]!.count).toBeLessThanOrEqual(3);
    expect(simCtx.sim.requestLog.filter((e) => e.status === 429 || e.status === 500)).toEqual([]);
    expect(await ctx.db.prisma.autotaskThreadClaim.count()).toBe(0);
  });
});
