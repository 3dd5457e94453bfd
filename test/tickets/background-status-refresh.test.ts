import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { SETTINGS_ID } from '../../src/services/integration/settings.ts';
import { TICKET_STATUS_SYNC_KIND } from '../../src/services/integration/sync-log.ts';
import {
  DEFAULT_INTERVAL_MS,
  FAILURE_BACKOFF_MS,
  refreshOpenTicketStatuses,
  runStatusRefresh,
  type BackgroundStatusRefreshDeps,
} from '../../src/services/tickets/background-status-refresh.ts';
import { useAppWithSimulator } from '../support/app-with-simulator.ts';
import { demoDefaults } from '../support/autotask.ts';
import { makeCreatedTicket, makeCustomerWithRun } from '../support/fixtures.ts';
import { rowHtml, runChecksOpening } from '../runs/run-checks-html.ts';
import { cachePicklists, ticketCell } from './helpers.ts';

/**
 * The background status refresh (src/services/tickets/background-status-refresh.ts), one cycle at
 * a time, called directly as the timer (or a job queue) would, against the simulator over HTTP.
 * No page is viewed before a cycle: what the pages show afterwards came from the cycle.
 */

const suite = useAppWithSimulator({
  warmZone: true,
  prepare: ({ db, sim }) => cachePicklists(db, sim),
  signIn: ['operator', 'admin'],
});
const { operator, admin } = suite.as;

const deps = (): BackgroundStatusRefreshDeps => ({
  db: suite.db.prisma,
  psa: suite.built.context.psa,
  logger: createLogger('silent'),
});
const minutesFrom = (start: Date, minutes: number) => new Date(start.getTime() + minutes * 60_000);

/** Tickets/query requests the simulator received, with the ids each asked for. */
function ticketQueries() {
  return suite.sim.requestLog
    .filter((e) => e.entity === 'Tickets' && /\/query$/i.test(e.path))
    .map((e) => {
      const filter = (e.body as { filter: Array<{ op: string; field: string; value: number[] }> }).filter;
      expect(filter).toHaveLength(1);
      expect(filter[0]).toMatchObject({ op: 'in', field: 'id' });
      return filter[0]!.value;
    });
}

const syncLogs = () =>
  suite.db.prisma.syncLog.findMany({ where: { kind: TICKET_STATUS_SYNC_KIND }, orderBy: { id: 'asc' } });

async function openTicket(status = 1) {
  const { run } = await makeCustomerWithRun(suite.db);
  const { ticket, runTicket } = await makeCreatedTicket(suite.db, suite.sim, run.id, { status });
  suite.sim.state.clearRequestLog();
  return { run, ticket, runTicket };
}

/** `count` open tickets of one job, in the simulator and as Ticket records (created, status New). */
async function seedOpenTickets(count: number) {
  const db = suite.db.prisma;
  const { job, run: first } = await makeCustomerWithRun(suite.db);
  const start = Date.UTC(2026, 0, 1);
  await db.run.createMany({
    data: Array.from({ length: count }, (_, i) => ({
      jobId: job.id,
      runAt: new Date(start + i * 60_000),
      status: 'error' as const,
    })),
  });
  const runs = await db.run.findMany({ where: { jobId: job.id, id: { not: first.id } }, orderBy: { id: 'asc' } });
  await db.ticket.createMany({
    data: runs.map((run) => {
      const reference = `BC-RUN-${run.id}-bulk`;
      const t = suite.sim.state.addTicket({
        title: `[Backupchecks] run ${run.id}`,
        companyID: 105,
        status: 1,
        priority: demoDefaults.priorityErrorId,
        queueID: demoDefaults.queueId,
        externalID: reference,
      });
      return {
        originRunId: run.id,
        jobId: job.id,
        state: 'created' as const,
        reference,
        ticketId: t.id,
        ticketNumber: t.ticketNumber,
        url: suite.sim.ticketUrl(t.id),
        statusId: 1,
        statusLabel: 'New',
        statusCheckedAt: new Date(start),
      };
    }),
  });
  suite.sim.state.clearRequestLog();
  return runs.length;
}

describe('background status refresh: closures seen without a click', () => {
  it('a ticket completed in Autotask shows Complete on the run page and on Run Checks after one cycle', async () => {
    const { run, ticket } = await openTicket();
    suite.sim.state.setTicketStatus(ticket.id, 5);
    // Nothing has been viewed: the record still holds the status read when the ticket was created.
    expect((await suite.db.prisma.ticket.findUniqueOrThrow({ where: { originRunId: run.id } })).statusId).toBe(1);

    const cycle = await refreshOpenTicketStatuses(deps());
    expect(cycle).toMatchObject({ outcome: 'refreshed', checked: 1, missing: 0 });
    expect(ticketQueries()).toEqual([[ticket.id]]);

    const row = await suite.db.prisma.ticket.findUniqueOrThrow({ where: { originRunId: run.id } });
    expect(row).toMatchObject({ statusId: 5, statusLabel: 'Complete', resolvedAt: null, resolvedById: null });
    const runPage = await operator.agent.get(`/runs/${run.id}`);
    expect(ticketCell(runPage.text, run.id)).toContain('Status: <strong>Complete</strong>');
    const runChecks = await operator.agent.get(runChecksOpening([run]));
    expect(ticketCell(runChecks.text, run.id)).toContain('Status: <strong>Complete</strong>');
    // The job's row says so too, closed or opened.
    const closed = await operator.agent.get('/run-checks');
    expect(rowHtml(closed.text, run.jobId)).toContain(`${ticket.ticketNumber}`);
    expect(rowHtml(closed.text, run.jobId)).toContain('<small>Complete');

    // Read only: nothing was written to Autotask.
    expect(suite.sim.requestLog.filter((e) => e.method !== 'GET' && !/\/query/i.test(e.path))).toEqual([]);
    // Diagnostics tells the background cycle from a page view's refresh.
    expect((await syncLogs()).map((l) => [l.trigger, l.ok, l.checked])).toEqual([['background', true, 1]]);
    const diagnostics = await admin.agent.get('/settings/autotask/diagnostics');
    expect(diagnostics.status).toBe(200);
    expect(diagnostics.text).toContain('<td>background</td>');
  });

  it('sends no request at all while no ticket is open', async () => {
    await openTicket(5); // Complete already
    await makeCustomerWithRun(suite.db); // a run without a ticket
    const failed = await makeCustomerWithRun(suite.db);
    await suite.db.prisma.ticket.create({
      data: { originRunId: failed.run.id, jobId: failed.job.id, state: 'failed', reference: 'BC-RUN-failed' },
    });

    expect(await refreshOpenTicketStatuses(deps())).toEqual({ outcome: 'skipped', reason: 'no-open-tickets' });
    expect(suite.sim.requestLog).toEqual([]);
    expect(await syncLogs()).toEqual([]);
  });

  it('reads 1,001 open tickets with 3 queries of at most 500 ids', async () => {
    const count = await seedOpenTickets(1001);
    const before = new Date();

    const cycle = await refreshOpenTicketStatuses(deps());
    expect(cycle).toMatchObject({ outcome: 'refreshed', checked: 1001, missing: 0 });
    const queries = ticketQueries();
    expect(queries.map((ids) => ids.length).sort((a, b) => b - a)).toEqual([500, 500, 1]);
    const all = await suite.db.prisma.ticket.findMany({ select: { ticketId: true, statusCheckedAt: true } });
    expect(new Set(queries.flat())).toEqual(new Set(all.map((t) => t.ticketId)));
    expect(all).toHaveLength(count);
    expect(all.every((t) => t.statusCheckedAt! >= before)).toBe(true);
    // Besides the queries: one reading of the hourly request budget (none was stored yet).
    expect(suite.sim.requestLog.map((e) => e.entity).sort()).toEqual([
      'ThresholdInformation',
      'Tickets',
      'Tickets',
      'Tickets',
    ]);
  });

  it.each([
    ['switched off', { enabled: false }],
    ['without credentials', { apiUsername: null }],
  ])('does nothing while the integration is %s', async (_case, change) => {
    const { ticket } = await openTicket();
    suite.sim.state.setTicketStatus(ticket.id, 5);
    await suite.db.prisma.integrationSettings.update({ where: { id: SETTINGS_ID }, data: change });

    expect(await refreshOpenTicketStatuses(deps())).toEqual({ outcome: 'skipped', reason: 'integration-off' });
    expect(suite.sim.requestLog).toEqual([]);
    expect(await syncLogs()).toEqual([]);
    expect((await suite.db.prisma.ticket.findFirstOrThrow()).statusId).toBe(1);
  });

  it('backs off after a failure: no request for five minutes, then it reads again', async () => {
    const { run, ticket } = await openTicket();
    suite.sim.state.setTicketStatus(ticket.id, 5);
    suite.sim.faults.failNext({ entity: 'Tickets', count: 10, errors: ['Simulated outage'] });
    const start = new Date();

    const failed = await refreshOpenTicketStatuses(deps(), { now: start });
    expect(failed.outcome).toBe('failed');
    expect(await syncLogs()).toMatchObject([{ trigger: 'background', ok: false, errors: 1 }]);
    expect((await syncLogs())[0]!.message).toContain('Simulated outage');
    expect((await suite.db.prisma.ticket.findUniqueOrThrow({ where: { originRunId: run.id } })).statusId).toBe(1);

    suite.sim.faults.clear();
    suite.sim.state.clearRequestLog();
    expect(await refreshOpenTicketStatuses(deps(), { now: minutesFrom(start, 1) })).toEqual({
      outcome: 'skipped',
      reason: 'backing-off',
    });
    expect(suite.sim.requestLog).toEqual([]);

    const later = minutesFrom(start, FAILURE_BACKOFF_MS / 60_000 + 1);
    expect(await refreshOpenTicketStatuses(deps(), { now: later })).toMatchObject({ outcome: 'refreshed', checked: 1 });
    expect(ticketQueries()).toEqual([[ticket.id]]);
    expect((await suite.db.prisma.ticket.findUniqueOrThrow({ where: { originRunId: run.id } })).statusId).toBe(5);
  });

  it('runs at most once per interval, and one cycle at a time across instances', async () => {
    const { ticket } = await openTicket();
    const start = new Date();

    // Two instances at the same moment: one cycle runs, the other stands aside.
    const both = await Promise.all([
      refreshOpenTicketStatuses(deps(), { now: start }),
      refreshOpenTicketStatuses(deps(), { now: start }),
    ]);
    expect(both.map((c) => c.outcome).sort()).toEqual(['refreshed', 'skipped']);
    expect(both.find((c) => c.outcome === 'skipped')).toEqual({ outcome: 'skipped', reason: 'not-due' });
    expect(ticketQueries()).toEqual([[ticket.id]]);

    suite.sim.state.clearRequestLog();
    expect(await refreshOpenTicketStatuses(deps(), { now: minutesFrom(start, 14) })).toEqual({
      outcome: 'skipped',
      reason: 'not-due',
    });
    expect(suite.sim.requestLog).toEqual([]);
    const next = await refreshOpenTicketStatuses(deps(), { now: minutesFrom(start, DEFAULT_INTERVAL_MS / 60_000) });
    expect(next.outcome).toBe('refreshed');
    expect(ticketQueries()).toEqual([[ticket.id]]);
    expect((await syncLogs()).map((l) => l.trigger)).toEqual(['background', 'background']);
  });

  it('pauses while the hourly request budget is nearly used up', async () => {
    await openTicket();
    await suite.db.prisma.integrationSettings.update({
      where: { id: SETTINGS_ID },
      data: { thresholdCheckedAt: new Date(), thresholdUsed: 8500, thresholdLimit: 10_000 },
    });

    expect(await refreshOpenTicketStatuses(deps())).toEqual({ outcome: 'skipped', reason: 'budget-paused' });
    expect(suite.sim.requestLog).toEqual([]);
    expect(await syncLogs()).toEqual([]);
  });

  it('a cycle of a few queries goes by a reading up to an hour old that left room; a busier or older one is read again', async () => {
    await seedOpenTickets(1001);
    const reading = (minutesAgo: number, used: number) =>
      suite.db.prisma.integrationSettings.update({
        where: { id: SETTINGS_ID },
        data: { thresholdCheckedAt: minutesFrom(new Date(), -minutesAgo), thresholdUsed: used, thresholdLimit: 10_000 },
      });
    await reading(40, 1_000);
    expect(await refreshOpenTicketStatuses(deps())).toMatchObject({ outcome: 'refreshed', checked: 1001 });
    expect(suite.sim.requestLog.map((e) => e.entity)).toEqual(['Tickets', 'Tickets', 'Tickets']);

    for (const [minutesAgo, used] of [
      [40, 6_000],
      [70, 1_000],
    ] as const) {
      await suite.db.prisma.syncLog.deleteMany();
      suite.sim.state.clearRequestLog();
      await reading(minutesAgo, used);
      await refreshOpenTicketStatuses(deps());
      expect(suite.sim.requestLog.map((e) => e.entity).filter((e) => e === 'ThresholdInformation')).toHaveLength(1);
    }
  });

  it('the background job runs the same cycle', async () => {
    const { run, ticket } = await openTicket();
    suite.sim.state.setTicketStatus(ticket.id, 5);
    expect(await runStatusRefresh(deps(), { intervalMinutes: 15 })).toMatchObject({ outcome: 'refreshed', checked: 1 });
    expect((await suite.db.prisma.ticket.findUniqueOrThrow({ where: { originRunId: run.id } })).statusId).toBe(5);
  });
});

describe('TICKET_STATUS_REFRESH_MINUTES', () => {
  it('defaults to 15 and accepts 1 to 15', () => {
    expect(loadConfig({}).autotask.ticketStatusRefreshMinutes).toBe(15);
    expect(loadConfig({ TICKET_STATUS_REFRESH_MINUTES: '1' }).autotask.ticketStatusRefreshMinutes).toBe(1);
    for (const bad of ['0', '16', 'soon']) {
      expect(() => loadConfig({ TICKET_STATUS_REFRESH_MINUTES: bad })).toThrow(ConfigError);
    }
  });
});
