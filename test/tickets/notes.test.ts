import { describe, expect, it } from 'vitest';
import { actorOf } from '../../src/services/accounts/audit.ts';
import { SETTINGS_ID } from '../../src/services/integration/settings.ts';
import { NOTE_TEXT_MAX, PUBLISH } from '../../src/services/tickets/notes/note-rules.ts';
import { writeTicketNote } from '../../src/services/tickets/notes/write-note.ts';
import { useAppWithSimulator } from '../support/app-with-simulator.ts';
import { ticketCell } from './helpers.ts';
import {
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
 * "Add note" on a run's Autotask ticket, against the simulator over HTTP: one form is one note,
 * whatever happens to its submits; who may write one; what is refused before anything is sent.
 * Lost answers, refusals and the thread threshold are in notes-faults.test.ts.
 */

const suite = useAppWithSimulator({
  // Long, so a note being written is "in progress" however slow the machine (settle time 2 × this).
  env: { AUTOTASK_TIMEOUT_MS: '30000' },
  signIn: ['admin', 'operator', 'reporter'],
});
const { ctx, simCtx } = suite;
const { admin, operator, reporter } = suite.as;
const rows = () => ctx.db.prisma.ticketNote.findMany({ orderBy: { id: 'asc' } });

describe('Add note', () => {
  it('adds an internal note: one note in Autotask, flashed, listed on the run with who and when, audited', async () => {
    const { sim } = simCtx;
    const { run, ticket } = await runWithTicket(ctx.db, sim);
    const runPage = await operator.agent.get(`/runs/${run.id}`);
    const cell = ticketCell(runPage.text, run.id);
    expect(cell).toContain(`href="/runs/${run.id}/ticket/notes/new?returnTo=${encodeURIComponent(`/runs/${run.id}`)}"`);
    expect(cell).toContain('>Add note<');
    expect(runPage.text).not.toContain('Adding notes comes in a later phase.');

    const form = await openNoteForm(operator, run.id, `/runs/${run.id}`);
    expect(form.html).toContain('<label for="note-text">Note</label>');
    expect(form.html).toContain('<legend>Visible to</legend>');
    expect(form.html).toMatch(/value="internal" checked>\s*Internal \(Autotask staff only\)/);
    expect(form.html).toMatch(/value="all">\s*All Autotask users/);
    expect(form.html).toContain('<button type="submit">Add note</button>');

    const text = 'Checked the repository.\r\nThe job ran again at 02:00 <b>fine</b>.';
    const res = await submitNote(operator, run.id, { text, key: form.key });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`/runs/${run.id}`);

    const notes = sim.state.notesOf(ticket.id);
    expect(notes).toHaveLength(1);
    const [row] = await rows();
    expect(notes[0]).toMatchObject({
      description: 'Checked the repository.\nThe job ran again at 02:00 <b>fine</b>.',
      publish: PUBLISH.internal,
      noteType: 1,
      title: `Note from Backupchecks [${row!.reference}]`,
    });
    expect(row).toMatchObject({ state: 'created', autotaskNoteId: notes[0]!.id, visibility: 'internal' });
    expect(row!.reference).toBe(`BC-NOTE-${row!.ticketRecordId}-${form.key}`);

    const back = await operator.agent.get(res.headers.location!);
    expect(flashes(back.text)).toContain(`success: Note added to ticket ${ticket.ticketNumber}.`);
    const listed = notesSection(back.text);
    expect(listed).toContain('Internal (Autotask staff only)');
    expect(listed).toContain('Operator User');
    // Escaped: run pages show what people typed, never markup.
    expect(listed).toContain('02:00 &lt;b&gt;fine&lt;/b&gt;.');
    expect(listed).not.toContain('<b>fine</b>');

    const event = await ctx.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'ticket.note_added' } });
    expect(event.actorId).toBe(operator.user.id);
    expect(event.details).toMatchObject({
      ticketNumber: ticket.ticketNumber,
      visibility: 'internal',
      noteId: notes[0]!.id,
    });
  });

  it('adds a note for all Autotask users (publish 1); newest listed last', async () => {
    const { sim } = simCtx;
    const { run, ticket } = await runWithTicket(ctx.db, sim);
    const first = await openNoteForm(admin, run.id);
    await submitNote(admin, run.id, { text: 'First, internal.', key: first.key });
    const second = await openNoteForm(admin, run.id);
    const res = await submitNote(admin, run.id, { text: 'Second, for everyone.', key: second.key, visibility: 'all' });
    expect(res.status).toBe(302);

    expect(sim.state.notesOf(ticket.id).map((n) => [n.description, n.publish])).toEqual([
      ['First, internal.', 2],
      ['Second, for everyone.', 1],
    ]);
    expect((await rows()).map((r) => r.visibility)).toEqual(['internal', 'all']);
    const page = await admin.agent.get(`/runs/${run.id}`);
    const listed = notesSection(page.text);
    expect(listed.indexOf('First, internal.')).toBeLessThan(listed.indexOf('Second, for everyone.'));
    expect(listed).toContain('All Autotask users');
    const audited = await ctx.db.prisma.auditEvent.findMany({
      where: { action: 'ticket.note_added' },
      orderBy: { id: 'asc' },
    });
    expect(audited.map((e) => (e.details as { visibility: string }).visibility)).toEqual(['internal', 'all']);
  });

  it('10 concurrent submits of one rendered form write one row and one note', async () => {
    const { sim } = simCtx;
    const { run, ticket } = await runWithTicket(ctx.db, sim);
    const form = await openNoteForm(operator, run.id);

    const answers = await Promise.all(
      Array.from({ length: 10 }, () => submitNote(operator, run.id, { text: 'Only once, please.', key: form.key })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(302));
    expect(await rows()).toHaveLength(1);
    expect((await rows())[0]!.state).toBe('created');
    expect(noteWrites(sim)).toHaveLength(1);
    expect(sim.state.notesOf(ticket.id)).toHaveLength(1);
    expect(await ctx.db.prisma.auditEvent.count({ where: { action: 'ticket.note_added' } })).toBe(1);
  });

  it('renders a new key with every form: a second form is a second note', async () => {
    const { sim } = simCtx;
    const { run, ticket } = await runWithTicket(ctx.db, sim);
    const one = await openNoteForm(operator, run.id);
    const two = await openNoteForm(operator, run.id);
    expect(one.key).toMatch(/^[0-9a-f]{16}$/);
    expect(two.key).not.toBe(one.key);
    await submitNote(operator, run.id, { text: 'Same words.', key: one.key });
    await submitNote(operator, run.id, { text: 'Same words.', key: two.key });
    expect(sim.state.notesOf(ticket.id)).toHaveLength(2);
  });

  it('keeps reporters out: no link, and the server refuses the page and the POST (403)', async () => {
    const { sim } = simCtx;
    const { run, ticket } = await runWithTicket(ctx.db, sim);
    const page = await reporter.agent.get(`/runs/${run.id}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('/ticket/notes');
    expect(page.text).not.toContain('Add note');

    expect((await reporter.agent.get(`/runs/${run.id}/ticket/notes/new`)).status).toBe(403);
    const key = submissionKeyOf((await openNoteForm(operator, run.id)).html);
    const refused = await submitNote(reporter, run.id, { text: 'Not mine to write.', key });
    expect(refused.status).toBe(403);
    expect(await rows()).toHaveLength(0);
    expect(noteWrites(sim)).toHaveLength(0);
    expect(sim.state.notesOf(ticket.id)).toHaveLength(0);
  });

  it('without a note type in Settings: refused before anything is sent, text kept, Settings linked for admins', async () => {
    const { sim } = simCtx;
    const { run } = await runWithTicket(ctx.db, sim);
    const form = await openNoteForm(admin, run.id);
    await ctx.db.prisma.integrationSettings.update({ where: { id: SETTINGS_ID }, data: { noteTypeId: null } });

    const res = await submitNote(admin, run.id, { text: 'Keep these words.', key: form.key });
    expect(res.status).toBe(409);
    const shown = decode(res.text);
    expect(shown).toContain('No note was added: no note type is set for the notes Backupchecks writes to Autotask.');
    expect(res.text).toContain('<a href="/settings/autotask">Fix this</a>');
    expect(textareaOf(res.text)).toBe('Keep these words.');
    expect(submissionKeyOf(res.text)).toBe(form.key);
    expect(await rows()).toHaveLength(0);
    expect(noteWrites(sim)).toHaveLength(0);

    // The form itself says so up front; operators get the reason without the admin-only link.
    const asOperator = await operator.agent.get(`/runs/${run.id}/ticket/notes/new`);
    expect(decode(asOperator.text)).toContain('An admin can choose one under Settings → Autotask');
    expect(asOperator.text).not.toContain('<textarea');
    expect(asOperator.text).not.toContain('href="/settings/autotask"');
    const asAdmin = await admin.agent.get(`/runs/${run.id}/ticket/notes/new`);
    expect(asAdmin.text).toContain('href="/settings/autotask"');
  });

  it('refuses an empty or oversized note with 422, the field message and the text kept', async () => {
    const { sim } = simCtx;
    const { run, ticket } = await runWithTicket(ctx.db, sim);
    const form = await openNoteForm(operator, run.id);

    const empty = await submitNote(operator, run.id, { text: '  \r\n ', key: form.key });
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('<small class="field-error" id="text-error">Write the note.</small>');
    expect(empty.text).toContain('aria-describedby="text-error"');
    expect(submissionKeyOf(empty.text)).toBe(form.key);

    const long = `<i>${'x'.repeat(NOTE_TEXT_MAX)}`;
    const tooLong = await submitNote(operator, run.id, { text: long, key: form.key, visibility: 'all' });
    expect(tooLong.status).toBe(422);
    expect(decode(tooLong.text)).toContain('A note can be at most 32,000 characters long; this one has 32,003.');
    expect(textareaOf(tooLong.text)).toBe(long);
    expect(tooLong.text).toMatch(/value="all" checked>/);
    expect(await rows()).toHaveLength(0);
    expect(noteWrites(sim)).toHaveLength(0);

    const fixed = await submitNote(operator, run.id, { text: 'Now with words.', key: form.key });
    expect(fixed.status).toBe(302);
    expect(sim.state.notesOf(ticket.id).map((n) => n.description)).toEqual(['Now with words.']);
  });

  it('refuses a form without its key (422) and writes nothing', async () => {
    const { sim } = simCtx;
    const { run } = await runWithTicket(ctx.db, sim);
    const res = await submitNote(operator, run.id, { text: 'No key.', key: 'not-a-key' });
    expect(res.status).toBe(422);
    expect(decode(res.text)).toContain('This form is incomplete. Open "Add note" again');
    expect(textareaOf(res.text)).toBe('No key.');
    expect(submissionKeyOf(res.text)).toMatch(/^[0-9a-f]{16}$/);
    expect(noteWrites(sim)).toHaveLength(0);
  });

  it('sends a run without a created ticket back to the run with the reason', async () => {
    const { run } = await runWithTicket(ctx.db, simCtx.sim);
    await ctx.db.prisma.ticket.updateMany({ where: { originRunId: run.id }, data: { state: 'failed' } });
    const res = await operator.agent.get(`/runs/${run.id}/ticket/notes/new`);
    expect(res.status).toBe(302);
    const back = await operator.agent.get(res.headers.location!);
    expect(flashes(back.text).join('\n')).toContain('has not been created (yet), so no note can be added.');
  });
});

describe('writeTicketNote', () => {
  const depsOf = async () => ({
    db: ctx.db.prisma,
    profile: await suite.built.context.psa.active(ctx.db.prisma),
    timeoutMs: 30_000,
  });

  it('called ten times at once with one key: one "written", the others "already" or "in_progress"', async () => {
    const { sim } = simCtx;
    const { ticket, runTicket } = await runWithTicket(ctx.db, sim);
    const note = {
      ticket: runTicket,
      text: 'At once.',
      visibility: 'internal',
      submissionKey: '00ff00ff00ff00ff',
    } as const;
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, async () => writeTicketNote(await depsOf(), actorOf(operator.user), note)),
    );
    const kinds = outcomes.map((o) => o.kind);
    expect(kinds.filter((k) => k === 'written')).toHaveLength(1);
    expect(kinds.filter((k) => k !== 'written' && k !== 'already' && k !== 'in_progress')).toEqual([]);
    expect(new Set(outcomes.map((o) => o.note.id)).size).toBe(1);
    expect(sim.state.notesOf(ticket.id)).toHaveLength(1);
    expect(noteWrites(sim)).toHaveLength(1);
  });

  it('called twice with one submission key writes once and answers "already" the second time', async () => {
    const { sim } = simCtx;
    const { ticket, runTicket } = await runWithTicket(ctx.db, sim);
    const deps = await depsOf();
    const actor = actorOf(operator.user);
    const note = {
      ticket: runTicket,
      text: 'Written by a flow.',
      visibility: 'all',
      submissionKey: 'a1b2c3d4e5f60718',
    } as const;

    const first = await writeTicketNote(deps, actor, note);
    const second = await writeTicketNote(deps, actor, { ...note, text: 'Different words, same form.' });
    expect(first.kind).toBe('written');
    expect(second.kind).toBe('already');
    expect(second.note.id).toBe(first.note.id);
    expect(second.note.text).toBe('Written by a flow.');
    expect(first.note.reference).toBe(`BC-NOTE-${runTicket.id}-a1b2c3d4e5f60718`);
    expect(sim.state.notesOf(ticket.id)).toHaveLength(1);
    expect(noteWrites(sim)).toHaveLength(1);

    // Without a key each call is a note of its own, with a title of the caller's choosing.
    const run = await writeTicketNote(deps, actor, {
      ticket: runTicket,
      text: 'Run added.',
      visibility: 'internal',
      title: 'Run added',
      runId: runTicket.originRunId,
    });
    expect(run.kind).toBe('written');
    expect(run.note.runId).toBe(runTicket.originRunId);
    expect(sim.state.notesOf(ticket.id).map((n) => n.title)).toEqual([
      `Note from Backupchecks [${first.note.reference}]`,
      `Run added [${run.note.reference}]`,
    ]);
  });
});
