import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/app.ts';
import { objectsPerRun, runsPerJob } from '../../src/services/runs/run-checks-open.ts';
import { loadRunChecks, maxOpenRows, rowsPerPage, type RunChecksFilters } from '../../src/services/runs/run-checks.ts';
import { buildTestApp, signInAs } from '../support/app.ts';
import { resetData, useTestDatabase } from '../support/db.ts';
import { addRun } from './fixtures.ts';
import { openedRunIds, rowHtml, rowsOnPage } from './run-checks-html.ts';

/**
 * Run Checks at its limits:
 *   Echo Energy   Job 00 … Job 59   one success each
 *   Foxtrot Foods Hourly            30 runs: one error with 70 objects (65 failed), one success with
 *                                   three successful objects, 28 plain successes
 */

const ctx = useTestDatabase();
let built: BuiltApp;
const now = new Date('2026-03-10T08:00:00Z');
const echoJobs: number[] = [];
let hourly = 0;
const hourlyRuns: Record<string, number> = {};

const load = (f: Partial<RunChecksFilters> = {}) =>
  loadRunChecks(ctx.db.prisma, { includeReviewed: false, page: 1, ...f }, now);

beforeAll(async () => {
  built = buildTestApp(ctx.db);
  for (let j = 0; j < 60; j += 1) {
    const run = await addRun(ctx.db, {
      customer: 'Echo Energy',
      job: `Job ${String(j).padStart(2, '0')}`,
      status: 'success',
      runAt: '2026-03-09T01:00:00Z',
    });
    echoJobs.push(run.jobId);
  }
  for (let r = 0; r < runsPerJob + 5; r += 1) {
    const run = await addRun(ctx.db, {
      customer: 'Foxtrot Foods',
      job: 'Hourly',
      status: r === 7 ? 'error' : 'success',
      runAt: new Date(Date.UTC(2026, 2, 9, 0, r)).toISOString(),
      objects:
        r === 7
          ? Array.from({ length: objectsPerRun + 20 }, (_, i) => ({
              name: `file-${i}`,
              status: i < 10 ? ('warning' as const) : i < 65 ? ('error' as const) : ('success' as const),
            }))
          : r === runsPerJob + 4
            ? ['a', 'b', 'c'].map((name) => ({ name, status: 'success' as const }))
            : [],
    });
    hourly = run.jobId;
    if (r === 7) hourlyRuns.error = run.id;
    if (r === runsPerJob + 4) hourlyRuns.newest = run.id;
  }
});
afterAll(() => built.close());

describe('Run Checks: limits and pagination', () => {
  it('pages by 50 rows and shows a page past the end as the last page', async () => {
    expect([rowsPerPage, runsPerJob, objectsPerRun, maxOpenRows]).toEqual([50, 25, 50, 20]);
    const first = await load();
    expect([first.rowTotal, first.page, first.pages]).toEqual([61, 1, 2]);
    // Hourly first (it has an error), then Echo's jobs by name.
    expect(first.rows.map((r) => r.jobId)).toEqual([hourly, ...echoJobs.slice(0, 49)]);
    expect(first.rows[0]).toMatchObject({
      counts: { error: 1, missed: 0, warning: 0, success: runsPerJob + 4 },
      unreviewedCount: runsPerJob + 5,
      maxUnreviewedRunId: hourlyRuns.newest,
    });

    const second = await load({ page: 2 });
    expect(second.rows.map((r) => r.jobId)).toEqual(echoJobs.slice(49));
    const beyond = await load({ page: 9 });
    expect(beyond.page).toBe(2);
    expect(beyond.rows.map((r) => r.jobId)).toEqual(echoJobs.slice(49));

    const { agent } = await signInAs(built.app, ctx.db, 'operator');
    for (const address of ['/run-checks?page=2', '/run-checks?page=9']) {
      const html = await agent.get(address);
      expect(html.text).toContain('Page 2 of 2');
      expect(rowsOnPage(html.text)).toEqual(echoJobs.slice(49));
    }
    // A row opened on page 2 stays on page 2.
    const toggle = /<a href="([^"]*)" class="row-toggle"/.exec(
      rowHtml((await agent.get('/run-checks?page=2')).text, echoJobs[59]!),
    )![1]!;
    expect(toggle).toBe(`/run-checks?page=2&amp;open=${echoJobs[59]}#job-${echoJobs[59]}`);
  });

  it('caps the runs of an opened row per job (worst first) and its objects per run (failed, errors first)', async () => {
    const page = await load({ open: [hourly] });
    const row = page.open.rows.get(hourly)!;
    expect(row.matchingCount).toBe(runsPerJob + 5);
    expect(row.runs).toHaveLength(runsPerJob);
    expect(row.runs.map((r) => r.id).slice(0, 2)).toEqual([hourlyRuns.error, hourlyRuns.newest]);
    const [error, newest] = row.runs;
    expect(error!.objects).toHaveLength(objectsPerRun);
    expect(error!.objectCount).toBe(objectsPerRun + 20);
    expect(error!.objects.every((o) => o.status !== 'success')).toBe(true);
    expect(error!.objects.slice(0, 2).map((o) => o.name)).toEqual(['file-10', 'file-11']);
    expect(newest!.objects).toEqual([]);
    expect(newest!.objectCount).toBe(3);

    const { agent } = await signInAs(built.app, ctx.db, 'operator');
    const html = rowHtml((await agent.get(`/run-checks?open=${hourly}`)).text, hourly);
    expect(openedRunIds(html)).toHaveLength(runsPerJob);
    expect(html).toContain('Showing the 25 most important of 30 runs of this job.');
    expect(html).toContain('Marking the job as reviewed also covers its 5 unreviewed run(s) not shown here.');
    expect(html.match(/<tr class="object-/g)).toHaveLength(objectsPerRun);
    expect(html).toContain('Showing the failed objects: 50 of 70 objects.');
    expect(html).toContain('No failed objects (3 objects, all successful).');
  });

  it(`opens at most ${maxOpenRows} rows at once`, async () => {
    const open = [hourly, ...echoJobs.slice(0, 30)];
    expect((await load({ open })).open.rows.size).toBe(maxOpenRows);
    const { agent } = await signInAs(built.app, ctx.db, 'operator');
    const res = await agent.get(`/run-checks?${open.map((id) => `open=${id}`).join('&')}`);
    expect(res.status).toBe(200);
    expect(res.text.match(/aria-expanded="true"/g)).toHaveLength(maxOpenRows);
  });

  it('says so when there is nothing to check', async () => {
    await resetData(ctx.db);
    const { agent } = await signInAs(built.app, ctx.db, 'operator');
    const res = await agent.get('/run-checks');
    expect(res.text).toContain('All runs are reviewed.');
    expect(res.text).toContain('Nothing to check');
    expect(rowsOnPage(res.text)).toEqual([]);
    const filtered = await agent.get('/run-checks?q=nothing');
    expect(filtered.text).toContain('No runs match these filters.');
  });
});
