import { afterEach, describe, expect, it } from 'vitest';
import { useAppWithSimulator } from '../support/app-with-simulator.ts';
import { decode, ticketCell } from './helpers.ts';
import { flashAfter, notePosts, postAddTo, recurringProblem } from './correlate-helpers.ts';

/**
 * The note "Add to ticket" writes, when Autotask does not take it at once: the run stays linked, its
 * ticket cell says the note is missing, and "Try again" sends only the note, under the same key, so
 * Autotask never gets a second one (src/services/tickets/correlate/add-to-ticket.ts).
 */

const suite = useAppWithSimulator({
  // Long, so a note being written is "being written" however slow the machine (settle time 2 × this).
  env: { AUTOTASK_TIMEOUT_MS: '30000' },
  signIn: ['operator', 'reporter'],
});
const { ctx, simCtx } = suite;
const { operator, reporter } = suite.as;

afterEach(() => simCtx.sim.faults.clear());

describe('the "run added" note', () => {
  it('refused: the run stays linked, the cell says so with "Try again", which writes the note once', async () => {
    const { sim } = simCtx;
    const { second, ticket, record } = await recurringProblem(ctx.db, sim);
    sim.faults.failNext({ method: 'POST', entity: 'TicketNotes', status: 500, errors: ['Note type is inactive.'] });

    const res = await postAddTo(operator, second.id, record.id);
    const said = await flashAfter(operator, res);
    expect(said).toContain(
      `warning: Added run #${second.id} of Acme Dental / Practice servers to Autotask ticket ${ticket.ticketNumber}, but the note about it was not written.`,
    );
    expect(said).toContain('Note type is inactive.');
    expect(said).toContain('Use "Try again" on the run to send only the note.');
    expect((await ctx.db.prisma.run.findUniqueOrThrow({ where: { id: second.id } })).ticketRecordId).toBe(record.id);
    expect(sim.state.notesOf(ticket.id)).toHaveLength(0);

    const cell = decode(ticketCell((await operator.agent.get(`/runs/${second.id}`)).text, second.id));
    expect(cell).toContain('The note about this run was not written to the ticket.');
    expect(cell).toContain('Autotask said: <q>Note type is inactive.</q>');
    expect(cell).toContain('name="resend" value="note"');
    expect(cell).toMatch(/>Try again<span class="visually-hidden">: write the note about run #\d+ to the ticket/);
    // Reporters read why, without the button.
    const seen = decode(ticketCell((await reporter.agent.get(`/runs/${second.id}`)).text, second.id));
    expect(seen).toContain('The note about this run was not written to the ticket.');
    expect(seen).not.toContain('Try again');

    const retry = await postAddTo(operator, second.id, record.id, { resend: 'note' });
    expect(await flashAfter(operator, retry)).toBe(
      `success: Wrote the note about run #${second.id} of Acme Dental / Practice servers to Autotask ticket ${ticket.ticketNumber}.`,
    );
    expect(sim.state.notesOf(ticket.id)).toHaveLength(1);
    expect(await ctx.db.prisma.ticketNote.count()).toBe(1);
    const after = ticketCell((await operator.agent.get(`/runs/${second.id}`)).text, second.id);
    expect(after).not.toContain('The note about this run');

    // Once written, "Try again" (a stale tab) writes nothing.
    const stale = await postAddTo(operator, second.id, record.id, { resend: 'note' });
    expect(await flashAfter(operator, stale)).toContain('No second note was written.');
    expect(sim.state.notesOf(ticket.id)).toHaveLength(1);
    expect(await ctx.db.prisma.auditEvent.count({ where: { action: 'ticket.run_added' } })).toBe(1);
  });

  it('answer lost: found on the ticket by its reference, and a retry never writes a second note', async () => {
    const { sim } = simCtx;
    const { second, ticket, record } = await recurringProblem(ctx.db, sim);
    sim.faults.dropResponseNext({ method: 'POST', entity: 'TicketNotes' });

    const res = await postAddTo(operator, second.id, record.id);
    expect(await flashAfter(operator, res)).toContain(`success: Added run #${second.id}`);
    expect(sim.state.notesOf(ticket.id)).toHaveLength(1);

    const retry = await postAddTo(operator, second.id, record.id, { resend: 'note' });
    expect(await flashAfter(operator, retry)).toContain('No second note was written.');
    expect(sim.state.notesOf(ticket.id)).toHaveLength(1);
    expect(notePosts(sim)).toHaveLength(1);
  });

  it('left pending by an attempt that died: "being written", then "Try again" finds it instead of writing it again', async () => {
    const { sim } = simCtx;
    const { second, ticket, record } = await recurringProblem(ctx.db, sim);
    await postAddTo(operator, second.id, record.id);
    // As a process that died after the POST and before storing the answer leaves it.
    const row = await ctx.db.prisma.ticketNote.findFirstOrThrow({ where: { runId: second.id } });
    await ctx.db.prisma.ticketNote.update({
      where: { id: row.id },
      data: { state: 'pending', autotaskNoteId: null, attemptStartedAt: new Date() },
    });
    const recent = decode(ticketCell((await operator.agent.get(`/runs/${second.id}`)).text, second.id));
    expect(recent).toContain('The note about this run is being written to the ticket.');
    expect(recent).not.toContain('name="resend"');

    await ctx.db.prisma.ticketNote.update({
      where: { id: row.id },
      data: { attemptStartedAt: new Date(Date.now() - 3600_000) },
    });
    const stale = decode(ticketCell((await operator.agent.get(`/runs/${second.id}`)).text, second.id));
    expect(stale).toContain('name="resend" value="note"');
    sim.state.clearRequestLog();
    const retry = await postAddTo(operator, second.id, record.id, { resend: 'note' });
    expect(await flashAfter(operator, retry)).toContain('No second note was written.');
    expect(notePosts(sim)).toHaveLength(0);
    expect(sim.state.notesOf(ticket.id)).toHaveLength(1);
    expect((await ctx.db.prisma.ticketNote.findUniqueOrThrow({ where: { id: row.id } })).state).toBe('created');
  });

  it('the note names the run, lists at most the first failed objects, and keeps the link to the run', async () => {
    const { sim } = simCtx;
    const { second, ticket, record } = await recurringProblem(ctx.db, sim);
    const many = Array.from({ length: 200 }, (_, i) => ({
      runId: second.id,
      position: 10 + i,
      name: `VM-${String(i).padStart(3, '0')}`,
      status: 'error' as const,
      message: 'x'.repeat(300),
    }));
    await ctx.db.prisma.runObject.createMany({ data: many });

    await postAddTo(operator, second.id, record.id);
    const [note] = sim.state.notesOf(ticket.id);
    const text = note!.description;
    expect(text.length).toBeLessThanOrEqual(4000);
    expect(text).toMatch(/…and \d+ more objects — see Backupchecks/);
    expect(text.trimEnd().endsWith(`Run in Backupchecks: http://backupchecks.test/runs/${second.id}`)).toBe(true);
    expect(text).toContain('Failed objects (202):');
  });
});
