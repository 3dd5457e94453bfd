import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { createJobQueue, type BackgroundJob, type JobQueue } from '../../src/jobs/queue.ts';
import { jobReport } from '../../src/jobs/report.ts';
import { addUser, buildTestApp, signIn } from '../support/app.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

/**
 * The job queue on a real database (pg-boss on PostgreSQL, or in-process on PGlite): retries with
 * backoff, failures in the report Diagnostics shows, schedules kept only by workers. Two app
 * processes sharing one queue: test/jobs/two-instances.test.ts.
 */

const logger = createLogger('silent');
let db: TestDatabase;
const queues: JobQueue[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  for (const q of queues) await q.stop(1);
  await db.close();
});

/** Resolves when `check` holds, polling the database; the test's own timeout bounds it. */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 100));
}

function start(jobs: BackgroundJob[], mode: 'work' | 'serve', failures: string[] = []) {
  const queue = createJobQueue({
    database: db,
    jobs,
    logger,
    mode,
    pollSeconds: 1,
    retry: { limit: 2, delaySeconds: 1 },
    onFailure: (name) => failures.push(name),
  });
  queues.push(queue);
  return queue.start().then(() => queue);
}

const reportOf = async (name: string) => (await jobReport(db.prisma)).find((r) => r.name === name);

describe('the job queue', () => {
  it('reports every job as never run before the queue exists', async () => {
    const report = await jobReport(db.prisma);
    expect(report.map((r) => r.name)).toContain('retention');
    expect(report.every((r) => r.lastCompletedAt === null && r.lastFailure === null && r.queued === 0)).toBe(true);
  });

  it('retries a job that throws, shows the failure until a run succeeds, and counts it', async () => {
    let attempts = 0;
    const failures: string[] = [];
    const flaky: BackgroundJob = {
      name: 'retention',
      label: 'Removing old records',
      // Never due by the clock during the test: only runNow queues it.
      cron: '0 0 1 1 *',
      expireInSeconds: 60,
      run() {
        attempts += 1;
        if (attempts === 1) return Promise.reject(new Error('the database was restarting <script>x()</script>'));
        return Promise.resolve({ pruned: 0 });
      },
    };
    // A web-only process queues the run; it runs nothing itself.
    const web = await start([flaky], 'serve');
    await web.runNow('retention');
    expect(await reportOf('retention')).toMatchObject({ queued: 1, active: 0 });
    expect(attempts).toBe(0);

    await start([flaky], 'work', failures);
    await until(async () => (await reportOf('retention'))?.retrying === 1);
    expect(await reportOf('retention')).toMatchObject({
      retrying: 1,
      lastCompletedAt: null,
      lastFailure: { message: 'the database was restarting <script>x()</script>', attempts: 1, state: 'retry' },
    });
    expect(failures).toEqual(['retention']);
    // Diagnostics shows it to an admin, escaped like all text that did not come from us.
    const built = buildTestApp(db);
    const admin = await addUser(db, 'admin');
    const { agent } = await signIn(built.app, admin.email);
    const page = await agent.get('/settings/autotask/diagnostics').expect(200);
    expect(page.text).toContain('Background jobs');
    expect(page.text).toMatch(
      /Removing old records[\s\S]*attempt 1, will be retried:<\/span> the database was restarting &lt;script&gt;/,
    );
    await built.close();

    await until(async () => (await reportOf('retention'))?.lastCompletedAt !== null);
    expect(attempts).toBe(2);
    expect(await reportOf('retention')).toMatchObject({ retrying: 0, failed: 0, lastFailure: null });
  });

  it('keeps schedules only where jobs are worked', async () => {
    const schedules = await db.prisma.$queryRawUnsafe<Array<{ name: string; cron: string; timezone: string }>>(
      'SELECT name, cron, timezone FROM pgboss.schedule ORDER BY name',
    );
    expect(schedules).toEqual([{ name: 'retention', cron: '0 0 1 1 *', timezone: 'UTC' }]);
  });
});
