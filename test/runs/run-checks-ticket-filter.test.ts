import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/app.ts';
import type { Prisma } from '../../src/db/database.ts';
import { loadRunChecks, type RunChecksFilters, type TicketFilter } from '../../src/services/runs/run-checks.ts';
import { buildTestApp, signInAs } from '../support/app.ts';
import { useTestDatabase } from '../support/db.ts';
import { addRun } from './fixtures.ts';
import { openedRunIds, rowsOnPage } from './run-checks-html.ts';

/**
 * Run Checks filtered by ticket state (`ticket=none|open|complete`): each run is in exactly one of
 * them, through the ticket its `ticketRecordId` points at. The filter chooses which jobs are listed
 * (those with a run in that state); an opened row shows the job's runs in that state.
 *
 *   Alpha   Plain                 a run without a ticket
 *           Failed                a run whose ticket could not be created (no ticket)
 *           Pending               a run whose ticket is being created (open)
 *           Unread                a created ticket whose status was never read (open)
 *   Bravo   Open 01 … Open 50     two runs sharing one open ticket each; Open 01 also has a run without one
 *   Charlie Done                  a run whose ticket is Complete
 *
 * With `ticket=open`, 52 jobs match: Open 49 and Open 50 land on page 2 (50 rows a page).
 */

const ctx = useTestDatabase();
let built: BuiltApp;
let agent: Awaited<ReturnType<typeof signInAs>>['agent'];
const now = new Date('2026-03-10T08:00:00Z');
const runIds: Record<string, number[]> = {};
const jobIds: Record<string, number> = {};
let reference = 0;
const openJobs = Array.from({ length: 50 }, (_, i) => `Open ${String(i + 1).padStart(2, '0')}`);

async function runs(key: string, customer: string, job: string, count: number) {
  const at = (i: number) => new Date(Date.UTC(2026, 2, 9, 0, i));
  const first = await addRun(ctx.db, { customer, job, status: 'error', runAt: at(0).toISOString() });
  jobIds[job] = first.jobId;
  await ctx.db.prisma.run.createMany({
    data: Array.from({ length: count - 1 }, (_, i) => ({
      jobId: first.jobId,
      runAt: at(i + 1),
      status: 'error' as const,
    })),
  });
  const made = await ctx.db.prisma.run.findMany({
    where: { jobId: first.jobId, id: { gte: first.id } },
    select: { id: true },
    orderBy: { id: 'asc' },
  });
  runIds[key] = made.map((r) => r.id);
  return runIds[key];
}

/** One ticket record for `ids` (the first is its origin run); every run points at it. */
async function ticketFor(ids: number[], data: Partial<Prisma.TicketUncheckedCreateInput>) {
  const db = ctx.db.prisma;
  const origin = await db.run.findUniqueOrThrow({ where: { id: ids[0]! } });
  reference += 1;
  const ticket = await db.ticket.create({
    data: { originRunId: origin.id, jobId: origin.jobId, reference: `BC-RUN-${origin.id}-f${reference}`, ...data },
  });
  await db.run.updateMany({ where: { id: { in: ids } }, data: { ticketRecordId: ticket.id } });
}

let autotaskId = 70_000;
const created = (statusId: number | null) => ({
  state: 'created' as const,
  ticketId: (autotaskId += 1),
  ticketNumber: `T2026.${autotaskId}`,
  statusId,
  // As every read of a ticket stores it: Autotask's Complete (5) is its closed status.
  statusClosed: statusId === 5,
  statusCheckedAt: statusId === null ? null : now,
});

beforeAll(async () => {
  built = buildTestApp(ctx.db);
  await runs('plain', 'Alpha', 'Plain', 1);
  await ticketFor(await runs('failed', 'Alpha', 'Failed', 1), { state: 'failed', lastError: 'refused' });
  await ticketFor(await runs('pending', 'Alpha', 'Pending', 1), { state: 'pending' });
  await ticketFor(await runs('unread', 'Alpha', 'Unread', 1), created(null));
  for (const name of openJobs) await ticketFor(await runs(name, 'Bravo', name, 2), created(1));
  runIds['open01-none'] = [
    (await addRun(ctx.db, { customer: 'Bravo', job: 'Open 01', status: 'error', runAt: '2026-03-08T00:00:00Z' })).id,
  ];
  await ticketFor(await runs('done', 'Charlie', 'Done', 1), created(5));
  ({ agent } = await signInAs(built.app, ctx.db, 'operator'));
});
afterAll(() => built.close());

const idsOf = (...keys: string[]) => keys.flatMap((k) => runIds[k]!).sort((a, b) => a - b);
const jobsNamed = (...names: string[]) => names.map((n) => jobIds[n]);
const load = (f: Partial<RunChecksFilters>) =>
  loadRunChecks(ctx.db.prisma, { includeReviewed: false, page: 1, ...f }, now);
const listed = async (f: Partial<RunChecksFilters>) => (await load(f)).rows.map((r) => r.jobName);
/** The runs an opened row shows, by id. */
const openedRuns = async (f: Partial<RunChecksFilters>, job: string) =>
  ((await load({ ...f, open: [jobIds[job]!] })).open.rows.get(jobIds[job]!)?.runs ?? [])
    .map((r) => r.id)
    .sort((a, b) => a - b);

describe('Run Checks: ticket filter (service)', () => {
  it.each([
    ['none', ['Failed', 'Plain', 'Open 01']],
    ['complete', ['Done']],
  ] as const)('%s: exactly the jobs with a run in that state', async (ticket, jobs) => {
    const data = await load({ ticket });
    expect(data.rows.map((r) => r.jobName)).toEqual(jobs);
    expect(data.rowTotal).toBe(jobs.length);
  });

  it('open: jobs with a run whose ticket is being created or not Complete, over two pages', async () => {
    const first = await load({ ticket: 'open', page: 1 });
    const second = await load({ ticket: 'open', page: 2 });
    expect([first.rowTotal, first.pages]).toEqual([52, 2]);
    expect(first.rows.map((r) => r.jobName)).toEqual(['Pending', 'Unread', ...openJobs.slice(0, 48)]);
    expect(second.rows.map((r) => r.jobName)).toEqual(openJobs.slice(48));
  });

  it('an opened row shows the runs of its job in that state; each run is in exactly one', async () => {
    expect(await openedRuns({ ticket: 'none' }, 'Open 01')).toEqual(idsOf('open01-none'));
    expect(await openedRuns({ ticket: 'open' }, 'Open 01')).toEqual(idsOf('Open 01'));
    expect(await openedRuns({ ticket: 'complete' }, 'Open 01')).toEqual([]);
    expect(await openedRuns({}, 'Open 01')).toEqual(idsOf('Open 01', 'open01-none'));
    for (const [ticket, job, key] of [
      ['none', 'Failed', 'failed'],
      ['open', 'Pending', 'pending'],
      ['open', 'Unread', 'unread'],
      ['complete', 'Done', 'done'],
    ] as const) {
      expect(await openedRuns({ ticket }, job)).toEqual(idsOf(key));
    }
  });

  it('without the filter every job is listed: the three states together', async () => {
    const all = await load({});
    // Every page of each state's rows.
    const jobsIn = async (ticket: TicketFilter) => {
      const first = await load({ ticket });
      const rest = first.pages > 1 ? (await load({ ticket, page: 2 })).rows : [];
      expect(first.pages).toBeLessThanOrEqual(2);
      return [...first.rows, ...rest].map((r) => r.jobName);
    };
    const states = await Promise.all((['none', 'open', 'complete'] as const).map(jobsIn));
    expect(all.rowTotal).toBe(4 + 50 + 1);
    expect(all.unreviewedTotal).toBe(4 + 101 + 1);
    expect(new Set(states.flat()).size).toBe(all.rowTotal);
    // Only Open 01 has runs in two states.
    expect(states.flat().length).toBe(all.rowTotal + 1);
  });

  it('combines with the other filters and the search', async () => {
    expect(await listed({ ticket: 'none', search: 'alpha' })).toEqual(['Failed', 'Plain']);
    expect(await listed({ ticket: 'open', search: 'open 01' })).toEqual(['Open 01']);
    expect(await listed({ ticket: 'open', status: 'warning' })).toEqual([]);
  });
});

describe('Run Checks: ticket filter (page)', () => {
  const ticketSelect = (html: string) => {
    const start = html.indexOf('id="f-ticket"');
    return html.slice(start, html.indexOf('</select>', start));
  };
  const selected = (html: string) => /<option value="([a-z]*)" selected>/.exec(ticketSelect(html))?.[1];

  it('offers the select, labelled "Ticket", with Any / No ticket / Open ticket / Complete ticket', async () => {
    const res = await agent.get('/run-checks');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<label for="f-ticket">Ticket</label>');
    expect(
      [...ticketSelect(res.text).matchAll(/<option value="([a-z]*)"[^>]*>([^<]*)<\/option>/g)].map((m) => [m[1], m[2]]),
    ).toEqual([
      ['', 'Any'],
      ['none', 'No ticket'],
      ['open', 'Open ticket'],
      ['complete', 'Complete ticket'],
    ]);
    expect(selected(res.text)).toBe(''); // Any
  });

  it('filters, keeps the choice selected, and keeps it in the pagination links', async () => {
    const first = await agent.get('/run-checks?ticket=open');
    expect(first.status).toBe(200);
    expect(selected(first.text)).toBe('open');
    expect(rowsOnPage(first.text)).toEqual(jobsNamed('Pending', 'Unread', ...openJobs.slice(0, 48)));
    const next = /<a href="([^"]+)" rel="next">/.exec(first.text)?.[1]?.replaceAll('&amp;', '&');
    expect(next).toBeDefined();
    expect(new URLSearchParams(next!.slice(1)).get('ticket')).toBe('open');

    const second = await agent.get(`/run-checks${next!}`);
    expect(selected(second.text)).toBe('open');
    expect(rowsOnPage(second.text)).toEqual(jobsNamed(...openJobs.slice(48)));
    const previous = /<a href="([^"]+)" rel="prev">/.exec(second.text)?.[1]?.replaceAll('&amp;', '&');
    expect(new URLSearchParams(previous!.slice(1)).get('ticket')).toBe('open');

    const complete = await agent.get('/run-checks?ticket=complete');
    expect(rowsOnPage(complete.text)).toEqual(jobsNamed('Done'));
    expect(complete.text).not.toContain('rel="next"');

    // An opened row shows the runs in the chosen state only.
    const open01 = jobIds['Open 01']!;
    const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);
    const none = await agent.get(`/run-checks?ticket=none&open=${open01}`);
    expect(selected(none.text)).toBe('none');
    expect(sorted(openedRunIds(none.text))).toEqual(idsOf('open01-none'));
    const open = await agent.get(`/run-checks?ticket=open&open=${open01}`);
    expect(sorted(openedRunIds(open.text))).toEqual(idsOf('Open 01'));
  });

  it('ignores a value it does not know', async () => {
    const res = await agent.get('/run-checks?ticket=closed&status=error');
    expect(res.status).toBe(200);
    expect(selected(res.text)).toBe(''); // Any
    const any = await agent.get('/run-checks?status=error');
    expect(rowsOnPage(res.text)).toEqual(rowsOnPage(any.text));
    expect(rowsOnPage(res.text).length).toBeGreaterThan(0);
  });
});
