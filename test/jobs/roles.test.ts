import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { JOB_LABELS } from '../../src/jobs/background-jobs.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { spawnApp, type SpawnedApp } from '../support/spawned-app.ts';

/**
 * ROLE splits serving from working (docs/operations.md): a web-only instance serves pages and
 * keeps no schedule and runs no job; a worker-only instance runs the jobs and serves no HTTP.
 */

const onPostgres = Boolean(process.env['TEST_DATABASE_URL']);

describe('ROLE', () => {
  it('is all by default; web and worker need PostgreSQL', () => {
    expect(loadConfig({}).role).toBe('all');
    expect(loadConfig({ ROLE: 'worker', DATABASE_URL: 'postgresql://db/app' }).role).toBe('worker');
    expect(() => loadConfig({ ROLE: 'web' })).toThrow(
      'Configuration error: ROLE=web needs DATABASE_URL (the embedded database serves one process, which does both); remove ROLE or set DATABASE_URL',
    );
    expect(() => loadConfig({ ROLE: 'both', DATABASE_URL: 'postgresql://db/app' })).toThrow(ConfigError);
  });
});

describe.skipIf(!onPostgres)('web-only and worker-only instances', () => {
  let db: TestDatabase;
  const instances: SpawnedApp[] = [];
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    await db?.close();
  });

  const schedules = () =>
    db.prisma.$queryRawUnsafe<Array<{ name: string }>>('SELECT name FROM pgboss.schedule ORDER BY name');
  const finishedJobs = () =>
    db.prisma.$queryRawUnsafe<Array<{ name: string }>>(
      `SELECT DISTINCT name FROM pgboss.job WHERE state = 'completed' AND name = ANY($1::text[])`,
      Object.keys(JOB_LABELS),
    );

  it('a web instance serves and schedules nothing; a worker runs the jobs without serving', async () => {
    db = await createTestDatabase();
    const env = { DATABASE_URL: db.url!, JOB_POLL_SECONDS: '1' };
    const web = await spawnApp({ ...env, ROLE: 'web' });
    instances.push(web);
    expect((await fetch(`${web.url}/healthz`)).status).toBe(200);
    // The queue's tables exist (web instances queue and read them), but no schedule was set.
    expect(await schedules()).toEqual([]);
    expect(await finishedJobs()).toEqual([]);

    const worker = await spawnApp({ ...env, ROLE: 'worker' });
    instances.push(worker);
    expect(worker.url).toBeNull();
    expect(worker.output()).not.toContain('listening on');
    expect((await schedules()).map((s) => s.name).sort()).toEqual(Object.keys(JOB_LABELS).sort());
    // The every-minute jobs are due at once; the worker runs them.
    while ((await finishedJobs()).length < 2) await new Promise((r) => setTimeout(r, 200));
    expect((await finishedJobs()).map((j) => j.name).sort()).toEqual(
      expect.arrayContaining(['company-sync', 'ticket-status-refresh']),
    );
  }, 120_000);
});
