import { afterEach, describe, expect, it } from 'vitest';
import { settleDeferredWork } from '../../src/shared/deferred-work.ts';
import { buildTestApp, signInAs } from '../support/app.ts';
import { useAppWithSimulator } from '../support/app-with-simulator.ts';
import { autotaskRequest, heldDeadlines, untilLogged } from '../support/autotask-deadlines.ts';
import { makeCreatedTicket, makeCustomerWithRun } from '../support/fixtures.ts';
import { runChecksOpening } from '../runs/run-checks-html.ts';
import { decode, ticketCell, ticketCreatePosts } from './helpers.ts';
import {
  addRun,
  autotaskWrites,
  flashAfter,
  notePosts,
  postAddTo,
  postLink,
  recurringProblem,
  shown,
} from './correlate-helpers.ts';
import { postResolve } from './resolve-helpers.ts';

/**
 * One ticket for a recurring problem, over HTTP against the simulator: a later failing run of a job
 * whose ticket is still open is offered "Add to ticket T…", which links it and writes one internal
 * note to the ticket, however often it is clicked. The note's failures and "Try again" are in
 * correlate-note.test.ts.
 */

/** AUTOTASK_TIMEOUT_MS timers, unless a test holds the deadlines (test/support/autotask-deadlines.ts). */
const deadlines = heldDeadlines();

const suite = useAppWithSimulator({
  // Fresh proof that the API user sees non-billable time entries, so resolving is possible.
  autotask: { nonBillableProvenAt: new Date() },
  build: (db, env) => buildTestApp(db, env, { autotaskDeadline: deadlines.start }),
  signIn: ['admin', 'operator', 'reporter'],
});
const { ctx, simCtx, built } = suite;
const { admin, operator, reporter } = suite.as;
const timezone = () => built.context.config.timezone;
const runOf = (id: number) => ctx.db.prisma.run.findUniqueOrThrow({ where: { id } });

afterEach(() => {
  simCtx.sim.faults.clear();
  deadlines.useTimers();
});

describe('Add to ticket', () => {
  it('offers the open ticket to a second failing run; the click links the run and writes one internal note', async () => {
    const { sim } = simCtx;
    const { first, second, ticket, record } = await recurringProblem(ctx.db, sim, { createdById: admin.user.id });

    const page = await operator.agent.get(runChecksOpening([second]));
    const cell = ticketCell(page.text, second.id);
    expect(cell).toContain('Create Autotask ticket');
    expect(cell).toContain(`action="/runs/${second.id}/ticket/add-to"`);
    expect(cell).toContain(`name="ticketRecordId" value="${record.id}"`);
    expect(cell).toContain(`Add to ticket ${ticket.ticketNumber}`);
    // The first run has the ticket and no offer.
    expect(ticketCell(page.text, first.id)).not.toContain('Add to ticket');

    const res = await postAddTo(operator, second.id, record.id);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`/runs/${second.id}`);
    expect(await flashAfter(operator, res)).toBe(
      `success: Added run #${second.id} of Acme Dental / Practice servers to Autotask ticket ${ticket.ticketNumber}. An internal note on the ticket lists the run's failed objects.`,
    );

    const linked = await runOf(second.id);
    expect(linked).toMatchObject({ ticketRecordId: record.id, ticketLinkedById: operator.user.id });
    const notes = sim.state.notesOf(ticket.id);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.publish).toBe(2);
    expect(notes[0]!.title).toMatch(/^Backupchecks: run .+ of Acme Dental \/ Practice servers failed again \[BC-NOTE-/);
    const text = notes[0]!.description;
    expect(text).toContain('[Error] HV01 (VM): Snapshot creation failed <again>');
    expect(text).toContain('[Warning] FS01 (VM): Low free space on the repository');
    expect(text.indexOf('HV01')).toBeLessThan(text.indexOf('FS01'));
    expect(text).not.toContain('DC01');
    expect(text).toContain(`Run in Backupchecks: http://backupchecks.test/runs/${second.id}`);
    expect(ticketCreatePosts(sim)).toHaveLength(0);
    expect(await ctx.db.prisma.ticket.count()).toBe(1);
    const audits = await ctx.db.prisma.auditEvent.findMany({ where: { action: 'ticket.run_added' } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorId: operator.user.id, targetType: 'run', targetId: String(second.id) });

    // Who and when, on the run page and on Run Checks.
    const runCell = decode(ticketCell((await operator.agent.get(`/runs/${second.id}`)).text, second.id));
    expect(runCell).toContain(`Open ticket ${ticket.ticketNumber}`);
    expect(runCell).toContain(`Created by Admin User on ${shown(record.createdAt, timezone())}`);
    expect(runCell).toContain(`Added to this ticket by Operator User on ${shown(linked.ticketLinkedAt!, timezone())}`);
    expect(runCell).not.toContain('Add to ticket');
    const checksCell = decode(ticketCell((await operator.agent.get(runChecksOpening([second]))).text, second.id));
    expect(checksCell).toContain('Added to this ticket by Operator User on');
    // The ticket's own run says nothing about being added.
    expect(ticketCell((await operator.agent.get(`/runs/${first.id}`)).text, first.id)).not.toContain(
      'Added to this ticket',
    );

    // The same form again (a double submit): told, and nothing is written twice.
    const again = await postAddTo(operator, second.id, record.id);
    expect(await flashAfter(operator, again)).toBe(
      `info: Run #${second.id} of Acme Dental / Practice servers is already on Autotask ticket ${ticket.ticketNumber}. No second note was written.`,
    );
    expect(sim.state.notesOf(ticket.id)).toHaveLength(1);
    expect(await ctx.db.prisma.ticketNote.count()).toBe(1);
  });

  it('names the ticket by its id until its number is known', async () => {
    const { second, ticket, record } = await recurringProblem(ctx.db, simCtx.sim);
    await ctx.db.prisma.ticket.update({ where: { id: record.id }, data: { ticketNumber: null } });
    const cell = ticketCell((await operator.agent.get(`/runs/${second.id}`)).text, second.id);
    expect(cell).toContain(`Add to ticket ID ${ticket.id}<`);
  });

  it('10 simultaneous "Add to ticket" clicks from 10 sessions: one link, one note', async () => {
    const { sim } = simCtx;
    const { second, ticket, record } = await recurringProblem(ctx.db, sim);
    const sessions = [];
    for (let i = 0; i < 10; i += 1) sessions.push(await signInAs(built.app, ctx.db, i % 2 ? 'operator' : 'admin'));
    sim.state.clearRequestLog();
    // Slow notes, so late clicks arrive while the winner's note is on its way.
    sim.faults.setLatency(150, { entity: 'TicketNotes' });
    // Autotask answers every read here. With the 2 s timers, a busy machine timed reads out before
    // any click had linked the run: those clicks were rightly told "not added", and the test then
    // measured the machine. A read that fails after another click won is the next test.
    deadlines.hold();

    const responses = await Promise.all(sessions.map((s) => postAddTo(s, second.id, record.id)));
    sim.faults.setLatency(0, { entity: 'TicketNotes' });

    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(302));
    expect((await runOf(second.id)).ticketRecordId).toBe(record.id);
    expect(sim.state.notesOf(ticket.id)).toHaveLength(1);
    expect(notePosts(sim)).toHaveLength(1);
    expect(await ctx.db.prisma.ticketNote.count()).toBe(1);
    expect(await ctx.db.prisma.auditEvent.count({ where: { action: 'ticket.run_added' } })).toBe(1);
    const said = await Promise.all(sessions.map((s, i) => flashAfter(s, responses[i]!)));
    expect(said.filter((f) => f.startsWith('success: Added run'))).toHaveLength(1);
    expect(said.filter((f) => f.includes('is already on Autotask ticket'))).toHaveLength(9);
  }, 60_000);

  it('a click whose Autotask read fails after another click linked the run is told the run is on the ticket', async () => {
    const { sim } = simCtx;
    const { second, ticket, record } = await recurringProblem(ctx.db, sim);
    deadlines.hold();
    // The late click finds the run without a ticket and reads the ticket's status live; no answer…
    sim.faults.hangNext({ method: 'GET', entity: 'Tickets' });
    const late = postAddTo(admin, second.id, record.id).then((r) => r);
    await untilLogged(sim, (e) => e.method === 'GET' && e.entity === 'Tickets' && e.outcome === 'hung');

    // …while the other click links the run and writes the note…
    const winner = await postAddTo(operator, second.id, record.id);
    expect(await flashAfter(operator, winner)).toMatch(/^success: Added run/);
    await settleDeferredWork();
    // …and then the late click's read times out. The run is on the ticket: saying "not added" would be wrong.
    expect(deadlines.expire(autotaskRequest('GET', /^Tickets\/\d+$/))).toBe(1);
    expect(await flashAfter(admin, await late)).toBe(
      `info: Run #${second.id} of Acme Dental / Practice servers is already on Autotask ticket ${ticket.ticketNumber}. No second note was written.`,
    );
    expect(await runOf(second.id)).toMatchObject({ ticketRecordId: record.id, ticketLinkedById: operator.user.id });
    expect(notePosts(sim)).toHaveLength(1);
    expect(await ctx.db.prisma.auditEvent.count({ where: { action: 'ticket.run_added' } })).toBe(1);
  });

  it('resolving the ticket from an added run marks it resolved on every linked run', async () => {
    const { sim } = simCtx;
    const { first, second, ticket, record } = await recurringProblem(ctx.db, sim);
    await postAddTo(operator, second.id, record.id);

    const res = await postResolve(operator, second.id);
    expect(res.flash).toContain(`success: Ticket ${ticket.ticketNumber} is resolved`);
    expect(sim.state.ticket(ticket.id)!.status).toBe(5);
    const resolved = await ctx.db.prisma.ticket.findUniqueOrThrow({ where: { id: record.id } });
    for (const run of [first, second]) {
      const cell = decode(ticketCell((await reporter.agent.get(`/runs/${run.id}`)).text, run.id));
      expect(cell).toContain('Status: <strong>Complete</strong>');
      expect(cell).toContain(`Resolved by Operator User on ${shown(resolved.resolvedAt!, timezone())}`);
    }
    // A third failing run is not offered the Complete ticket.
    const third = await addRun(ctx.db, second.jobId, { runAt: new Date('2026-01-15T01:30:00Z') });
    const cell = ticketCell((await operator.agent.get(`/runs/${third.id}`)).text, third.id);
    expect(cell).toContain('Create Autotask ticket');
    expect(cell).not.toContain('Add to ticket');
  });
});

describe('what is never offered or accepted', () => {
  it('a Complete ticket is not offered, and a POST naming it is refused without a link or a note', async () => {
    const { sim } = simCtx;
    const { second, record } = await recurringProblem(ctx.db, sim, { status: 5 });
    const cell = ticketCell((await operator.agent.get(`/runs/${second.id}`)).text, second.id);
    expect(cell).toContain('Create Autotask ticket');
    expect(cell).not.toContain('Add to ticket');

    const res = await postAddTo(operator, second.id, record.id);
    expect(await flashAfter(operator, res)).toContain(`error: Autotask ticket ${record.ticketNumber} is Complete`);
    expect((await runOf(second.id)).ticketRecordId).toBeNull();
    expect(autotaskWrites(sim)).toHaveLength(0);
  });

  it('a ticket completed in Autotask since the page was drawn is refused, and its status recorded', async () => {
    const { sim } = simCtx;
    const { second, ticket, record } = await recurringProblem(ctx.db, sim);
    sim.state.setTicketStatus(ticket.id, 5);

    const res = await postAddTo(operator, second.id, record.id);
    expect(await flashAfter(operator, res)).toContain(
      `error: Autotask ticket ${ticket.ticketNumber} was completed in Autotask, so run #${second.id}`,
    );
    expect((await runOf(second.id)).ticketRecordId).toBeNull();
    expect((await ctx.db.prisma.ticket.findUniqueOrThrow({ where: { id: record.id } })).statusId).toBe(5);
    expect(autotaskWrites(sim)).toHaveLength(0);
  });

  it('a ticket of another job (same customer or another one) is never offered, and a POST naming it is refused', async () => {
    const { sim } = simCtx;
    const { customer, record } = await recurringProblem(ctx.db, sim);
    const otherJob = await ctx.db.prisma.job.create({
      data: { customerId: customer.id, name: 'File server', backupSoftware: 'Veeam', backupType: 'Files' },
    });
    const sameCustomer = await addRun(ctx.db, otherJob.id);
    const { run: otherCustomer } = await makeCustomerWithRun(ctx.db, { companyId: 108 });

    for (const run of [sameCustomer, otherCustomer]) {
      const cell = ticketCell((await operator.agent.get(`/runs/${run.id}`)).text, run.id);
      expect(cell).toContain('Create Autotask ticket');
      expect(cell).not.toContain('Add to ticket');
      const res = await postAddTo(operator, run.id, record.id);
      expect(await flashAfter(operator, res)).toContain('error: That ticket does not follow up the runs of');
      expect((await runOf(run.id)).ticketRecordId).toBeNull();
    }
    expect(autotaskWrites(sim)).toHaveLength(0);
  });

  it('a run that has a ticket keeps it', async () => {
    const { sim } = simCtx;
    const { job, record } = await recurringProblem(ctx.db, sim);
    const own = await addRun(ctx.db, job.id);
    const { runTicket: ownRecord } = await makeCreatedTicket(ctx.db, sim, own.id, { companyId: 105 });
    sim.state.clearRequestLog();

    const res = await postAddTo(operator, own.id, record.id);
    expect(await flashAfter(operator, res)).toContain(
      `info: Run #${own.id} of Acme Dental / Practice servers already has Autotask ticket ${ownRecord.ticketNumber}`,
    );
    expect((await runOf(own.id)).ticketRecordId).toBe(ownRecord.id);
    expect(autotaskWrites(sim)).toHaveLength(0);
  });
});

describe('reporters', () => {
  it('see who and when, never a form, and get 403 on both POSTs', async () => {
    const { sim } = simCtx;
    const { second, ticket, record, job } = await recurringProblem(ctx.db, sim, { createdById: admin.user.id });
    await postAddTo(operator, second.id, record.id);
    const third = await addRun(ctx.db, job.id, { runAt: new Date('2026-01-15T01:30:00Z') });

    for (const path of [`/runs/${second.id}`, runChecksOpening([second])]) {
      const page = await reporter.agent.get(path);
      const cell = decode(ticketCell(page.text, second.id));
      expect(cell).toContain(`Open ticket ${ticket.ticketNumber}`);
      expect(cell).toContain('Created by Admin User on');
      expect(cell).toContain('Added to this ticket by Operator User on');
      expect(page.text).not.toContain('/ticket/add-to');
      expect(page.text).not.toContain('/ticket/link');
      expect(page.text).not.toContain('Add to ticket');
      expect(page.text).not.toContain('Link ticket');
    }
    // The operator sees the offer on the same run the reporter sees without one.
    expect(ticketCell((await operator.agent.get(`/runs/${third.id}`)).text, third.id)).toContain('Add to ticket');

    sim.state.clearRequestLog();
    expect((await postAddTo(reporter, third.id, record.id)).status).toBe(403);
    expect((await postLink(reporter, third.id, ticket.ticketNumber)).status).toBe(403);
    expect((await runOf(third.id)).ticketRecordId).toBeNull();
    expect(sim.requestLog).toHaveLength(0);
  });
});
