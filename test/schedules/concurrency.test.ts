import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { detectMissedRuns } from '../../src/services/schedules/detection.ts';
import { createTestDatabase, resetData, useTestDatabase, type TestDatabase } from '../support/db.ts';
import { AMS, detectAt, makeScheduledJob } from './fixtures.ts';

/**
 * Two detectors at once (two instances, or a cycle and a pause) record each window once: the unique
 * index on (jobId, expectedAt) decides, and the insert skips what exists.
 */

const ctx = useTestDatabase();
beforeEach(() => resetData(ctx.db));

/** Twenty jobs due every two hours, none of which ran: 12 windows a day each. */
async function twentyHourlyJobs(database: Database) {
  for (let i = 0; i < 20; i++) {
    await makeScheduledJob(database, {
      customerName: `Customer ${i % 4}`,
      jobName: `Job ${i}`,
      schedule: { kind: 'hourly', minuteOfDay: 30, everyHours: 2, graceMinutes: 15 },
      confirmedAt: new Date('2026-06-01T00:00Z'),
    });
  }
}

async function windowsRecordedOnce(database: Database, expected: number) {
  const rows = await database.prisma.run.groupBy({
    by: ['jobId', 'expectedAt'],
    where: { status: 'missed' },
    _count: { _all: true },
  });
  expect(rows).toHaveLength(expected);
  expect(rows.every((r) => r._count._all === 1)).toBe(true);
  expect(await database.prisma.run.count({ where: { status: 'missed' } })).toBe(expected);
}

describe('two detectors at the same time', () => {
  it('one Prisma client, two cycles in parallel: exactly one missed run per window', async () => {
    await twentyHourlyJobs(ctx.db);
    const [a, b] = await Promise.all([detectAt(ctx.db, '2026-06-02T00:00Z'), detectAt(ctx.db, '2026-06-02T00:00Z')]);
    expect(a.windows).toBe(240);
    expect(a.missed + b.missed).toBe(240);
    await windowsRecordedOnce(ctx.db, 240);
  });

  it('cycles with different clocks in parallel: the overlap once, checkedUntil at the later clock', async () => {
    await twentyHourlyJobs(ctx.db);
    await Promise.all([
      detectAt(ctx.db, '2026-06-01T12:00Z'),
      detectAt(ctx.db, '2026-06-02T00:00Z'),
      detectAt(ctx.db, '2026-06-01T18:00Z'),
    ]);
    await windowsRecordedOnce(ctx.db, 240);
    const checked = await ctx.db.prisma.jobSchedule.findMany({ select: { checkedUntil: true } });
    expect(new Set(checked.map((c) => c.checkedUntil.toISOString()))).toEqual(new Set(['2026-06-02T00:00:00.000Z']));
  });

  // Two app instances: two Prisma clients with connections of their own (PostgreSQL only: an
  // embedded database has one client).
  it.runIf(Boolean(process.env['TEST_DATABASE_URL']))(
    'two Prisma clients (two instances) in parallel: exactly one missed run per window',
    async () => {
      await twentyHourlyJobs(ctx.db);
      const other = await openDatabase({ kind: 'postgres', url: ctx.db.url! });
      try {
        const now = new Date('2026-06-02T00:00Z');
        const results = await Promise.all([
          detectMissedRuns({ db: ctx.db.prisma, timezone: AMS }, { now }),
          detectMissedRuns({ db: other.prisma, timezone: AMS }, { now }),
          detectMissedRuns({ db: other.prisma, timezone: AMS }, { now }),
        ]);
        expect(results.reduce((n, r) => n + r.missed, 0)).toBe(240);
        await windowsRecordedOnce(ctx.db, 240);
      } finally {
        await other.close();
      }
    },
  );
});

describe('statements per cycle', () => {
  let logged: TestDatabase;
  const statements: string[] = [];
  beforeAll(async () => {
    logged = await createTestDatabase({ logQueries: true });
    logged.prisma.$on('query' as never, (e: { query: string }) => statements.push(e.query));
  });
  afterAll(() => logged?.close());

  async function countCycle(now: string): Promise<number> {
    statements.length = 0;
    await detectAt(logged, now);
    return statements.length;
  }

  it('are the same for one schedule and for twenty: four', async () => {
    await makeScheduledJob(logged, {
      schedule: { kind: 'daily' },
      confirmedAt: new Date('2026-06-01T00:00Z'),
    });
    const one = await countCycle('2026-06-03T00:00Z');
    await twentyHourlyJobs(logged);
    const twenty = await countCycle('2026-06-04T00:00Z');
    expect(await logged.prisma.run.count({ where: { status: 'missed' } })).toBeGreaterThan(200);
    expect(twenty).toBe(one);
    expect(one).toBe(4);
    // Nothing due: one statement.
    expect(await countCycle('2026-06-04T00:00Z')).toBe(1);
  });
});
