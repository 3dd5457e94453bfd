import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/app.ts';
import type { Prisma } from '../../src/db/database.ts';
import { loadRunChecks, type TicketFilter } from '../../src/services/runs/run-checks.ts';
import { buildTestApp, signInAs } from '../support/app.ts';
import { useTestDatabase } from '../support/db.ts';
import { addRun } from './fixtures.ts';

/**
 * Run Checks filtered by ticket state (`ticket=none|open|complete`): each run is in exactly one of
 * them, through the ticket its `ticketRecordId` points at.
 *
 *   Alpha   Plain    a run without a ticket
 *           Failed   a run whose ticket could not be created (no ticket)
 *           Pending  a run whose ticket is being created (open)
 *           Unread   a created ticket whose status was never read (open)
 *   Bravo   Open 1   25 runs sharing one open ticket, and a run without one
 *           Open 2   25 runs sharing one open ticket
 *           Open 3   25 runs sharing one open ticket
 *   Charlie Done     a run whose ticket is Complete
 *
 * With `ticket=open`, Open 3 lands on page 2 (pages end at the first job boundary after 50 runs).
 */

const ctx = useTestDatabase();
let built: BuiltApp;
let agent: Awaited<ReturnType<typeof signInAs>>['agent'];
const now = new Date('2026-03-10T08:00:00Z');
const runIds: Record<string, number[]> = {};
let reference = 0;

async function runs(key: string, customer: string, job: string, count: number) {
  const at = (i: number) => new Date(Date.UTC(2026, 2, 9, 0, i));
  const first = await addRun(ctx.db, { customer, job, status: 'error', runAt: at(0).toISOString() });
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
  statusCheckedAt: statusId === null ? null : now,
});

beforeAll(async () => {
  built = buildTestApp(ctx.db);
  await runs('plain', 'Alpha', 'Plain', 1);
  await ticketFor(await runs('failed', 'Alpha', 'Failed', 1), { state: 'failed', lastError: 'refused' });
  await ticketFor(await runs('pending', 'Alpha', 'Pending', 1), { state: 'pending' });
  await ticketFor(await runs('unread', 'Alpha', 'Unread', 1), created(null));
  for (const n of [1, 2, 3]) await ticketFor(await runs(`open${n}`, 'Bravo', `Open ${n}`, 25), created(1));
  runIds['open1-none'] = [
    (await addRun(ctx.db, { customer: 'Bravo', job: 'Open 1', status: 'error', runAt: '2026-03-08T00:00:00Z' })).id,
  ];
  await ticketFor(await runs('done', 'Charlie', 'Done', 1), created(5));
  ({ agent } = await signInAs(built.app, ctx.db, 'operator'));
});
afterAll(() => built.close());

const idsOf = (...keys: string[]) => keys.flatMap((k) => runIds[k]!).sort((a, b) => a - b);

async function shownRunIds(ticket: TicketFilter | undefined, page = 1) {
  const data = await loadRunChecks(ctx.db.prisma, { includeReviewed: false, page, ticket }, now);
  return {
    data,
    ids: data.groups.flatMap((g) => g.jobs.flatMap((j) => j.runs.map((r) => r.id))).sort((a, b) => a - b),
  };
}

describe('Run Checks: ticket filter (service)', () => {
  it.each([
    ['none', ['plain', 'failed', 'open1-none']],
    ['complete', ['done']],
  ] as const)('%s: exactly the runs in that state', async (filter, keys) => {
    const { data, ids } = await shownRunIds(filter);
    expect(ids).toEqual(idsOf(...keys));
    expect(data.runTotal).toBe(ids.length);
  });

  it('open: runs whose ticket is being created or not Complete, over two pages', async () => {
    const first = await shownRunIds('open', 1);
    const second = await shownRunIds('open', 2);
    expect(first.data.pages).toBe(2);
    expect(first.data.runTotal).toBe(77);
    expect(first.ids).toEqual(idsOf('pending', 'unread', 'open1', 'open2'));
    expect(second.ids).toEqual(idsOf('open3'));
  });

  it('without the filter every run is shown: the three states together', async () => {
    const all = await loadRunChecks(ctx.db.prisma, { includeReviewed: false, page: 1 }, now);
    const totals = await Promise.all(
      (['none', 'open', 'complete'] as const).map(async (t) => (await shownRunIds(t)).data.runTotal),
    );
    expect(all.runTotal).toBe(4 + 26 + 25 + 25 + 1);
    expect(totals.reduce((a, b) => a + b, 0)).toBe(all.runTotal);
  });

  it('combines with the other filters and the search', async () => {
    expect(
      (await loadRunChecks(ctx.db.prisma, { includeReviewed: false, page: 1, ticket: 'none', search: 'alpha' }, now))
        .runTotal,
    ).toBe(2);
    expect(
      (await loadRunChecks(ctx.db.prisma, { includeReviewed: false, page: 1, ticket: 'open', status: 'warning' }, now))
        .runTotal,
    ).toBe(0);
  });
});

describe('Run Checks: ticket filter (page)', () => {
  const runsOnPage = (html: string) =>
    [...html.matchAll(/<section class="run run-[a-z]+[^"]*" aria-labelledby="run-(\d+)-title"/g)]
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
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
    expect(runsOnPage(first.text)).toEqual(idsOf('pending', 'unread', 'open1', 'open2'));
    const next = /<a href="([^"]+)" rel="next">/.exec(first.text)?.[1]?.replaceAll('&amp;', '&');
    expect(next).toBeDefined();
    expect(new URLSearchParams(next!.slice(1)).get('ticket')).toBe('open');

    const second = await agent.get(`/run-checks${next!}`);
    expect(selected(second.text)).toBe('open');
    expect(runsOnPage(second.text)).toEqual(idsOf('open3'));
    const previous = /<a href="([^"]+)" rel="prev">/.exec(second.text)?.[1]?.replaceAll('&amp;', '&');
    expect(new URLSearchParams(previous!.slice(1)).get('ticket')).toBe('open');

    const complete = await agent.get('/run-checks?ticket=complete');
    expect(runsOnPage(complete.text)).toEqual(idsOf('done'));
    expect(complete.text).not.toContain('rel="next"');
  });

  it('ignores a value it does not know', async () => {
    const res = await agent.get('/run-checks?ticket=closed&status=error');
    expect(res.status).toBe(200);
    expect(selected(res.text)).toBe(''); // Any
    const any = await agent.get('/run-checks?status=error');
    expect(runsOnPage(res.text)).toEqual(runsOnPage(any.text));
    expect(runsOnPage(res.text).length).toBeGreaterThan(0);
  });
});
