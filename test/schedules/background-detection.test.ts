import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { runMissedRunDetection } from '../../src/services/schedules/background-detection.ts';
import { createTestDatabase, resetData, useTestDatabase } from '../support/db.ts';
import { AMS, makeScheduledJob } from './fixtures.ts';

/** One cycle as the background job runs it (src/jobs/background-jobs.ts; the queue: test/jobs/). */

const ctx = useTestDatabase();
beforeEach(() => resetData(ctx.db));

/** A logger that keeps its lines. */
function keptLogger() {
  const lines: Array<{ level: number; msg: string }> = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => lines.push(JSON.parse(line) as { level: number; msg: string }) },
  );
  return { logger, lines };
}

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);

describe('the missed-run detection job', () => {
  it('records the missed windows and says so once', async () => {
    const { job } = await makeScheduledJob(ctx.db, { schedule: { kind: 'daily' }, confirmedAt: daysAgo(3) });
    const { logger, lines } = keptLogger();
    const result = await runMissedRunDetection({ db: ctx.db.prisma, timezone: AMS, logger });
    const missed = await ctx.db.prisma.run.count({ where: { jobId: job.id, status: 'missed' } });
    expect(missed).toBeGreaterThanOrEqual(2);
    expect(result.missed).toBe(missed);
    expect(lines.map((l) => l.msg)).toEqual(['missed runs recorded']);
    // A second cycle finds nothing new and logs nothing.
    expect((await runMissedRunDetection({ db: ctx.db.prisma, timezone: AMS, logger })).missed).toBe(0);
    expect(lines).toHaveLength(1);
  });

  it('throws a failed cycle, so the job queue retries it', async () => {
    const broken = await createTestDatabase();
    await broken.close();
    const { logger } = keptLogger();
    await expect(runMissedRunDetection({ db: broken.prisma, timezone: AMS, logger })).rejects.toThrow();
  });
});

describe('MISSED_RUN_CHECK_MINUTES', () => {
  it('defaults to 5 and accepts 1 to 60', () => {
    expect(loadConfig({}).missedRunCheckMinutes).toBe(5);
    expect(loadConfig({ MISSED_RUN_CHECK_MINUTES: '1' }).missedRunCheckMinutes).toBe(1);
    expect(loadConfig({ MISSED_RUN_CHECK_MINUTES: '60' }).missedRunCheckMinutes).toBe(60);
    for (const bad of ['0', '61', 'often', '2.5']) {
      expect(() => loadConfig({ MISSED_RUN_CHECK_MINUTES: bad })).toThrow(ConfigError);
    }
  });
});
