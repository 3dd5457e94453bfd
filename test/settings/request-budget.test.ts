import { describe, expect, it } from 'vitest';
import { SETTINGS_ID } from '../../src/services/integration/settings.ts';
import { settleDeferredWork } from '../../src/shared/deferred-work.ts';
import { signInAs, type Agent } from '../support/app.ts';
import { useAppWithSimulator } from '../support/app-with-simulator.ts';
import { makeCreatedTicket, makeCustomerWithRun } from '../support/fixtures.ts';
import { runChecksOpening } from '../runs/run-checks-html.ts';

/**
 * The tenant's hourly request budget: above 80 % of it, the reads nobody clicked for (ticket
 * statuses after a page view, company names after the Customers page) wait, Diagnostics says so,
 * and operators' actions go on. The budget is read at most once per five minutes.
 */

const suite = useAppWithSimulator({ autotask: { sourceId: 2 } });
const { ctx, simCtx, built } = suite;

const entityCalls = (entity: string) => simCtx.sim.requestLog.filter((e) => e.entity === entity);
const thresholdCalls = () => entityCalls('ThresholdInformation');
const ticketCalls = () => entityCalls('Tickets');
const companyCalls = () => entityCalls('Companies');

/** Puts the tenant at `used` of `limit` requests this hour, through the simulator's control API. */
async function setBudget(used: number, limit = 10_000): Promise<void> {
  const res = await fetch(`${simCtx.sim.controlUrl}threshold`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ used, limit }),
  });
  expect(res.status).toBe(200);
}

/** Makes the stored budget reading older than five minutes, as if time had passed. */
async function ageBudgetReading(minutes = 6): Promise<void> {
  const row = await ctx.db.prisma.integrationSettings.findUniqueOrThrow({ where: { id: SETTINGS_ID } });
  if (!row.thresholdCheckedAt) return;
  await ctx.db.prisma.integrationSettings.update({
    where: { id: SETTINGS_ID },
    data: { thresholdCheckedAt: new Date(row.thresholdCheckedAt.getTime() - minutes * 60_000) },
  });
}

const tenMinutesAgo = () => new Date(Date.now() - 10 * 60_000);

/** A created ticket whose status snapshot is ten minutes old (due for a refresh) and changed in Autotask. */
async function ticketDueForRefresh() {
  const { run } = await makeCustomerWithRun(ctx.db, { companyId: 105 });
  const made = await makeCreatedTicket(ctx.db, simCtx.sim, run.id);
  await ctx.db.prisma.ticket.update({
    where: { id: made.runTicket.id },
    data: { statusCheckedAt: tenMinutesAgo() },
  });
  simCtx.sim.state.setTicketStatus(made.ticket.id, 8);
  return { run, ...made };
}

/** A customer mapped to company 100, last synced two hours ago, renamed since in Autotask. */
async function mappingDueForSync() {
  const { customer } = await makeCustomerWithRun(ctx.db, { companyId: 100 });
  await ctx.db.prisma.companyMapping.update({
    where: { customerId: customer.id },
    data: { companyName: 'Acme Dental', lastSyncAt: new Date(Date.now() - 2 * 60 * 60_000) },
  });
  simCtx.sim.state.renameCompany(100, 'Acme Dental Clinics');
  return customer;
}

async function viewPage(agent: Agent, path: string): Promise<void> {
  const res = await agent.get(path);
  expect(res.status).toBe(200);
  await settleDeferredWork();
}

async function diagnostics(agent: Agent): Promise<string> {
  const res = await agent.get('/settings/autotask/diagnostics');
  expect(res.status).toBe(200);
  return res.text.replaceAll('&#39;', "'").replaceAll('&amp;', '&');
}

const statusOf = async (runTicketId: number) =>
  (await ctx.db.prisma.ticket.findUniqueOrThrow({ where: { id: runTicketId } })).statusId;

describe('above 80 % of the hourly budget', () => {
  it('skips the status refresh after a page view and shows the pause in Diagnostics', async () => {
    const { agent } = await signInAs(built.app, ctx.db, 'admin');
    const due = await ticketDueForRefresh();
    await settleDeferredWork();
    simCtx.sim.state.clearRequestLog();
    await setBudget(8420);

    await viewPage(agent, runChecksOpening([due.run]));
    expect(thresholdCalls()).toHaveLength(1);
    expect(ticketCalls()).toHaveLength(0);
    expect(await statusOf(due.runTicket.id)).toBe(1);
    expect(await ctx.db.prisma.syncLog.count({ where: { kind: 'ticket_statuses' } })).toBe(0);

    // The 8,420 set, plus this page view's own requests (the reading counts itself).
    const settings = await ctx.db.prisma.integrationSettings.findUniqueOrThrow({ where: { id: SETTINGS_ID } });
    expect(settings.thresholdLimit).toBe(10_000);
    expect(settings.thresholdUsed).toBeGreaterThanOrEqual(8421);
    expect(settings.thresholdUsed).toBeLessThan(8450);
    const used = new Intl.NumberFormat('en-US').format(settings.thresholdUsed!);
    const page = await diagnostics(agent);
    expect(page).toMatch(
      new RegExp(
        `Background reads paused at [^:]+:\\d\\d [A-Z+\\d]+: ${used} of 10,000 requests used this hour \\(84%\\)\\. They resume below 80%\\.`,
      ),
    );
  });

  it('skips the company sync after the Customers page, leaves no sync-log row, and a manual refresh still runs', async () => {
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'admin');
    const customer = await mappingDueForSync();
    await setBudget(9000);

    await viewPage(agent, '/customers');
    expect(thresholdCalls()).toHaveLength(1);
    expect(companyCalls()).toHaveLength(0);
    expect(await ctx.db.prisma.syncLog.count()).toBe(0);
    expect(await ctx.db.prisma.companyMapping.findUnique({ where: { customerId: customer.id } })).toMatchObject({
      companyName: 'Acme Dental',
      status: 'ok',
    });
    expect(await diagnostics(agent)).toContain('Background reads paused at');

    // An admin's "Refresh" on the mapping is not background work: it reads Autotask at once.
    const res = await agent
      .post(`/customers/${customer.id}/mapping/refresh`)
      .type('form')
      .send({ _csrf: csrf, returnTo: '/customers' });
    expect(res.status).toBe(302);
    await settleDeferredWork();
    expect(companyCalls().length).toBeGreaterThan(0);
    expect(await ctx.db.prisma.companyMapping.findUnique({ where: { customerId: customer.id } })).toMatchObject({
      companyName: 'Acme Dental Clinics',
      status: 'renamed',
    });
  });

  it('lets an operator create an Autotask ticket', async () => {
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'operator');
    const { run } = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    await setBudget(9500);

    const res = await agent
      .post(`/runs/${run.id}/ticket`)
      .type('form')
      .send({ _csrf: csrf, returnTo: `/runs/${run.id}` });
    expect(res.status).toBe(302);
    await settleDeferredWork();
    const row = await ctx.db.prisma.ticket.findUniqueOrThrow({ where: { originRunId: run.id } });
    expect(row.state).toBe('created');
    expect(simCtx.sim.state.tickets.filter((t) => t.externalID === row.reference)).toHaveLength(1);
    // The operator's action never waits on (or asks for) the budget.
    expect(thresholdCalls()).toHaveLength(0);
  });
});

describe('reading the budget', () => {
  it('asks Autotask at most once per five minutes, and background reads resume below 80 %', async () => {
    const { agent } = await signInAs(built.app, ctx.db, 'admin');
    const due = await ticketDueForRefresh();
    await setBudget(8500);

    await viewPage(agent, runChecksOpening([due.run]));
    await viewPage(agent, runChecksOpening([due.run]));
    await viewPage(agent, `/runs/${due.run.id}`);
    // Three views with work due, one reading: the other two went by the stored one.
    expect(thresholdCalls()).toHaveLength(1);
    expect(ticketCalls()).toHaveLength(0);

    // The hour rolls on and other integrations' requests leave the window.
    await setBudget(1200);
    await viewPage(agent, runChecksOpening([due.run]));
    expect(thresholdCalls()).toHaveLength(1);
    expect(ticketCalls()).toHaveLength(0);

    await ageBudgetReading();
    await viewPage(agent, runChecksOpening([due.run]));
    expect(thresholdCalls()).toHaveLength(2);
    expect(ticketCalls()).toHaveLength(1);
    expect(await statusOf(due.runTicket.id)).toBe(8);
    const page = await diagnostics(agent);
    expect(page).not.toContain('Background reads paused');
    expect(page).toMatch(/1,2\d\d of 10,000 requests used this hour \(12%\), read at/);
  });

  it('below 80 % runs the background reads as before, asking once for both', async () => {
    const { agent } = await signInAs(built.app, ctx.db, 'admin');
    const due = await ticketDueForRefresh();
    const customer = await mappingDueForSync();
    await setBudget(7900);

    await viewPage(agent, runChecksOpening([due.run]));
    expect(ticketCalls()).toHaveLength(1);
    expect(await statusOf(due.runTicket.id)).toBe(8);
    await viewPage(agent, '/customers');
    expect(companyCalls()).toHaveLength(1);
    expect(await ctx.db.prisma.companyMapping.findUnique({ where: { customerId: customer.id } })).toMatchObject({
      companyName: 'Acme Dental Clinics',
    });
    expect(thresholdCalls()).toHaveLength(1);
  });

  it('costs nothing when no background work is due', async () => {
    const { agent } = await signInAs(built.app, ctx.db, 'admin');
    const { run } = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    await makeCreatedTicket(ctx.db, simCtx.sim, run.id);
    await viewPage(agent, runChecksOpening([run]));
    await viewPage(agent, '/customers');
    expect([...thresholdCalls(), ...ticketCalls(), ...companyCalls()]).toEqual([]);
    expect(await diagnostics(agent)).toContain('Not read yet');
  });

  it('does not pause when the reading fails: background reads run (and fail) as they would have', async () => {
    const { agent } = await signInAs(built.app, ctx.db, 'admin');
    const due = await ticketDueForRefresh();
    await setBudget(9000);
    simCtx.sim.faults.failNext({ entity: 'ThresholdInformation', status: 503, body: 'text', count: 5 });

    await viewPage(agent, runChecksOpening([due.run]));
    expect(thresholdCalls().length).toBeGreaterThan(0);
    expect(thresholdCalls().every((c) => c.status === 503)).toBe(true);
    expect(ticketCalls()).toHaveLength(1);
    expect(await statusOf(due.runTicket.id)).toBe(8);
    const settings = await ctx.db.prisma.integrationSettings.findUniqueOrThrow({ where: { id: SETTINGS_ID } });
    expect(settings).toMatchObject({ thresholdUsed: null, thresholdLimit: null });
    expect(settings.thresholdCheckedAt).not.toBeNull();
    const page = await diagnostics(agent);
    expect(page).toContain('Not known: reading it failed at');
    expect(page).not.toContain('Background reads paused');
  });
});
