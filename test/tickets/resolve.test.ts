import { beforeEach, describe, expect, it } from 'vitest';
import { CLOSING_NOTE_TEXT } from '../../src/services/integration/settings.ts';
import { signInAs } from '../support/app.ts';
import { useAppWithSimulator } from '../support/app-with-simulator.ts';
import { configureAutotask } from '../support/autotask.ts';
import { makeCreatedTicket, makeCustomerWithRun } from '../support/fixtures.ts';
import {
  callSequence,
  notePosts,
  onNextNoteCreated,
  postResolve,
  statusPatches,
  timeEntryCalls,
  writes,
} from './resolve-helpers.ts';

/**
 * The resolve flow over HTTP, against the simulator: POST /runs/:id/ticket/resolve. Each test
 * starts from a run whose ticket was created (written directly, not through the create flow).
 */

const suite = useAppWithSimulator({
  per: 'file',
  // With fresh proof that the API user sees non-billable time entries (resolve-proof.test.ts checks
  // how it is obtained), so the call sequences below are the resolve's own.
  autotask: { nonBillableProvenAt: new Date() },
  signIn: ['operator'],
});
const { ctx, simCtx, built } = suite;
const { operator } = suite.as;
beforeEach(() => {
  // Not sim.reset(): ticket ids would start again and clash with TicketRecord rows of earlier tests.
  simCtx.sim.faults.clear();
  simCtx.sim.state.clearRequestLog();
});

async function createdTicket(options: Parameters<typeof makeCreatedTicket>[3] = {}) {
  const { run } = await makeCustomerWithRun(ctx.db);
  const { ticket, runTicket } = await makeCreatedTicket(ctx.db, simCtx.sim, run.id, options);
  simCtx.sim.state.clearRequestLog();
  return { run, ticket, runTicket };
}

const rowOf = (runId: number) => ctx.db.prisma.ticket.findUniqueOrThrow({ where: { originRunId: runId } });
const auditActions = async (runTicketId: number) =>
  (
    await ctx.db.prisma.auditEvent.findMany({
      where: { targetType: 'run_ticket', targetId: String(runTicketId) },
      orderBy: { id: 'asc' },
    })
  ).map((e) => e.action);

describe('resolve: the happy path', () => {
  it('writes exactly one internal note with the fixed text, then sets Complete, in that order', async () => {
    const { sim } = simCtx;
    const { run, ticket, runTicket } = await createdTicket();

    const res = await postResolve(operator, run.id);
    expect(res.status).toBe(302);
    expect(res.location).toBe(`/runs/${run.id}`);
    expect(res.flash).toContain(`success: Ticket ${ticket.ticketNumber} is resolved`);

    const notes = sim.state.notesOf(ticket.id);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      description: CLOSING_NOTE_TEXT,
      publish: 2,
      noteType: 1,
      title: 'Resolved via Backupchecks',
    });
    expect(sim.state.ticket(ticket.id)!.status).toBe(5);

    // Read, count, note, count again, close, read back: the note strictly before the PATCH.
    const sequence = callSequence(sim);
    expect(sequence.slice(0, 6)).toEqual([
      'GET Tickets/{id}',
      'POST TimeEntries/query/count',
      'POST Tickets/{id}/Notes',
      'POST TimeEntries/query/count',
      'PATCH Tickets',
      'GET Tickets/{id}',
    ]);
    expect(writes(sim).map((e) => [e.method, e.entity])).toEqual([
      ['POST', 'TicketNotes'],
      ['PATCH', 'Tickets'],
    ]);
    expect(statusPatches(sim)[0]!.body).toEqual({ id: ticket.id, status: 5 });

    const row = await rowOf(run.id);
    expect(row).toMatchObject({
      closingNoteId: notes[0]!.id,
      closingNoteSentAt: null,
      resolvedById: operator.user.id,
      statusId: 5,
      statusLabel: 'Complete',
      resolveStartedAt: null,
      timeEntryCount: 0,
    });
    expect(row.resolvedAt).toBeInstanceOf(Date);
    expect(await auditActions(runTicket.id)).toEqual(['ticket.resolve_note_written', 'ticket.resolved']);
  });

  it('ignores any note text sent with the form: the note is fixed', async () => {
    const { run, ticket } = await createdTicket();
    await postResolve(operator, run.id, { description: 'Closed, whatever', note: 'Closed, whatever', title: 'x' });
    expect(simCtx.sim.state.notesOf(ticket.id).map((n) => [n.title, n.description])).toEqual([
      ['Resolved via Backupchecks', CLOSING_NOTE_TEXT],
    ]);
  });
});

describe('resolve: refused without writing', () => {
  it.each([
    ['billable', true],
    ['non-billable', false],
  ])('a %s time entry refuses the resolve; nothing is written', async (_kind, billable) => {
    const { sim } = simCtx;
    const { run, ticket, runTicket } = await createdTicket();
    sim.state.addTimeEntry(ticket.id, { billable });

    const res = await postResolve(operator, run.id);
    expect(res.flash).toBe('warning: This ticket has 1 time entry in Autotask. Resolve it in Autotask.');
    expect(writes(sim)).toEqual([]);
    expect(sim.state.notesOf(ticket.id)).toEqual([]);
    expect(sim.state.ticket(ticket.id)!.status).toBe(1);
    expect(await rowOf(run.id)).toMatchObject({
      closingNoteId: null,
      resolvedAt: null,
      timeEntryCount: 1,
      statusId: 1,
    });
    expect(await auditActions(runTicket.id)).toEqual(['ticket.resolve_refused']);
  });

  it('says how many time entries there are', async () => {
    const { run, ticket } = await createdTicket();
    simCtx.sim.state.addTimeEntry(ticket.id, { billable: true });
    simCtx.sim.state.addTimeEntry(ticket.id, { billable: false });
    const res = await postResolve(operator, run.id);
    expect(res.flash).toBe('warning: This ticket has 2 time entries in Autotask. Resolve it in Autotask.');
    expect(writes(simCtx.sim)).toEqual([]);
  });

  it('a ticket already complete in Autotask: the status is recorded, nothing is written', async () => {
    const { sim } = simCtx;
    const { run, ticket, runTicket } = await createdTicket();
    sim.state.setTicketStatus(ticket.id, 5);
    sim.state.clearRequestLog();

    const res = await postResolve(operator, run.id);
    expect(res.flash).toContain('already closed in Autotask');
    expect(writes(sim)).toEqual([]);
    // Not even counted: the ticket's status settled it.
    expect(timeEntryCalls(sim)).toEqual([]);
    expect(sim.state.notesOf(ticket.id)).toEqual([]);
    const row = await rowOf(run.id);
    expect(row).toMatchObject({ statusId: 5, statusLabel: 'Complete', closingNoteId: null, resolvedAt: null });
    expect(row.statusCheckedAt!.getTime()).toBeGreaterThan(runTicket.statusCheckedAt!.getTime() - 1);
    expect(await auditActions(runTicket.id)).toEqual(['ticket.resolve_already_closed']);
  });

  it('resolving switched off in Settings: the server refuses and sends nothing to Autotask', async () => {
    const { sim } = simCtx;
    const { run, ticket } = await createdTicket();
    await configureAutotask(ctx.db, sim, { allowResolve: false });
    try {
      const res = await postResolve(operator, run.id);
      expect(res.location).toBe(`/runs/${run.id}`);
      expect(res.flash).toBe('error: Resolving tickets from Backupchecks is switched off in the Autotask settings.');
      const confirm = await operator.agent.get(`/runs/${run.id}/ticket/resolve`);
      expect(confirm.status).toBe(302);
      expect(writes(sim)).toEqual([]);
      expect(timeEntryCalls(sim)).toEqual([]);
      expect(sim.state.ticket(ticket.id)!.status).toBe(1);
    } finally {
      await configureAutotask(ctx.db, sim);
    }
  });

  it('the integration switched off: refused the same way', async () => {
    const { sim } = simCtx;
    const { run } = await createdTicket();
    await configureAutotask(ctx.db, sim, { enabled: false });
    try {
      const res = await postResolve(operator, run.id);
      expect(res.flash).toBe('error: The Autotask integration is switched off.');
      expect(writes(sim)).toEqual([]);
    } finally {
      await configureAutotask(ctx.db, sim);
    }
  });

  it('a run without a created ticket cannot be resolved', async () => {
    const { run } = await makeCustomerWithRun(ctx.db);
    const res = await postResolve(operator, run.id);
    expect(res.flash).toBe('error: This run has no Autotask ticket to resolve.');
    expect(writes(simCtx.sim)).toEqual([]);
  });

  it('an unknown run is a 404', async () => {
    const res = await operator.agent.post('/runs/999999/ticket/resolve').type('form').send({ _csrf: operator.csrf });
    expect(res.status).toBe(404);
  });
});

describe('resolve: partial failures never repeat a write', () => {
  it('the note POST fails: the ticket is not closed and the operator is told why', async () => {
    const { sim } = simCtx;
    const { run, ticket } = await createdTicket();
    sim.faults.failNext({ method: 'POST', entity: 'TicketNotes', errors: ['Note could not be saved (simulated).'] });

    const res = await postResolve(operator, run.id);
    expect(res.flash).toContain(
      `error: Autotask did not accept the closing note, so ticket ${ticket.ticketNumber} was not closed.`,
    );
    expect(res.flash).toContain('Autotask said: Note could not be saved (simulated).');
    expect(statusPatches(sim)).toEqual([]);
    expect(sim.state.notesOf(ticket.id)).toEqual([]);
    expect(sim.state.ticket(ticket.id)!.status).toBe(1);
    expect(await rowOf(run.id)).toMatchObject({ closingNoteId: null, closingNoteSentAt: null, resolvedAt: null });

    // A definite refusal wrote nothing, so the retry simply writes the note and closes.
    const retry = await postResolve(operator, run.id);
    expect(retry.flash).toContain('is resolved');
    expect(sim.state.notesOf(ticket.id)).toHaveLength(1);
    expect(sim.state.ticket(ticket.id)!.status).toBe(5);
  });

  it('closing fails after the note: the note id is kept and the retry closes without a second note', async () => {
    const { sim } = simCtx;
    const { run, ticket, runTicket } = await createdTicket();
    sim.faults.failNext({
      method: 'PATCH',
      entity: 'Tickets',
      errors: ['Status cannot be changed right now (simulated).'],
    });

    const first = await postResolve(operator, run.id);
    expect(first.flash).toContain(
      `error: The closing note was written to ticket ${ticket.ticketNumber}, but closing the ticket failed. Try again: the ticket will be closed without a second note.`,
    );
    expect(first.flash).toContain('Status cannot be changed right now (simulated).');
    const notes = sim.state.notesOf(ticket.id);
    expect(notes).toHaveLength(1);
    expect(sim.state.ticket(ticket.id)!.status).toBe(1);
    expect(await rowOf(run.id)).toMatchObject({ closingNoteId: notes[0]!.id, resolvedAt: null });

    const retry = await postResolve(operator, run.id);
    expect(retry.flash).toContain('is resolved');
    expect(sim.state.notesOf(ticket.id)).toHaveLength(1);
    expect(notePosts(sim)).toHaveLength(1);
    expect(statusPatches(sim)).toHaveLength(2);
    expect(sim.state.ticket(ticket.id)!.status).toBe(5);
    expect(await auditActions(runTicket.id)).toEqual([
      'ticket.resolve_note_written',
      'ticket.resolve_failed',
      'ticket.resolved',
    ]);
  });

  it('a time entry added between the note and the close stops the close', async () => {
    const { sim } = simCtx;
    const { run, ticket } = await createdTicket();
    onNextNoteCreated(sim, () => sim.state.addTimeEntry(ticket.id, { billable: true }));

    const res = await postResolve(operator, run.id);
    expect(res.flash).toBe(
      'warning: A time entry was added in Autotask after the note was written; the ticket was not closed.',
    );
    expect(notePosts(sim)).toHaveLength(1);
    expect(statusPatches(sim)).toEqual([]);
    expect(sim.state.ticket(ticket.id)!.status).toBe(1);
    const row = await rowOf(run.id);
    expect(row.closingNoteId).toBe(sim.state.notesOf(ticket.id)[0]!.id);
    expect(row).toMatchObject({ resolvedAt: null, timeEntryCount: 1 });

    // With the time entry still there, a retry is refused before anything is written.
    sim.state.clearRequestLog();
    expect((await postResolve(operator, run.id)).flash).toContain('This ticket has 1 time entry');
    expect(writes(sim)).toEqual([]);
  });

  it('the note POST is applied but its answer is lost: the note is found and adopted in the same request', async () => {
    const { sim } = simCtx;
    const { run, ticket } = await createdTicket();
    sim.faults.dropResponseNext({ method: 'POST', entity: 'TicketNotes' });

    const res = await postResolve(operator, run.id);
    expect(res.flash).toContain('is resolved');
    expect(notePosts(sim)).toHaveLength(1);
    expect(notePosts(sim)[0]!.outcome).toBe('dropped');
    const notes = sim.state.notesOf(ticket.id);
    expect(notes).toHaveLength(1);
    expect(statusPatches(sim)).toHaveLength(1);
    expect(sim.state.ticket(ticket.id)!.status).toBe(5);
    expect(await rowOf(run.id)).toMatchObject({ closingNoteId: notes[0]!.id, closingNoteSentAt: null });
  });

  it('the note outcome stays unknown: nothing more is written, and the retry adopts the note instead of writing one', async () => {
    const { sim } = simCtx;
    const { run, ticket, runTicket } = await createdTicket();
    // The note POST is applied but unanswered; the read that should settle it fails as well.
    sim.faults.dropResponseNext({ method: 'POST', entity: 'TicketNotes' });
    sim.faults.failNext({ method: 'POST', entity: 'TicketNotes', errors: ['Query failed (simulated).'] });

    const first = await postResolve(operator, run.id);
    expect(first.flash).toContain('Autotask did not confirm the closing note');
    expect(first.flash).toContain('the ticket was not closed');
    expect(statusPatches(sim)).toEqual([]);
    expect(sim.state.notesOf(ticket.id)).toHaveLength(1);
    const unsettled = await rowOf(run.id);
    expect(unsettled.closingNoteId).toBeNull();
    expect(unsettled.closingNoteSentAt).toBeInstanceOf(Date);

    const retry = await postResolve(operator, run.id);
    expect(retry.flash).toContain('is resolved');
    expect(notePosts(sim)).toHaveLength(1);
    const notes = sim.state.notesOf(ticket.id);
    expect(notes).toHaveLength(1);
    expect(sim.state.ticket(ticket.id)!.status).toBe(5);
    expect(await rowOf(run.id)).toMatchObject({ closingNoteId: notes[0]!.id, closingNoteSentAt: null });
    expect(await auditActions(runTicket.id)).toEqual([
      'ticket.resolve_failed',
      'ticket.resolve_note_adopted',
      'ticket.resolved',
    ]);
  });

  it('the close times out but was applied: the read-back settles it as resolved', async () => {
    const { sim } = simCtx;
    const { run, ticket } = await createdTicket();
    sim.faults.dropResponseNext({ method: 'PATCH', entity: 'Tickets' });

    const res = await postResolve(operator, run.id);
    expect(res.flash).toContain('is resolved');
    expect(statusPatches(sim)).toHaveLength(1);
    expect(sim.state.notesOf(ticket.id)).toHaveLength(1);
    expect(await rowOf(run.id)).toMatchObject({ statusId: 5, resolvedById: operator.user.id });
  });
});

describe('resolve: one note and one close, whatever the clicks', () => {
  it('10 concurrent resolve requests write exactly one note and one status change', async () => {
    const { sim } = simCtx;
    const { run, ticket, runTicket } = await createdTicket();
    const people = [operator];
    for (let i = 0; i < 4; i++) people.push(await signInAs(built.app, ctx.db, i % 2 ? 'admin' : 'operator'));
    // Slow Autotask down a little so the requests overlap while the first one works.
    sim.faults.setLatency(40, { entity: 'Tickets' });

    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        people[i % people.length]!.agent.post(`/runs/${run.id}/ticket/resolve`)
          .type('form')
          .send({ _csrf: people[i % people.length]!.csrf }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(302));
    expect(notePosts(sim)).toHaveLength(1);
    expect(statusPatches(sim)).toHaveLength(1);
    expect(sim.state.notesOf(ticket.id)).toHaveLength(1);
    expect(sim.state.ticket(ticket.id)!.status).toBe(5);
    const actions = await auditActions(runTicket.id);
    expect(actions.filter((a) => a === 'ticket.resolved')).toHaveLength(1);
    expect(actions.filter((a) => a === 'ticket.resolve_note_written')).toHaveLength(1);
    // Everyone else was told it was in progress or already done.
    expect(actions.length).toBe(11);
    expect((await rowOf(run.id)).resolveStartedAt).toBeNull();
  });

  it('a resolve left claimed by a crashed process blocks others until its lease expires', async () => {
    const { run } = await createdTicket();
    await ctx.db.prisma.ticket.update({ where: { originRunId: run.id }, data: { resolveStartedAt: new Date() } });
    const blocked = await postResolve(operator, run.id);
    expect(blocked.flash).toBe('info: Resolve is already in progress for this ticket.');
    expect(writes(simCtx.sim)).toEqual([]);

    await ctx.db.prisma.ticket.update({
      where: { originRunId: run.id },
      data: { resolveStartedAt: new Date(Date.now() - 6 * 60_000) },
    });
    expect((await postResolve(operator, run.id)).flash).toContain('is resolved');
  });

  it('a note an earlier, crashed attempt wrote is adopted, not written again', async () => {
    const { sim } = simCtx;
    const { run, ticket } = await createdTicket();
    const orphan = sim.state.addNote(ticket.id, {
      title: 'Resolved via Backupchecks',
      description: CLOSING_NOTE_TEXT,
      publish: 2,
      noteType: 1,
    });
    await ctx.db.prisma.ticket.update({ where: { originRunId: run.id }, data: { closingNoteSentAt: new Date() } });

    expect((await postResolve(operator, run.id)).flash).toContain('is resolved');
    expect(notePosts(sim)).toEqual([]);
    expect(sim.state.notesOf(ticket.id)).toHaveLength(1);
    expect((await rowOf(run.id)).closingNoteId).toBe(orphan.id);
  });
});
