import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { startPeriodicMissedRunDetection } from '../../src/services/schedules/background-detection.ts';
import { settleDeferredWork } from '../../src/shared/deferred-work.ts';
import { createTestDatabase, resetData, useTestDatabase } from '../support/db.ts';
import { AMS, makeScheduledJob } from './fixtures.ts';

/** The timer in the web process (src/boot.ts starts it): a cycle per interval, errors logged, never thrown. */

const ctx = useTestDatabase();
beforeEach(() => resetData(ctx.db));
afterEach(() => vi.useRealTimers());

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

describe('the periodic missed-run detection', () => {
  it('runs a cycle every interval until stopped', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { job } = await makeScheduledJob(ctx.db, { schedule: { kind: 'daily' }, confirmedAt: daysAgo(3) });
    const { logger, lines } = keptLogger();
    const periodic = startPeriodicMissedRunDetection(
      { db: ctx.db.prisma, timezone: AMS, logger },
      { intervalMinutes: 5 },
    );
    try {
      vi.advanceTimersByTime(4 * 60_000);
      await settleDeferredWork();
      expect(await ctx.db.prisma.run.count()).toBe(0);
      vi.advanceTimersByTime(60_000);
      await settleDeferredWork();
      const missed = await ctx.db.prisma.run.count({ where: { jobId: job.id, status: 'missed' } });
      expect(missed).toBeGreaterThanOrEqual(2);
      expect(lines.map((l) => l.msg)).toEqual(['missed runs recorded']);
    } finally {
      periodic.stop();
    }
    // Stopped: a later interval records nothing for a new schedule.
    const later = await makeScheduledJob(ctx.db, { schedule: { kind: 'daily' }, confirmedAt: daysAgo(3) });
    vi.advanceTimersByTime(10 * 60_000);
    await settleDeferredWork();
    expect(await ctx.db.prisma.run.count({ where: { jobId: later.job.id } })).toBe(0);
  });

  it('logs a failed cycle instead of throwing', async () => {
    const broken = await createTestDatabase();
    await broken.close();
    const { logger, lines } = keptLogger();
    const periodic = startPeriodicMissedRunDetection(
      { db: broken.prisma, timezone: AMS, logger },
      { intervalMinutes: 5 },
    );
    try {
      expect(await periodic.tick()).toBeNull();
    } finally {
      periodic.stop();
    }
    expect(lines.map((l) => [l.level, l.msg])).toEqual([[50, 'missed-run detection failed']]);
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
