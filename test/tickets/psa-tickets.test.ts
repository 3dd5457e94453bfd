import { describe, expect, it } from 'vitest';
import { settleDeferredWork } from '../../src/shared/deferred-work.ts';
import { makeCreatedTicket } from '../support/fixtures.ts';
import { useAppWithPsa } from '../support/psa-harness.ts';
import { addRunOfJob, createThroughApp, rowOf } from '../psa-suites/support.ts';
import { flashAfter, postAddTo, postLink } from './correlate-helpers.ts';
import { decode, ticketCell } from './helpers.ts';
import { postResolve } from './resolve-helpers.ts';
import { notesSection, openNoteForm, submitNote } from './note-helpers.ts';

/**
 * The run pages' ticket actions with ConnectWise active: "Create ConnectWise ticket", "Link
 * ticket" by a ConnectWise ticket id, "Add note" and "Add to ticket" through the PSA port (notes
 * on the Internal thread only). And a ticket of Autotask, the PSA that was active before: shown
 * with its stored number, status and link and Autotask's name, while resolve, notes and "Add to
 * ticket" refuse it with a plain sentence and nothing is sent to either PSA.
 */

const suite = useAppWithPsa('connectwise', { env: { AUTOTASK_TIMEOUT_MS: '10000' }, signIn: ['operator'] });
const OTHER_PSA = 'This ticket is in Autotask, which is no longer the active PSA: open it there.';

/** A run of a customer mapped to Contoso in ConnectWise, without a ticket; its label as messages name it. */
async function contosoRun() {
  const made = await suite.customerWithRun(suite.driver.companies.contoso);
  return { ...made, label: `run #${made.run.id} of ${made.customer.name} / ${made.job.name}` };
}

describe('With ConnectWise active', () => {
  it('a run without a ticket offers "Create ConnectWise ticket" and "Link ticket" by a ConnectWise number', async () => {
    const { run } = await contosoRun();
    const page = await suite.as.operator.agent.get(`/runs/${run.id}`);
    const cell = decode(ticketCell(page.text, run.id));
    expect(cell).toContain('Create ConnectWise ticket<span class="visually-hidden"> for run #');
    expect(cell).not.toContain('Autotask');
    expect(cell).toContain('>ConnectWise ticket number</label>');
    expect(cell).toContain('placeholder="12345"');
    await settleDeferredWork();
  });

  it('"Add note" writes an internal note with its reference to the Internal thread, once', async () => {
    const cw = suite.cwSim;
    const { operator } = suite.as;
    const { run } = await contosoRun();
    const { ticket } = await createThroughApp(suite, operator, run.id);
    suite.driver.clearRequestLog();

    const form = await openNoteForm(operator, run.id);
    expect(decode(form.html)).toContain('Internal (ConnectWise members only)');
    expect(form.html).not.toContain('value="all"');
    const res = await submitNote(operator, run.id, { text: 'Checked the repository.', key: form.key });
    expect(await flashAfter(operator, res)).toBe(`success: Note added to ticket ${ticket.number}.`);
    // Sent again (a double submit): still one note.
    await submitNote(operator, run.id, { text: 'Checked the repository.', key: form.key });

    const notes = cw.state.notes.filter((n) => n.ticketId === ticket.id && n.text.includes('Checked the repository.'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ internalAnalysisFlag: true, detailDescriptionFlag: false, resolutionFlag: false });
    expect(notes[0]!.text).toMatch(/^Note from Backupchecks \[BC-NOTE-\d+-[0-9a-f]{16}\]\n\nChecked the repository\.$/);
    expect(suite.driver.writes().map((c) => c.kind)).toEqual(['note-create']);

    const page = await operator.agent.get(`/runs/${run.id}`);
    expect(decode(notesSection(page.text))).toContain('Internal (ConnectWise members only)');
    await settleDeferredWork();
  });

  it('the resolve confirmation names ConnectWise and its closing status', async () => {
    const { operator } = suite.as;
    const { run } = await contosoRun();
    const { ticket } = await createThroughApp(suite, operator, run.id);
    const page = await operator.agent.get(`/runs/${run.id}/ticket/resolve`);
    expect(page.status).toBe(200);
    const text = decode(page.text);
    expect(text).toContain('ConnectWise ticket');
    expect(text).toContain(`>${ticket.number}</a>`);
    expect(text).toContain('Backupchecks reads the ticket in ConnectWise.');
    expect(text).toContain("sets the ticket's status to the closing status set in the ConnectWise settings.");
    expect(text).not.toContain('Autotask');
    await settleDeferredWork();
  });

  it('the closing note whose answer was lost is found on the Internal thread and adopted: one note, then closed', async () => {
    const { operator } = suite.as;
    const d = suite.driver;
    const { run } = await contosoRun();
    const { ticket } = await createThroughApp(suite, operator, run.id);
    d.clearRequestLog();
    const drop = await fetch(`${suite.cwSim.controlUrl}faults/drop`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ method: 'POST', resource: 'service/tickets/notes' }),
    });
    expect(drop.ok).toBe(true);

    const res = await postResolve(operator, run.id);
    expect(res.flash).toBe(
      `success: Ticket ${ticket.number} is resolved: the internal note was written and the ticket is closed in ConnectWise.`,
    );
    expect(d.internalNotesOf(ticket.id)).toEqual([d.closingNote]);
    expect(d.writes().map((c) => [c.kind, c.outcome])).toEqual([
      ['note-create', 'dropped'],
      ['ticket-update', 'answered'],
    ]);
    expect(await rowOf(suite.db, run.id)).toMatchObject({ statusClosed: true, closingNoteSentAt: null });
  });

  it('a note visible to all users is refused: ConnectWise notes from Backupchecks are internal only', async () => {
    const { operator } = suite.as;
    const { run } = await contosoRun();
    await createThroughApp(suite, operator, run.id);
    suite.driver.clearRequestLog();
    const form = await openNoteForm(operator, run.id);
    const res = await submitNote(operator, run.id, { text: 'For everyone.', key: form.key, visibility: 'all' });
    expect(res.status).toBe(422);
    expect(decode(res.text)).toContain('Notes from Backupchecks to ConnectWise are internal only.');
    expect(suite.driver.writes()).toEqual([]);
  });

  it('"Link ticket" links a ticket opened in ConnectWise by its id, reading only', async () => {
    const { operator } = suite.as;
    const { run, label } = await contosoRun();
    const row = await suite.db.prisma.connectWiseSettings.findUniqueOrThrow({ where: { id: 1 } });
    const made = await suite.built.context.connectwise.client(row).createTicket({
      companyId: suite.driver.companies.contoso.id,
      boardId: row.boardId!,
      summary: 'Backup looks odd',
      reference: 'opened-by-hand',
    });
    suite.driver.clearRequestLog();

    const res = await postLink(operator, run.id, `#${made.id}`);
    expect(await flashAfter(operator, res)).toBe(
      `success: Linked ConnectWise ticket ${made.id} to ${label}. Nothing was created or changed in ConnectWise.`,
    );
    const linked = await rowOf(suite.db, run.id);
    expect(linked).toMatchObject({
      origin: 'linked',
      psaType: 'connectwise',
      ticketId: made.id,
      ticketNumber: String(made.id),
      statusClosed: false,
      url: suite.driver.ticketUrl(made.id),
    });
    expect(suite.driver.writes()).toEqual([]);
  });

  it('"Add to ticket" adds the next run to the open ConnectWise ticket with an internal note', async () => {
    const { operator } = suite.as;
    const { run, job, customer } = await contosoRun();
    const { ticket, row } = await createThroughApp(suite, operator, run.id);
    const next = await addRunOfJob(suite.db, job.id);
    suite.driver.clearRequestLog();

    const page = await operator.agent.get(`/runs/${next.id}`);
    expect(ticketCell(page.text, next.id)).toContain(`Add to ticket ${ticket.number}`);
    await settleDeferredWork();
    suite.driver.clearRequestLog();
    const res = await postAddTo(operator, next.id, row.id);
    expect(await flashAfter(operator, res)).toBe(
      `success: Added run #${next.id} of ${customer.name} / ${job.name} to ConnectWise ticket ${ticket.number}. An internal note on the ticket lists the run's failed objects.`,
    );
    expect((await suite.db.prisma.run.findUniqueOrThrow({ where: { id: next.id } })).ticketRecordId).toBe(row.id);
    expect(suite.driver.writes().map((c) => c.kind)).toEqual(['note-create']);
    expect(
      suite.driver.internalNotesOf(ticket.id).some((n) => n.body.includes(`Backupchecks added run #${next.id}`)),
    ).toBe(true);
  });
});

describe('A ticket of Autotask while ConnectWise is active', () => {
  /** A run whose ticket was created in Autotask before the switch, and a second run of its job. */
  async function autotaskTicketRun() {
    const { run, job } = await contosoRun();
    const { ticket, runTicket } = await makeCreatedTicket(suite.db, suite.sim, run.id);
    const next = await addRunOfJob(suite.db, job.id);
    suite.sim.state.clearRequestLog();
    suite.driver.clearRequestLog();
    return { run, next, ticket, runTicket };
  }

  const nothingSent = () => {
    expect(suite.sim.requestLog.filter((e) => e.entity !== 'zoneInformation')).toEqual([]);
    expect(suite.driver.calls().filter((c) => c.path.includes('/service/tickets'))).toEqual([]);
  };

  it('is shown with its number, status, link and PSA; nothing that would write to it is offered', async () => {
    const { run, next, ticket } = await autotaskTicketRun();
    const page = await suite.as.operator.agent.get(`/runs/${run.id}`);
    const cell = decode(ticketCell(page.text, run.id));
    expect(cell).toContain(`href="${suite.sim.ticketUrl(ticket.id)}"`);
    expect(cell).toContain(
      `Open ticket ${ticket.ticketNumber}<span class="visually-hidden"> in Autotask (opens in a new tab)`,
    );
    expect(cell).toContain('Status: <strong>New</strong>');
    expect(cell).toContain(OTHER_PSA);
    expect(cell).not.toContain('Add note');
    expect(cell).not.toContain('Resolve ticket');

    // The next run of the job is not offered the Autotask ticket.
    const second = await suite.as.operator.agent.get(`/runs/${next.id}`);
    expect(ticketCell(second.text, next.id)).not.toContain('Add to ticket');
    expect(ticketCell(second.text, next.id)).toContain('Create ConnectWise ticket');
    await settleDeferredWork();
    nothingSent();
  });

  it('resolve, notes and "Add to ticket" refuse it with the sentence, and nothing is sent', async () => {
    const { operator } = suite.as;
    const { run, next, ticket, runTicket } = await autotaskTicketRun();

    const form = await operator.agent.get(`/runs/${run.id}/ticket/notes/new`);
    expect(form.status).toBe(302);
    expect(await flashAfter(operator, { status: 302, headers: form.headers })).toBe(`error: ${OTHER_PSA}`);
    const note = await submitNote(operator, run.id, { text: 'Anything.', key: '0123456789abcdef' });
    expect(await flashAfter(operator, note)).toBe(`error: ${OTHER_PSA}`);

    const confirm = await operator.agent.get(`/runs/${run.id}/ticket/resolve`);
    expect(await flashAfter(operator, { status: confirm.status, headers: confirm.headers })).toBe(
      `error: ${OTHER_PSA}`,
    );
    expect((await postResolve(operator, run.id)).flash).toBe(`error: ${OTHER_PSA}`);

    const added = await postAddTo(operator, next.id, runTicket.id);
    expect(await flashAfter(operator, added)).toContain(`was not added to ticket ${ticket.ticketNumber}. ${OTHER_PSA}`);
    expect((await suite.db.prisma.run.findUniqueOrThrow({ where: { id: next.id } })).ticketRecordId).toBeNull();
    expect(await suite.db.prisma.ticketNote.count({ where: { ticketRecordId: runTicket.id } })).toBe(0);
    await settleDeferredWork();
    nothingSent();
  });

  it('Run Checks keeps linking to it in Autotask', async () => {
    const { run, ticket } = await autotaskTicketRun();
    const page = await suite.as.operator.agent.get('/run-checks');
    expect(page.status).toBe(200);
    const job = await suite.db.prisma.job.findUniqueOrThrow({ where: { id: run.jobId } });
    const row = page.text.slice(page.text.indexOf(`id="job-${job.id}"`));
    expect(decode(row.slice(0, row.indexOf('</tbody>')))).toContain(
      `<a href="${suite.sim.ticketUrl(ticket.id)}" target="_blank" rel="noopener">${ticket.ticketNumber}<span class="visually-hidden"> in Autotask (opens in a new tab)</span></a>`,
    );
    await settleDeferredWork();
  });
});
