import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { CLOSING_NOTE_TEXT } from '../../src/services/integration/settings.ts';
import { resolveStateFor } from '../../src/services/tickets/resolve/offer.ts';
import { signInAs } from '../support/app.ts';
import { useAppWithSimulator } from '../support/app-with-simulator.ts';
import { configureAutotask } from '../support/autotask.ts';
import { makeCreatedTicket, makeCustomerWithRun } from '../support/fixtures.ts';
import { decode, notePosts, timeEntryCalls, writes } from './resolve-helpers.ts';

/**
 * What the pages show about resolving: the action on Run Checks and on the run page (offered,
 * disabled with the reason, or absent), the 60-second time-entry cache behind it, the confirmation
 * step with the fixed note, and who may use the resolve routes at all.
 */

const suite = useAppWithSimulator({ per: 'file', signIn: ['operator', 'reporter'] });
const { ctx, simCtx, built } = suite;
const { operator, reporter } = suite.as;
beforeEach(() => {
  simCtx.sim.faults.clear();
  simCtx.sim.state.clearRequestLog();
});

/**
 * One customer with three runs of one job, each with a created ticket: `open` (no time entries),
 * `busy` (two time entries) and `done` (complete). Run Checks filtered on the customer, with the
 * job's row opened, shows just these.
 */
async function threeTickets() {
  const { sim } = simCtx;
  const { customer, job, run: open } = await makeCustomerWithRun(ctx.db);
  const another = (minutes: number) =>
    ctx.db.prisma.run.create({
      data: { jobId: job.id, runAt: new Date(Date.now() - minutes * 60_000), status: 'error' },
    });
  const busy = await another(60);
  const done = await another(120);
  // Made out of run order, so no ticket record has its run's id: a page that looks an action up by
  // the wrong id finds nothing.
  const made = {
    done: (await makeCreatedTicket(ctx.db, sim, done.id, { status: 5 })).ticket,
    open: (await makeCreatedTicket(ctx.db, sim, open.id)).ticket,
    busy: (await makeCreatedTicket(ctx.db, sim, busy.id)).ticket,
  };
  const tickets = { open: made.open, busy: made.busy, done: made.done };
  sim.state.addTimeEntry(tickets.busy.id, { billable: true });
  sim.state.addTimeEntry(tickets.busy.id, { billable: false });
  sim.state.clearRequestLog();
  // The job's row opened: its runs, with their ticket cells, show in the opened row only.
  return { customer, runs: { open, busy, done }, tickets, page: `/run-checks?customer=${customer.id}&open=${job.id}` };
}

/** The ticket cell of one run on a page, as HTML. */
function ticketCell(html: string, runId: number): string {
  const start = html.indexOf(`id="run-${runId}-ticket"`);
  if (start === -1) throw new Error(`no ticket cell for run ${runId}`);
  return html.slice(start, html.indexOf('</div>', start));
}

const resolveLink = (runId: number) => `href="/runs/${runId}/ticket/resolve`;

describe('Run Checks: the resolve action', () => {
  it('is offered without time entries, disabled with the count otherwise, and absent for a complete ticket', async () => {
    const { runs, page } = await threeTickets();
    const res = await operator.agent.get(page);
    expect(res.status).toBe(200);

    const open = ticketCell(res.text, runs.open.id);
    expect(open).toContain(resolveLink(runs.open.id));
    expect(open).toContain('Resolve ticket');

    const busy = ticketCell(res.text, runs.busy.id);
    expect(busy).not.toContain(resolveLink(runs.busy.id));
    expect(busy).toMatch(/<button type="button"[^>]*disabled[^>]*>Resolve ticket<\/button>/);
    expect(decode(busy)).toContain('This ticket has 2 time entries in Autotask. Resolve it in Autotask.');

    const done = ticketCell(res.text, runs.done.id);
    expect(done).not.toContain('Resolve ticket');
    expect(done).toContain('Complete');
  });

  it('sends the operator back to Run Checks after the confirmation', async () => {
    const { runs, page } = await threeTickets();
    const res = await operator.agent.get(page);
    const href = decode(/href="(\/runs\/\d+\/ticket\/resolve[^"]*)"/.exec(ticketCell(res.text, runs.open.id))![1]!);
    const confirm = await operator.agent.get(href);
    expect(confirm.status).toBe(200);
    expect(decode(confirm.text)).toContain(`name="returnTo" value="${page}"`);

    const done = await operator.agent
      .post(`/runs/${runs.open.id}/ticket/resolve`)
      .type('form')
      .send({ _csrf: operator.csrf, returnTo: page });
    expect(done.headers.location).toBe(`${page}#run-${runs.open.id}`);
    const back = await operator.agent.get(done.headers.location!);
    expect(decode(back.text)).toContain(
      'is resolved: the internal note was written and the ticket is Complete in Autotask.',
    );
  });

  it('counts each ticket once a minute at most: a second view sends no TimeEntries request', async () => {
    const { sim } = simCtx;
    const { runs, page } = await threeTickets();
    await operator.agent.get(page);
    // The complete ticket is not counted; the other two once each.
    expect(timeEntryCalls(sim)).toHaveLength(2);

    const again = await operator.agent.get(page);
    expect(timeEntryCalls(sim)).toHaveLength(2);
    expect(decode(ticketCell(again.text, runs.busy.id))).toContain('This ticket has 2 time entries in Autotask.');
    expect(ticketCell(again.text, runs.open.id)).toContain(resolveLink(runs.open.id));

    // The run page shares the cache.
    await operator.agent.get(`/runs/${runs.open.id}`);
    expect(timeEntryCalls(sim)).toHaveLength(2);

    // Older than a minute: counted again, and a time entry booked meanwhile shows.
    sim.state.addTimeEntry(
      (await ctx.db.prisma.ticket.findUniqueOrThrow({ where: { originRunId: runs.open.id } })).ticketId!,
    );
    await ctx.db.prisma.ticket.updateMany({
      where: { originRunId: { in: [runs.open.id, runs.busy.id] } },
      data: { timeEntriesCheckedAt: new Date(Date.now() - 61_000) },
    });
    const later = await operator.agent.get(page);
    expect(timeEntryCalls(sim)).toHaveLength(4);
    expect(decode(ticketCell(later.text, runs.open.id))).toContain('This ticket has 1 time entry in Autotask.');
    expect(writes(sim)).toEqual([]);
  });

  it('when counting fails the action is disabled with the reason, never offered', async () => {
    const { sim } = simCtx;
    const { runs, page } = await threeTickets();
    sim.faults.failNext({ entity: 'TimeEntries', count: 2, errors: ['Counting is broken (simulated).'] });
    const res = await operator.agent.get(page);
    for (const run of [runs.open, runs.busy]) {
      const cell = ticketCell(res.text, run.id);
      expect(cell).not.toContain(resolveLink(run.id));
      expect(decode(cell)).toContain('Could not check time entries in Autotask: Autotask rejected the request.');
    }
    // A failure is not cached: the next view counts again and offers the action.
    const next = await operator.agent.get(page);
    expect(ticketCell(next.text, runs.open.id)).toContain(resolveLink(runs.open.id));
  });

  it('is not shown to reporters, and costs no Autotask call for them', async () => {
    const { sim } = simCtx;
    const { runs, page } = await threeTickets();
    const res = await reporter.agent.get(page);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('Resolve ticket');
    expect(ticketCell(res.text, runs.open.id)).toContain('Open ticket');
    expect(timeEntryCalls(sim)).toEqual([]);
  });

  it('is absent when resolving is switched off in Settings', async () => {
    const { sim } = simCtx;
    const { runs, page } = await threeTickets();
    await configureAutotask(ctx.db, sim, { allowResolve: false });
    try {
      const res = await operator.agent.get(page);
      expect(ticketCell(res.text, runs.open.id)).toContain('Open ticket');
      expect(res.text).not.toContain('Resolve ticket');
      expect(timeEntryCalls(sim)).toEqual([]);
      const runPage = await operator.agent.get(`/runs/${runs.open.id}`);
      expect(runPage.text).not.toContain('Resolve ticket');
    } finally {
      await configureAutotask(ctx.db, sim);
    }
  });
});

describe('the run page and the confirmation step', () => {
  it('the run page offers the action; the confirmation shows the exact note, which cannot be edited', async () => {
    const { runs } = await threeTickets();
    const runPage = await operator.agent.get(`/runs/${runs.open.id}`);
    expect(ticketCell(runPage.text, runs.open.id)).toContain(resolveLink(runs.open.id));

    const confirm = await operator.agent.get(`/runs/${runs.open.id}/ticket/resolve`);
    expect(confirm.status).toBe(200);
    const html = confirm.text;
    expect(html).toContain(`<span id="closing-note-text">${CLOSING_NOTE_TEXT}</span>`);
    expect(html).toContain('The note text is fixed and cannot be changed.');
    const form = html.slice(html.indexOf(`<form method="post" action="/runs/${runs.open.id}/ticket/resolve">`));
    expect(form.length).toBeLessThan(html.length);
    const formHtml = form.slice(0, form.indexOf('</form>'));
    expect(formHtml).not.toMatch(/<textarea/);
    // Only the CSRF token and where to go back to: nothing that could carry note text.
    expect([...formHtml.matchAll(/<input[^>]*>/g)].map((m) => /name="([^"]+)"/.exec(m[0])![1])).toEqual([
      '_csrf',
      'returnTo',
    ]);
    expect([...formHtml.matchAll(/<input[^>]*>/g)].every((m) => m[0].includes('type="hidden"'))).toBe(true);
    expect(formHtml).toContain('<button type="submit">Resolve ticket</button>');
    expect(notePosts(simCtx.sim)).toEqual([]);
  });

  it('with time entries the confirmation gives the reason and no button', async () => {
    const { runs } = await threeTickets();
    const confirm = await operator.agent.get(`/runs/${runs.busy.id}/ticket/resolve`);
    expect(confirm.status).toBe(200);
    expect(decode(confirm.text)).toContain('This ticket has 2 time entries in Autotask. Resolve it in Autotask.');
    expect(confirm.text).not.toContain('<button type="submit">Resolve ticket</button>');
  });

  it('a complete ticket has no confirmation step', async () => {
    const { runs } = await threeTickets();
    const confirm = await operator.agent.get(`/runs/${runs.done.id}/ticket/resolve`);
    expect(confirm.status).toBe(302);
    expect(confirm.headers.location).toBe(`/runs/${runs.done.id}`);
  });

  it('only returns to our own run pages', async () => {
    const { runs } = await threeTickets();
    const confirm = await operator.agent.get(`/runs/${runs.open.id}/ticket/resolve?returnTo=https://evil.example/`);
    expect(confirm.text).toContain(`name="returnTo" value="/runs/${runs.open.id}"`);
  });
});

describe('who may resolve', () => {
  it('reporters get 403 on every resolve route, and nothing reaches Autotask', async () => {
    const { sim } = simCtx;
    const { runs } = await threeTickets();
    const get = await reporter.agent.get(`/runs/${runs.open.id}/ticket/resolve`);
    expect(get.status).toBe(403);
    const post = await reporter.agent
      .post(`/runs/${runs.open.id}/ticket/resolve`)
      .type('form')
      .send({ _csrf: reporter.csrf });
    expect(post.status).toBe(403);
    expect(writes(sim)).toEqual([]);
    expect(timeEntryCalls(sim)).toEqual([]);
    expect(
      sim.state.ticket(
        (await ctx.db.prisma.ticket.findUniqueOrThrow({ where: { originRunId: runs.open.id } })).ticketId!,
      )!.status,
    ).toBe(1);
  });

  it('anonymous visitors are sent to sign in', async () => {
    const { runs } = await threeTickets();
    const get = await request(built.app).get(`/runs/${runs.open.id}/ticket/resolve`);
    expect(get.status).toBe(302);
    expect(get.headers.location).toBe(`/login?next=${encodeURIComponent(`/runs/${runs.open.id}/ticket/resolve`)}`);
    const post = await request(built.app).post(`/runs/${runs.open.id}/ticket/resolve`);
    expect(post.status).toBe(302);
    expect(post.headers.location).toBe('/login');
    expect(writes(simCtx.sim)).toEqual([]);
  });

  it('admins may resolve', async () => {
    const admin = await signInAs(built.app, ctx.db, 'admin');
    const { runs } = await threeTickets();
    const res = await admin.agent.post(`/runs/${runs.open.id}/ticket/resolve`).type('form').send({ _csrf: admin.csrf });
    expect(res.status).toBe(302);
    expect((await ctx.db.prisma.ticket.findUniqueOrThrow({ where: { originRunId: runs.open.id } })).resolvedById).toBe(
      admin.user.id,
    );
  });
});

// Last in the file: the counts it gives up on keep running in the background until the client's
// timeout, and must not show up in another test's request log.
describe('a slow Autotask', () => {
  it('a slow Autotask does not hold the page: counts not back in time are shown as not checked', async () => {
    const { sim } = simCtx;
    const { runs, page } = await threeTickets();
    sim.faults.setLatency(6_000, { entity: 'TimeEntries' });
    const started = Date.now();
    const res = await operator.agent.get(page);
    expect(Date.now() - started).toBeLessThan(5_500);
    expect(decode(ticketCell(res.text, runs.open.id))).toContain('Could not check time entries in Autotask:');
    expect(ticketCell(res.text, runs.open.id)).not.toContain(resolveLink(runs.open.id));
  }, 15_000);

  it('the gate stops waiting at its own deadline, however long the client would wait', async () => {
    const { sim } = simCtx;
    const { runs } = await threeTickets();
    sim.faults.setLatency(1_500, { entity: 'TimeEntries' });
    const rows = await ctx.db.prisma.ticket.findMany({ where: { originRunId: { in: [runs.open.id, runs.busy.id] } } });
    const started = Date.now();
    const profile = await built.context.psa.active(ctx.db.prisma);
    const actions = await resolveStateFor({ db: ctx.db.prisma, profile }, 'operator', rows, {
      timeoutMs: 300,
    });
    expect(Date.now() - started).toBeLessThan(1_200);
    const recordOf = (runId: number) => rows.find((r) => r.originRunId === runId)!.id;
    expect(actions.get(recordOf(runs.open.id))).toEqual({
      offered: false,
      count: null,
      disabledReason:
        'Could not check time entries in Autotask: Autotask did not answer in time. Reload the page to try again.',
    });
    expect(actions.get(recordOf(runs.busy.id))?.offered).toBe(false);
  }, 15_000);
});
