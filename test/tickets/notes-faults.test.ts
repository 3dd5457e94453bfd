import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.ts';
import { useAppWithSimulator } from '../support/app-with-simulator.ts';
import {
  noteReads,
  noteWrites,
  notesSection,
  openNoteForm,
  runWithTicket,
  submissionKeyOf,
  submitNote,
  textareaOf,
} from './note-helpers.ts';
import { decode, flashes } from './resolve-helpers.ts';

/**
 * "Add note" when Autotask has a bad day (the simulator's fault injection,
 * packages/autotask-simulator/src/faults.ts): a lost answer is settled by reading the ticket's notes
 * for the note's reference, never by writing again; a refusal keeps the form for another submit; the
 * thread threshold is looked up before a resend. Waits before a resend go through a recorded sleep.
 */

const sleeps: number[] = [];

const suite = useAppWithSimulator({
  // Long, so a pending note stays "in progress" until a test ages it (settle time 2 × this).
  env: { AUTOTASK_TIMEOUT_MS: '30000' },
  signIn: ['operator'],
  build: (database, env) =>
    buildTestApp(database, env, {
      autotaskWriteRetry: {
        sleep: (ms) => {
          sleeps.push(ms);
          return Promise.resolve();
        },
        random: () => 0.5,
      },
    }),
});
const { ctx, simCtx } = suite;
const { operator } = suite.as;
beforeEach(() => {
  sleeps.length = 0;
});

const onlyRow = async () => {
  const rows = await ctx.db.prisma.ticketNote.findMany();
  expect(rows).toHaveLength(1);
  return rows[0]!;
};
/** Makes the pending attempt old enough to be settled, as the passing of time would. */
const age = (noteId: number) =>
  ctx.db.prisma.ticketNote.update({
    where: { id: noteId },
    data: { attemptStartedAt: new Date(Date.now() - 5 * 60_000) },
  });
const noteActions = async () =>
  (
    await ctx.db.prisma.auditEvent.findMany({
      where: { action: { startsWith: 'ticket.note' } },
      orderBy: { id: 'asc' },
    })
  ).map((e) => e.action);

describe('the answer is lost after Autotask wrote the note', () => {
  it('finds the note on the ticket at once; a resubmit of the form writes no second note', async () => {
    const { sim } = simCtx;
    const { run, ticket } = await runWithTicket(ctx.db, sim);
    const form = await openNoteForm(operator, run.id);
    sim.faults.dropResponseNext({ method: 'POST', entity: 'TicketNotes' });

    const first = await submitNote(operator, run.id, { text: 'Lost on the way back.', key: form.key });
    expect(first.status).toBe(302);
    expect(noteWrites(sim).map((e) => e.outcome)).toEqual(['dropped']);
    expect(noteReads(sim)).toHaveLength(1);
    const notes = sim.state.notesOf(ticket.id);
    expect(notes).toHaveLength(1);
    expect(await onlyRow()).toMatchObject({ state: 'created', autotaskNoteId: notes[0]!.id });
    expect(flashes((await operator.agent.get(first.headers.location!)).text)).toContain(
      `success: Note added to ticket ${ticket.ticketNumber}.`,
    );

    const again = await submitNote(operator, run.id, { text: 'Lost on the way back.', key: form.key });
    expect(again.status).toBe(302);
    expect(flashes((await operator.agent.get(again.headers.location!)).text)).toContain(
      `info: This note is already on ticket ${ticket.ticketNumber}. It was not added a second time.`,
    );
    expect(noteWrites(sim)).toHaveLength(1);
    expect(sim.state.notesOf(ticket.id)).toHaveLength(1);
    expect(await noteActions()).toEqual(['ticket.note_added']);
  });

  it('when the notes cannot be read either, it stays pending; the resubmit after the settle time finds it', async () => {
    const { sim } = simCtx;
    const { run, ticket } = await runWithTicket(ctx.db, sim);
    const form = await openNoteForm(operator, run.id);
    sim.faults.dropResponseNext({ method: 'POST', entity: 'TicketNotes' });
    sim.faults.failNext({ method: 'POST', entity: 'TicketNotes', errors: ['Query failed (simulated).'] });

    const first = await submitNote(operator, run.id, { text: 'Written, but who knows.', key: form.key });
    expect(first.status).toBe(502);
    expect(decode(first.text)).toContain('Autotask did not confirm the note, so it may or may not be on the ticket.');
    expect(decode(first.text)).toContain('Submit the form again to check');
    // The form comes back as it was: same key, same text, so a resubmit is the same note.
    expect(submissionKeyOf(first.text)).toBe(form.key);
    expect(textareaOf(first.text)).toBe('Written, but who knows.');
    const pending = await onlyRow();
    expect(pending.state).toBe('pending');
    expect(sim.state.notesOf(ticket.id)).toHaveLength(1);

    // The run page says so, in the notes list.
    const runPage = await operator.agent.get(`/runs/${run.id}`);
    expect(decode(notesSection(runPage.text))).toContain('Not confirmed by Autotask');

    // Right away: another request may still be writing it, so nothing is read or sent.
    const early = await submitNote(operator, run.id, { text: 'Written, but who knows.', key: form.key });
    expect(flashes((await operator.agent.get(early.headers.location!)).text).join('\n')).toContain(
      'is being added to ticket',
    );
    expect(noteWrites(sim)).toHaveLength(1);

    await age(pending.id);
    const later = await submitNote(operator, run.id, { text: 'Written, but who knows.', key: form.key });
    expect(later.status).toBe(302);
    expect(flashes((await operator.agent.get(later.headers.location!)).text)).toContain(
      `info: This note is already on ticket ${ticket.ticketNumber}. It was not added a second time.`,
    );
    const notes = sim.state.notesOf(ticket.id);
    expect(notes).toHaveLength(1);
    expect(await onlyRow()).toMatchObject({ state: 'created', autotaskNoteId: notes[0]!.id, lastError: null });
    expect(noteWrites(sim)).toHaveLength(1);
    expect(await noteActions()).toEqual(['ticket.note_unknown', 'ticket.note_added']);
  });

  it('a pending note that the ticket does not hold after the settle time is sent again, once', async () => {
    const { sim } = simCtx;
    const { run, ticket } = await runWithTicket(ctx.db, sim);
    const form = await openNoteForm(operator, run.id);
    // No answer and nothing applied: a 502 from a proxy in front of Autotask.
    sim.faults.failNext({ method: 'POST', entity: 'TicketNotes', status: 502, body: 'text' });
    sim.faults.failNext({ method: 'POST', entity: 'TicketNotes', errors: ['Query failed (simulated).'] });

    const first = await submitNote(operator, run.id, { text: 'Second time lucky.', key: form.key });
    expect(first.status).toBe(502);
    expect(sim.state.notesOf(ticket.id)).toHaveLength(0);
    await age((await onlyRow()).id);

    const again = await submitNote(operator, run.id, { text: 'Second time lucky.', key: form.key });
    expect(again.status).toBe(302);
    expect(flashes((await operator.agent.get(again.headers.location!)).text)).toContain(
      `success: Note added to ticket ${ticket.ticketNumber}.`,
    );
    expect(sim.state.notesOf(ticket.id).map((n) => n.description)).toEqual(['Second time lucky.']);
    expect(noteWrites(sim)).toHaveLength(2);
    expect((await onlyRow()).state).toBe('created');
  });
});

describe('Autotask refuses the note', () => {
  it("shows Autotask's words under ours, keeps the form, lists the failed note, and a resubmit writes it once", async () => {
    const { sim } = simCtx;
    const { run, ticket } = await runWithTicket(ctx.db, sim);
    const form = await openNoteForm(operator, run.id);
    const message = 'Value does not reference an existing entity for noteType.';
    sim.faults.failNext({ method: 'POST', entity: 'TicketNotes', status: 500, errors: [message] });

    const refused = await submitNote(operator, run.id, { text: 'Try me twice.', key: form.key, visibility: 'all' });
    expect(refused.status).toBe(502);
    expect(decode(refused.text)).toContain('Autotask did not add the note. Autotask rejected the request.');
    expect(decode(refused.text)).toContain(`Autotask said: <q>${message}</q>`);
    expect(decode(refused.text)).not.toContain('Submit the form again to check');
    expect(textareaOf(refused.text)).toBe('Try me twice.');
    expect(refused.text).toMatch(/value="all" checked>/);
    expect(await onlyRow()).toMatchObject({ state: 'failed' });
    const runPage = decode(notesSection((await operator.agent.get(`/runs/${run.id}`)).text));
    expect(runPage).toContain('Not added');
    expect(runPage).toContain(`Autotask said: <q>${message}</q>`);

    const retried = await submitNote(operator, run.id, { text: 'Try me twice.', key: form.key, visibility: 'all' });
    expect(retried.status).toBe(302);
    expect(sim.state.notesOf(ticket.id).map((n) => [n.description, n.publish])).toEqual([['Try me twice.', 1]]);
    expect(await onlyRow()).toMatchObject({ state: 'created', lastError: null });
    expect(await noteActions()).toEqual(['ticket.note_failed', 'ticket.note_added']);
  });
});

describe('the thread threshold refuses the note', () => {
  it('reads the notes, finds none, sends it again after a wait: one note', async () => {
    const { sim } = simCtx;
    const { run, ticket } = await runWithTicket(ctx.db, sim);
    const form = await openNoteForm(operator, run.id);
    sim.faults.threadThresholdNext({ method: 'POST', entity: 'TicketNotes' });

    const res = await submitNote(operator, run.id, { text: 'Busy Autotask.', key: form.key });
    expect(res.status).toBe(302);
    expect(noteWrites(sim).map((e) => e.status)).toEqual([429, 200]);
    expect(noteReads(sim)).toHaveLength(1);
    expect(sleeps).toEqual([1000]);
    expect(sim.state.notesOf(ticket.id)).toHaveLength(1);
    expect((await onlyRow()).state).toBe('created');
  });

  it('written despite the threshold answer: found on the ticket and never sent again', async () => {
    const { sim } = simCtx;
    const { run, ticket } = await runWithTicket(ctx.db, sim);
    const form = await openNoteForm(operator, run.id);
    sim.faults.threadThresholdNext({ method: 'POST', entity: 'TicketNotes', afterApply: true });

    const res = await submitNote(operator, run.id, { text: 'Written anyway.', key: form.key });
    expect(res.status).toBe(302);
    expect(noteWrites(sim)).toHaveLength(1);
    expect(sleeps).toEqual([]);
    const notes = sim.state.notesOf(ticket.id);
    expect(notes).toHaveLength(1);
    expect(await onlyRow()).toMatchObject({ state: 'created', autotaskNoteId: notes[0]!.id });
  });
});
