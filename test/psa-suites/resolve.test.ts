import { describe, expect, it } from 'vitest';
import type { PsaType } from '../../src/psa/port.ts';
import { settleDeferredWork } from '../../src/shared/deferred-work.ts';
import type { TestDatabase } from '../support/db.ts';
import { PSAS, useAppWithPsa } from '../support/psa-harness.ts';
import { createThroughApp, decode, postResolve, rowOf, ticketCell, ticketCellText } from './support.ts';

/**
 * "Resolve ticket" over HTTP, the same cases for every PSA: allowed only while the PSA proves that
 * the API user sees every time entry and the ticket has none; the fixed internal note is written
 * first, then the closing status, and the ticket is read back closed; an answer lost on the close
 * never leads to a second note. The tickets are made through the app's own "Create ticket".
 */

/** When the last proof that the API user sees every time entry was obtained, from the PSA's settings row. */
async function provenAt(db: TestDatabase, psa: PsaType): Promise<Date | null> {
  if (psa === 'autotask') {
    return (await db.prisma.integrationSettings.findUniqueOrThrow({ where: { id: 1 } })).nonBillableProvenAt;
  }
  return (await db.prisma.connectWiseSettings.findUniqueOrThrow({ where: { id: 1 } })).timeEntriesProvenAt;
}

describe.each(PSAS)('Resolve ticket with %s active', (psa) => {
  const suite = useAppWithPsa(psa, { env: { AUTOTASK_TIMEOUT_MS: '10000' }, signIn: ['operator'] });
  const row = (runId: number) => rowOf(suite.db, runId);
  const resolveLink = (runId: number) => `href="/runs/${runId}/ticket/resolve`;

  /** A run with a ticket the app created, and the PSA's request log from then on. */
  async function ticketedRun() {
    const { run } = await suite.customerWithRun(suite.driver.companies.contoso);
    const { row: created, ticket } = await createThroughApp(suite, suite.as.operator, run.id);
    suite.driver.clearRequestLog();
    return { run, created, ticket };
  }

  it('with proof and no time entry: the internal note is written first, then the ticket is closed and read back closed', async () => {
    const d = suite.driver;
    const { operator } = suite.as;
    const { run, ticket } = await ticketedRun();

    const page = await operator.agent.get(`/runs/${run.id}`);
    expect(page.text).toContain(resolveLink(run.id));
    await settleDeferredWork();

    const res = await postResolve(operator, run.id);
    expect(res.location).toBe(`/runs/${run.id}`);
    expect(res.flash).toContain(`success: Ticket ${ticket.number} is resolved`);

    expect(d.internalNotesOf(ticket.id)).toEqual([d.closingNote]);
    expect(d.ticket(ticket.id)).toMatchObject({ statusId: d.closedStatus.id, closed: true });
    // Exactly two writes: the note strictly before the status change.
    expect(d.writes().map((c) => c.kind)).toEqual(['note-create', 'ticket-update']);
    const stored = await row(run.id);
    expect(stored).toMatchObject({
      statusId: d.closedStatus.id,
      statusLabel: d.closedStatus.label,
      statusClosed: true,
      resolvedById: operator.user.id,
      closingNoteSentAt: null,
      resolveStartedAt: null,
      timeEntryCount: 0,
    });
    expect(stored.closingNoteId).not.toBeNull();
    expect(stored.resolvedAt).toBeInstanceOf(Date);
    // Allowed because the PSA proved it: the proof is kept on the settings row.
    expect(await provenAt(suite.db, psa)).toBeInstanceOf(Date);

    const after = await operator.agent.get(`/runs/${run.id}`);
    expect(decode(ticketCell(after.text, run.id))).toContain(`Status: <strong>${d.closedStatus.label}</strong>`);
    expect(after.text).not.toContain(resolveLink(run.id));
  });

  describe('refused with a time entry on the ticket; nothing is written', () => {
    for (const kind of ['billable', 'non-billable'] as const) {
      it(`a ${kind} time entry`, async () => {
        const d = suite.driver;
        expect(d.timeEntryKinds).toContain(kind);
        const { run, ticket } = await ticketedRun();
        await d.addTimeEntry(ticket.id, kind === 'billable');

        const res = await postResolve(suite.as.operator, run.id);
        expect(res.flash).toBe(`warning: This ticket has 1 time entry in ${d.name}. Resolve it in ${d.name}.`);
        expect(d.writes()).toEqual([]);
        expect(d.internalNotesOf(ticket.id)).toEqual([]);
        expect(d.ticket(ticket.id)).toMatchObject({ statusId: d.newStatus.id, closed: false });
        expect(await row(run.id)).toMatchObject({
          closingNoteId: null,
          resolvedAt: null,
          timeEntryCount: 1,
          statusClosed: false,
        });
      });
    }
  });

  it('refused without proof: a time entry the API user cannot see would count 0, so nothing is offered or written', async () => {
    const d = suite.driver;
    const { operator } = suite.as;
    const { run, ticket } = await ticketedRun();
    await d.makeTimeEntriesUnprovable();
    // Work someone did on the ticket that the API user no longer sees.
    await d.addTimeEntry(ticket.id, false);
    d.clearRequestLog();

    const page = await operator.agent.get(`/runs/${run.id}`);
    expect(page.text).not.toContain(resolveLink(run.id));
    expect(page.text).toMatch(/<button type="button"[^>]*disabled[^>]*>Resolve ticket<\/button>/);
    expect(ticketCellText(page.text, run.id)).toContain(d.notProvenMessage);
    await settleDeferredWork();

    const res = await postResolve(operator, run.id);
    expect(res.location).toBe(`/runs/${run.id}`);
    expect(res.flash).toBe(`warning: ${d.notProvenMessage}`);
    expect(d.writes()).toEqual([]);
    expect(d.internalNotesOf(ticket.id)).toEqual([]);
    expect(d.ticket(ticket.id)).toMatchObject({ closed: false });
    expect(await row(run.id)).toMatchObject({
      closingNoteId: null,
      closingNoteSentAt: null,
      resolvedAt: null,
      resolveStartedAt: null,
      statusClosed: false,
    });
    expect(await provenAt(suite.db, psa)).toBeNull();
  });

  it('the answer to the close is lost: the read-back settles it as closed, and no second note is ever written', async () => {
    const d = suite.driver;
    const { operator } = suite.as;
    const { run, ticket } = await ticketedRun();
    await d.faults.loseNextCloseAnswer();

    const res = await postResolve(operator, run.id);
    expect(res.flash).toContain(`success: Ticket ${ticket.number} is resolved`);
    expect(d.writes().map((c) => [c.kind, c.outcome])).toEqual([
      ['note-create', 'answered'],
      ['ticket-update', 'dropped'],
    ]);
    expect(d.internalNotesOf(ticket.id)).toEqual([d.closingNote]);
    expect(d.ticket(ticket.id)).toMatchObject({ statusId: d.closedStatus.id, closed: true });
    expect(await row(run.id)).toMatchObject({ statusClosed: true, resolvedById: operator.user.id });

    // Another click finds the ticket closed and writes nothing.
    const again = await postResolve(operator, run.id);
    expect(again.flash).toBe(
      `info: Ticket ${ticket.number} was already resolved from Backupchecks and is already closed in ${d.name}. Nothing was written.`,
    );
    expect(d.writes()).toHaveLength(2);
    expect(d.internalNotesOf(ticket.id)).toHaveLength(1);
  });
});
