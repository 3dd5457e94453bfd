import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { settleDeferredWork } from '../../src/shared/deferred-work.ts';
import { buildTestApp, signInAs, type Agent } from '../support/app.ts';
import { useAppWithSimulator } from '../support/app-with-simulator.ts';
import { autotaskRequest, heldDeadlines, untilLogged } from '../support/autotask-deadlines.ts';
import { makeCustomerWithRun, makePendingTicket } from '../support/fixtures.ts';
import { runChecksOpening } from '../runs/run-checks-html.ts';
import { cachePicklists, decode, postCreate, simTicketsOfRun, ticketCell, ticketCreatePosts } from './helpers.ts';

/** Small, so timeouts are quick; a pending attempt may be settled after twice this (settleAfterMs). */
const TIMEOUT_MS = 400;

/** The timers of AUTOTASK_TIMEOUT_MS, unless a test holds the deadlines and ends requests itself. */
const deadlines = heldDeadlines();

const suite = useAppWithSimulator({
  env: { AUTOTASK_TIMEOUT_MS: String(TIMEOUT_MS) },
  build: (db, env) => buildTestApp(db, env, { autotaskDeadline: deadlines.start }),
  prepare: (s) => cachePicklists(s.db, s.sim),
  signIn: ['operator'],
});
const { ctx, simCtx, built } = suite;
let agent: Agent;
let csrf: string;
beforeEach(() => ({ agent, csrf } = suite.as.operator));
afterEach(() => deadlines.useTimers());

const row = (runId: number) => ctx.db.prisma.ticket.findUniqueOrThrow({ where: { originRunId: runId } });
const auditActions = async () =>
  (
    await ctx.db.prisma.auditEvent.findMany({ where: { action: { startsWith: 'ticket.' } }, orderBy: { id: 'asc' } })
  ).map((e) => e.action);
/** Opens the run page (as an operator would) and waits for the upkeep it starts after the response. */
async function view(runId: number) {
  const page = await agent.get(`/runs/${runId}`);
  expect(page.status).toBe(200);
  await settleDeferredWork();
  return page;
}
/** Makes the pending attempt old enough to be settled, as the passing of time would. */
const age = (runId: number) =>
  ctx.db.prisma.ticket.update({
    where: { originRunId: runId },
    data: { attemptStartedAt: new Date(Date.now() - 60_000) },
  });
/**
 * Keeps the pending attempt too young to be settled for the next minute: "right after the timeout",
 * however long a busy machine takes for the next requests (the settle time is only 2 × TIMEOUT_MS).
 */
const young = (runId: number) =>
  ctx.db.prisma.ticket.update({
    where: { originRunId: runId },
    data: { attemptStartedAt: new Date(Date.now() + 60_000) },
  });

describe('Autotask refuses the ticket (validation error)', () => {
  it('shows the message verbatim, lets the operator try again, and ends with one ticket', async () => {
    const { sim } = simCtx;
    const { run } = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    const message = 'Value does not reference an existing entity for issueType . ';
    sim.faults.failNext({ method: 'POST', entity: 'Tickets', status: 500, errors: [message] });

    const failed = await postCreate(agent, csrf, run.id).redirects(1);
    expect(failed.status).toBe(200);
    expect(decode(failed.text)).toContain('Autotask did not create the ticket. Autotask rejected the request.');
    expect(decode(failed.text)).toContain(`Autotask said: <q>${message}</q>`);
    expect((await row(run.id)).state).toBe('failed');
    const cell = decode(ticketCell(failed.text, run.id));
    expect(cell).toContain(`Autotask said: <q>${message}</q>`);
    expect(cell).toContain('Try again');
    expect(simTicketsOfRun(sim, run.id)).toHaveLength(0);
    const failedEvent = await ctx.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'ticket.creation_failed' },
    });
    expect(failedEvent.summary).toContain(message);

    const retried = await postCreate(agent, csrf, run.id).redirects(1);
    expect(retried.text).toContain('Created Autotask ticket');
    const done = await row(run.id);
    expect(done.state).toBe('created');
    expect(simTicketsOfRun(sim, run.id)).toHaveLength(1);
    expect(simTicketsOfRun(sim, run.id)[0]!.externalID).toBe(done.reference);
    expect(ticketCreatePosts(sim)).toHaveLength(2);
    expect(await auditActions()).toEqual(['ticket.creation_failed', 'ticket.created']);
  });

  it('lets only one of two simultaneous retries post', async () => {
    const { sim } = simCtx;
    const { run } = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    sim.faults.failNext({ method: 'POST', entity: 'Tickets', status: 500, errors: ['Invalid priority.'] });
    await postCreate(agent, csrf, run.id);
    const second = await signInAs(built.app, ctx.db, 'admin');
    const results = await Promise.all([postCreate(agent, csrf, run.id), postCreate(second.agent, second.csrf, run.id)]);
    expect(results.map((r) => r.status)).toEqual([302, 302]);
    expect(simTicketsOfRun(sim, run.id)).toHaveLength(1);
    expect(ticketCreatePosts(sim)).toHaveLength(2);
  });
});

describe('Autotask does not answer (timeout)', () => {
  it('stays pending without posting again; the next view after the settle time finds none, and a retry creates one', async () => {
    const { sim } = simCtx;
    const { run } = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    sim.faults.hangNext({ method: 'POST', entity: 'Tickets' });

    const posted = await postCreate(agent, csrf, run.id);
    await young(run.id);
    const res = await agent.get(posted.headers.location!);
    expect(decode(res.text)).toContain('Autotask did not confirm the ticket, so it may or may not exist.');
    // Autotask said nothing (no answer): the reason is our sentence, never quoted as Autotask's.
    expect(decode(res.text)).toContain('Autotask did not answer in time. Autotask did not confirm the ticket');
    expect(decode(res.text)).not.toContain('Autotask said:');
    expect((await row(run.id)).state).toBe('pending');
    expect(ticketCell(res.text, run.id)).toContain('A ticket is being created…');
    // Right after the timeout the attempt is too young to settle: no action offered, nothing sent.
    expect(ticketCell(res.text, run.id)).not.toContain('<form');
    const again = await postCreate(agent, csrf, run.id).redirects(1);
    expect(again.text).toContain('is being created by another click right now');
    expect(ticketCreatePosts(sim)).toHaveLength(1);

    await age(run.id);
    await view(run.id);
    const settled = await row(run.id);
    expect(settled.state).toBe('failed');
    expect(settled.lastError).toContain('The earlier attempt did not reach Autotask');
    expect(ticketCreatePosts(sim)).toHaveLength(1);

    const retried = await postCreate(agent, csrf, run.id).redirects(1);
    expect(retried.text).toContain('Created Autotask ticket');
    expect(simTicketsOfRun(sim, run.id)).toHaveLength(1);
    expect(ticketCreatePosts(sim)).toHaveLength(2);
    expect(await auditActions()).toEqual(['ticket.creation_unknown', 'ticket.reconciled', 'ticket.created']);
  });

  it('attaches the ticket when Autotask created it but the answer timed out', async () => {
    const { sim } = simCtx;
    const { run } = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    sim.faults.hangNext({ method: 'POST', entity: 'Tickets', afterApply: true });
    // The POST times out once Autotask has created the ticket and left the answer hanging, and the
    // lookup after it is answered: a 400 ms timer on a busy machine can fire before the simulator
    // got to the POST (then nothing exists yet to find), or during the lookup.
    deadlines.hold();

    const answered = postCreate(agent, csrf, run.id)
      .redirects(1)
      .then((r) => r);
    await untilLogged(sim, (e) => e.method === 'POST' && e.entity === 'Tickets' && e.outcome === 'hung');
    const [ticket] = simTicketsOfRun(sim, run.id);
    expect(ticket).toBeDefined();
    expect(deadlines.expire(autotaskRequest('POST', /^Tickets$/))).toBe(1);
    const res = await answered;
    expect(res.text).toContain(`Autotask had created ticket ${ticket!.ticketNumber}`);
    expect(await row(run.id)).toMatchObject({
      state: 'created',
      ticketId: ticket!.id,
      ticketNumber: ticket!.ticketNumber,
    });
    expect(ticketCreatePosts(sim)).toHaveLength(1);
    expect(simTicketsOfRun(sim, run.id)).toHaveLength(1);
  });
});

describe('The answer is lost after Autotask created the ticket (dropped response)', () => {
  it('ends with that one ticket and never posts a second time', async () => {
    const { sim } = simCtx;
    const { run } = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    sim.faults.dropResponseNext({ method: 'POST', entity: 'Tickets' });

    const res = await postCreate(agent, csrf, run.id).redirects(1);
    expect(res.status).toBe(200);
    const tickets = simTicketsOfRun(sim, run.id);
    expect(tickets).toHaveLength(1);
    const stored = await row(run.id);
    expect(stored).toMatchObject({
      state: 'created',
      ticketId: tickets[0]!.id,
      ticketNumber: tickets[0]!.ticketNumber,
      url: sim.ticketUrl(tickets[0]!.id),
    });
    expect(res.text).toContain(`Autotask had created ticket ${tickets[0]!.ticketNumber}`);
    expect(ticketCell(res.text, run.id)).toContain(`Open ticket ${tickets[0]!.ticketNumber}`);

    // Clicking again, or viewing, changes nothing.
    await postCreate(agent, csrf, run.id);
    await view(run.id);
    expect(ticketCreatePosts(sim)).toHaveLength(1);
    expect(sim.requestLog.find((e) => e.entity === 'Tickets' && e.outcome === 'dropped')).toBeDefined();
    expect(await auditActions()).toEqual(['ticket.creation_unknown', 'ticket.reconciled']);
  });
});

describe('The process died between the POST and the database update', () => {
  async function crashedAttempt() {
    const { run } = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    const reference = `BC-RUN-${run.id}-deadbeef`;
    const ticket = simCtx.sim.state.addTicket({
      title: 'created before the crash',
      companyID: 105,
      externalID: reference,
      status: 1,
    });
    await makePendingTicket(ctx.db, run, reference, 10);
    simCtx.sim.state.clearRequestLog();
    return { run, ticket };
  }

  it('is reconciled to the existing ticket on the next view', async () => {
    const { run, ticket } = await crashedAttempt();
    const first = await view(run.id);
    expect(ticketCell(first.text, run.id)).toContain('Backupchecks is checking Autotask for it');
    const stored = await row(run.id);
    expect(stored).toMatchObject({
      state: 'created',
      ticketId: ticket.id,
      ticketNumber: ticket.ticketNumber,
      statusId: 1,
      statusLabel: 'New',
    });
    const second = await agent.get(runChecksOpening([run]));
    expect(ticketCell(second.text, run.id)).toContain(`Open ticket ${ticket.ticketNumber}`);
    expect(ticketCreatePosts(simCtx.sim)).toHaveLength(0);
    const event = await ctx.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'ticket.reconciled' } });
    expect(event.summary).toContain(`Attached Autotask ticket ${ticket.ticketNumber}, created by an earlier attempt`);
  });

  it('is reconciled, not posted again, when the operator clicks instead', async () => {
    const { run, ticket } = await crashedAttempt();
    const res = await postCreate(agent, csrf, run.id).redirects(1);
    expect(res.text).toContain(`Autotask had created ticket ${ticket.ticketNumber}`);
    expect((await row(run.id)).ticketId).toBe(ticket.id);
    expect(ticketCreatePosts(simCtx.sim)).toHaveLength(0);
  });

  it('stays pending with a clear message while Autotask is down, and settles once it is back', async () => {
    const { sim } = simCtx;
    const { run, ticket } = await crashedAttempt();
    sim.faults.failNext({ entity: 'Tickets', status: 502, body: 'text', count: 20 });

    await view(run.id);
    const pending = await row(run.id);
    expect(pending.state).toBe('pending');
    expect(pending.lastError).toContain(
      'Backupchecks could not ask Autotask whether the earlier attempt created the ticket',
    );
    const page = await agent.get(`/runs/${run.id}`);
    expect(page.status).toBe(200);
    const cell = decode(ticketCell(page.text, run.id));
    expect(cell).toContain('could not ask Autotask whether the earlier attempt created the ticket');
    expect(cell).toContain('Check Autotask and try again');

    const click = await postCreate(agent, csrf, run.id).redirects(1);
    expect(decode(click.text)).toContain('so nothing was sent again');
    // The page views started lookups of their own after their responses (the attempt is old).
    await settleDeferredWork();
    expect((await row(run.id)).state).toBe('pending');
    expect(ticketCreatePosts(sim)).toHaveLength(0);

    sim.faults.clear();
    await settleDeferredWork();
    await view(run.id);
    expect(await row(run.id)).toMatchObject({ state: 'created', ticketId: ticket.id });
    expect(ticketCreatePosts(sim)).toHaveLength(0);
  });
});

describe('Created, but reading the ticket back failed', () => {
  it('keeps the ticket id, shows it, and reads the number on the next view', async () => {
    const { sim } = simCtx;
    const { run } = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    sim.faults.failNext({ method: 'GET', entity: 'Tickets', status: 502, body: 'text' });

    const posted = await postCreate(agent, csrf, run.id);
    const [ticket] = simTicketsOfRun(sim, run.id);
    // Read before the run page is opened: the view reads the ticket again after its response.
    expect(await row(run.id)).toMatchObject({
      state: 'created',
      ticketId: ticket!.id,
      ticketNumber: null,
      statusCheckedAt: null,
    });
    const res = await agent.get(posted.headers.location!);
    expect(res.text).toContain(`Created Autotask ticket ID ${ticket!.id}`);
    expect(ticketCell(res.text, run.id)).toContain(`Open ticket ticket ID ${ticket!.id}`);
    await settleDeferredWork();

    const next = await agent.get(`/runs/${run.id}`);
    expect(ticketCell(next.text, run.id)).toContain(`Open ticket ${ticket!.ticketNumber}`);
    expect(await row(run.id)).toMatchObject({ ticketNumber: ticket!.ticketNumber, statusId: 1, statusLabel: 'New' });
    expect(ticketCreatePosts(sim)).toHaveLength(1);
  });
});
