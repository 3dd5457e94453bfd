import type { RequestLogEntry } from '@backupchecks/autotask-simulator';
import { beforeEach, describe, expect, it } from 'vitest';
import { getIntegrationSettings, SETTINGS_ID } from '../../src/services/integration/settings.ts';
import {
  freshProof,
  NOT_VISIBLE_REASON,
  notProvenMessage,
  PROOF_MAX_AGE_MS,
} from '../../src/services/integration/time-entry-visibility.ts';
import { resolveStateFor } from '../../src/services/tickets/resolve/offer.ts';
import { settleDeferredWork } from '../../src/shared/deferred-work.ts';
import { useAppWithSimulator } from '../support/app-with-simulator.ts';
import { makeCreatedTicket, makeCustomerWithRun } from '../support/fixtures.ts';
import { settingsForm } from '../settings/helpers.ts';
import { decode, postResolve, timeEntryCalls, writes } from './resolve-helpers.ts';

/**
 * Resolve needs fresh positive proof that the API user sees non-billable time entries: Autotask
 * hides them from a user without the permission, and a hidden entry counts as 0. Against the
 * simulator, whose API user can lose "Can view non-billable time entries" through its control API.
 */

const suite = useAppWithSimulator({ per: 'file', signIn: ['operator', 'admin'] });
const { ctx, simCtx, built } = suite;
const { operator, admin } = suite.as;

const NOT_PROVEN = notProvenMessage(NOT_VISIBLE_REASON);

beforeEach(async () => {
  simCtx.sim.faults.clear();
  await permission(true);
  await setProof({ nonBillableProvenAt: null, nonBillableCheckedAt: null, nonBillableReason: null });
  simCtx.sim.state.clearRequestLog();
});

/** Grants or withdraws the API user's "Can view non-billable time entries", through the control API. */
async function permission(canViewNonBillable: boolean): Promise<void> {
  const res = await fetch(`${simCtx.sim.controlUrl}users/permissions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ canViewNonBillable }),
  });
  expect(res.status).toBe(200);
}

/** Books time on a ticket the way a technician does in Autotask (the simulator's control API). */
async function bookTime(ticketId: number, billable: boolean): Promise<void> {
  const res = await fetch(`${simCtx.sim.controlUrl}tickets/${ticketId}/time-entries`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ billable }),
  });
  expect(res.status).toBe(200);
}

type ProofColumns = {
  nonBillableProvenAt?: Date | null;
  nonBillableCheckedAt?: Date | null;
  nonBillableReason?: string | null;
};
const setProof = (data: ProofColumns) => ctx.db.prisma.integrationSettings.update({ where: { id: SETTINGS_ID }, data });
const proofRow = () =>
  ctx.db.prisma.integrationSettings.findUniqueOrThrow({
    where: { id: SETTINGS_ID },
    select: { nonBillableProvenAt: true, nonBillableCheckedAt: true, nonBillableReason: true },
  });

/** The tenant-wide counts that look for a non-billable entry (the proof), as opposed to counts per ticket. */
const proofChecks = () =>
  simCtx.sim.requestLog.filter(
    (e: RequestLogEntry) => e.entity === 'TimeEntries' && JSON.stringify(e.body ?? '').includes('isNonBillable'),
  );

async function createdTicket() {
  const { run } = await makeCustomerWithRun(ctx.db);
  const { ticket, runTicket } = await makeCreatedTicket(ctx.db, simCtx.sim, run.id);
  simCtx.sim.state.clearRequestLog();
  return { run, ticket, runTicket };
}

/** The run's ticket cell as text (tags stripped, entities decoded). */
function ticketCellText(html: string, runId: number): string {
  const start = html.indexOf(`id="run-${runId}-ticket"`);
  if (start === -1) throw new Error(`no ticket cell for run ${runId}`);
  return decode(html.slice(start, html.indexOf('</div>', start)).replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}
const resolveLink = (runId: number) => `href="/runs/${runId}/ticket/resolve`;
const offeredOn = async (runId: number) =>
  (await operator.agent.get(`/runs/${runId}`)).text.includes(resolveLink(runId));

describe('without the permission', () => {
  it('a non-billable entry on the ticket: resolve is disabled, the POST refused, nothing written', async () => {
    const { sim } = simCtx;
    await permission(false);
    const { run, ticket, runTicket } = await createdTicket();
    await bookTime(ticket.id, false);
    // The hazard: to this API user the ticket looks as if nobody worked on it.
    const client = built.context.autotask.client(await getIntegrationSettings(ctx.db.prisma));
    expect(await client.countTimeEntries(ticket.id)).toBe(0);
    sim.state.clearRequestLog();

    const page = await operator.agent.get(`/runs/${run.id}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(resolveLink(run.id));
    expect(page.text).toMatch(/<button type="button"[^>]*disabled[^>]*>Resolve ticket<\/button>/);
    const cell = ticketCellText(page.text, run.id);
    expect(cell).toContain(NOT_PROVEN);
    expect(cell).toContain('"Can view non-billable time entries"');
    expect(cell).toContain('You can resolve this ticket in Autotask.');
    // One tenant-wide check, and no count of the ticket: a 0 would prove nothing.
    expect(timeEntryCalls(sim)).toEqual(proofChecks());
    expect(proofChecks()).toHaveLength(1);
    expect(await proofRow()).toMatchObject({ nonBillableProvenAt: null, nonBillableReason: NOT_VISIBLE_REASON });

    const confirm = await operator.agent.get(`/runs/${run.id}/ticket/resolve`);
    expect(confirm.status).toBe(200);
    expect(decode(confirm.text)).toContain(NOT_PROVEN);
    expect(confirm.text).not.toContain('<button type="submit">Resolve ticket</button>');

    sim.state.clearRequestLog();
    const res = await postResolve(operator, run.id);
    expect(res.location).toBe(`/runs/${run.id}`);
    expect(res.flash).toBe(`warning: ${NOT_PROVEN}`);
    // The POST asked Autotask again (a page's recent answer is not enough), and wrote nothing.
    expect(proofChecks()).toHaveLength(1);
    expect(writes(sim)).toEqual([]);
    expect(sim.requestLog.filter((e) => e.entity === 'Tickets' || e.entity === 'TicketNotes')).toEqual([]);
    expect(sim.state.notesOf(ticket.id)).toEqual([]);
    expect(sim.state.ticket(ticket.id)!.status).toBe(1);
    expect(await ctx.db.prisma.ticket.findUniqueOrThrow({ where: { originRunId: run.id } })).toMatchObject({
      closingNoteId: null,
      closingNoteSentAt: null,
      resolvedAt: null,
      resolveStartedAt: null,
    });
    const events = await ctx.db.prisma.auditEvent.findMany({
      where: { targetType: 'run_ticket', targetId: String(runTicket.id) },
    });
    expect(events.map((e) => [e.action, (e.details as { reason?: string }).reason])).toEqual([
      ['ticket.resolve_refused', 'non_billable_not_proven'],
    ]);
  });

  it('a failed check is not proof either: the POST says why and writes nothing', async () => {
    const { sim } = simCtx;
    const { run, ticket } = await createdTicket();
    sim.faults.failNext({ entity: 'TimeEntries', errors: ['Counting is broken (simulated).'] });
    const res = await postResolve(operator, run.id);
    expect(res.flash).toContain('warning: Resolve is off until Backupchecks can see non-billable time entries');
    expect(res.flash).toContain('(Last check: Checking failed: Autotask rejected the request.)');
    expect(res.flash).toContain('You can resolve this ticket in Autotask.');
    expect(writes(sim)).toEqual([]);
    expect(sim.state.ticket(ticket.id)!.status).toBe(1);
    expect((await proofRow()).nonBillableProvenAt).toBeNull();
  });
});

describe('with the permission', () => {
  it('the POST obtains the proof on first need, then resolves as today', async () => {
    const { sim } = simCtx;
    const { run, ticket } = await createdTicket();
    const res = await postResolve(operator, run.id);
    expect(res.flash).toContain(`success: Ticket ${ticket.ticketNumber} is resolved`);
    expect(sim.state.ticket(ticket.id)!.status).toBe(5);
    // The proof came first, before anything about the ticket was read.
    expect(sim.requestLog.find((e) => e.entity !== 'zoneInformation')).toBe(proofChecks()[0]);
    expect(proofChecks()[0]!.body).toMatchObject({
      filter: [
        { op: 'eq', field: 'isNonBillable', value: true },
        { op: 'gte', field: 'dateWorked' },
      ],
    });
    const row = await proofRow();
    expect(row.nonBillableProvenAt).toBeInstanceOf(Date);
    expect(row.nonBillableReason).toBeNull();

    // Fresh proof: the next resolve does not ask again, and the non-billable entry now counts.
    const busy = await createdTicket();
    await bookTime(busy.ticket.id, false);
    sim.state.clearRequestLog();
    const refused = await postResolve(operator, busy.run.id);
    expect(refused.flash).toBe('warning: This ticket has 1 time entry in Autotask. Resolve it in Autotask.');
    expect(proofChecks()).toEqual([]);
    expect(writes(sim)).toEqual([]);
  });

  it('granted later: pages wait a few minutes before asking again, Test connection proves it at once', async () => {
    const { sim } = simCtx;
    await permission(false);
    const { run } = await createdTicket();
    expect(await offeredOn(run.id)).toBe(false);
    expect(proofChecks()).toHaveLength(1);

    await permission(true);
    expect(await offeredOn(run.id)).toBe(false);
    expect(proofChecks()).toHaveLength(1);

    const test = await admin.agent.post('/settings/autotask/test').type('form').send({ _csrf: admin.csrf });
    expect(panelText(test.text)).toContain('Non-billable time entries visible: yes');
    expect(proofChecks()).toHaveLength(2);
    expect(await offeredOn(run.id)).toBe(true);
    expect(proofChecks()).toHaveLength(2);
    expect(writes(sim)).toEqual([]);
  });
});

describe('the proof expires', () => {
  it('is trusted for 24 hours, then checked again by the next page', async () => {
    const { sim } = simCtx;
    const { run } = await createdTicket();
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);

    await setProof({ nonBillableProvenAt: hoursAgo(23), nonBillableCheckedAt: hoursAgo(23) });
    expect(await offeredOn(run.id)).toBe(true);
    expect(proofChecks()).toEqual([]);

    await setProof({ nonBillableProvenAt: hoursAgo(24.1), nonBillableCheckedAt: hoursAgo(24.1) });
    expect(await offeredOn(run.id)).toBe(true);
    expect(proofChecks()).toHaveLength(1);
    const renewed = (await proofRow()).nonBillableProvenAt!;
    expect(Date.now() - renewed.getTime()).toBeLessThan(60_000);

    // Expired while the permission was withdrawn: the check finds nothing and the action is off.
    await permission(false);
    await setProof({ nonBillableProvenAt: hoursAgo(25), nonBillableCheckedAt: hoursAgo(25) });
    const page = await operator.agent.get(`/runs/${run.id}`);
    expect(ticketCellText(page.text, run.id)).toContain(NOT_PROVEN);
    expect(proofChecks()).toHaveLength(2);
    expect(await proofRow()).toMatchObject({ nonBillableProvenAt: null, nonBillableReason: NOT_VISIBLE_REASON });
    expect(writes(sim)).toEqual([]);
  });

  it('an expired proof is checked again by the resolve itself', async () => {
    await permission(false);
    const { run, ticket } = await createdTicket();
    const old = new Date(Date.now() - PROOF_MAX_AGE_MS - 1000);
    await setProof({ nonBillableProvenAt: old, nonBillableCheckedAt: old });
    const res = await postResolve(operator, run.id);
    expect(res.flash).toBe(`warning: ${NOT_PROVEN}`);
    expect(proofChecks()).toHaveLength(1);
    expect(simCtx.sim.state.ticket(ticket.id)!.status).toBe(1);
  });

  it('freshProof: younger than 24 hours counts, 24 hours or older (or from the future) does not', () => {
    const at = new Date('2026-06-01T12:00:00Z');
    const proof = { nonBillableProvenAt: at, nonBillableCheckedAt: at, nonBillableReason: null };
    const plus = (ms: number) => new Date(at.getTime() + ms);
    expect(freshProof(proof, plus(PROOF_MAX_AGE_MS - 1))).toMatchObject({ proven: true, provenAt: at });
    expect(freshProof(proof, plus(PROOF_MAX_AGE_MS))).toBeNull();
    expect(freshProof(proof, plus(-1))).toBeNull();
    expect(freshProof({ ...proof, nonBillableProvenAt: null }, at)).toBeNull();
  });
});

/** The Test connection panel as text. */
function panelText(html: string): string {
  const start = html.indexOf('id="connection-test"');
  return decode(html.slice(start, html.indexOf('</article>', start)).replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

describe('Test connection', () => {
  const runTest = async () => {
    const res = await admin.agent.post('/settings/autotask/test').type('form').send({ _csrf: admin.csrf });
    expect(res.status).toBe(200);
    return panelText(res.text);
  };

  it('shows "visible: yes" and stores the proof for the saved credentials', async () => {
    const text = await runTest();
    expect(text).toContain('Test connection: succeeded');
    expect(text).toMatch(
      /Non-billable time entries visible: yes — \d+ non-billable time entr(y is|ies are) of the last 90/,
    );
    expect(text).toContain('Resolve relies on this answer for 24 hours.');
    expect((await proofRow()).nonBillableProvenAt).toBeInstanceOf(Date);
  });

  it('shows "visible: not proven" with the reason, and withdraws a stored proof', async () => {
    await setProof({ nonBillableProvenAt: new Date(), nonBillableCheckedAt: new Date() });
    await permission(false);
    const text = await runTest();
    expect(text).toContain('Test connection: succeeded');
    expect(text).toContain(`Non-billable time entries visible: not proven — ${NOT_VISIBLE_REASON}`);
    expect(text).toContain('"Can view non-billable time entries"');
    expect(await proofRow()).toMatchObject({ nonBillableProvenAt: null, nonBillableReason: NOT_VISIBLE_REASON });
  });

  it('with credentials typed into the form: shown, but not stored', async () => {
    const res = await admin.agent
      .post('/settings/autotask/test')
      .type('form')
      .send(settingsForm(simCtx.sim, admin.csrf, { secret: simCtx.sim.credentials.secret }));
    const text = panelText(res.text);
    expect(text).toContain('Tested the credentials typed into the form');
    expect(text).toContain('Non-billable time entries visible: yes');
    expect(text).toContain('Not stored: these are not the saved credentials');
    expect(await proofRow()).toMatchObject({ nonBillableProvenAt: null, nonBillableCheckedAt: null });
  });

  it('a failed check is shown as not proven with the failure', async () => {
    simCtx.sim.faults.failNext({ entity: 'TimeEntries', errors: ['Counting is broken (simulated).'] });
    const text = await runTest();
    expect(text).toContain(
      'Non-billable time entries visible: not proven — Checking failed: Autotask rejected the request.',
    );
    expect((await proofRow()).nonBillableReason).toContain('Checking failed');
  });

  it('when the authenticated call fails, visibility is not checked', async () => {
    simCtx.sim.faults.failNext({ entity: 'ThresholdInformation', errors: ['Nope (simulated).'] });
    const text = await runTest();
    expect(text).toContain(
      'Non-billable time entries visible: not proven — Not checked: the authenticated call failed.',
    );
    expect(proofChecks()).toEqual([]);
  });
});

// Last: the check the page stops waiting for goes on in the background.
describe('a slow Autotask', () => {
  it('the page does not wait past its deadline for the proof; the late answer is stored for the next view', async () => {
    const { sim } = simCtx;
    const { run } = await createdTicket();
    const rows = await ctx.db.prisma.ticket.findMany({ where: { originRunId: run.id } });
    sim.faults.setLatency(1_000, { entity: 'TimeEntries' });
    const deps = { db: ctx.db.prisma, profile: await built.context.psa.active(ctx.db.prisma) };
    const started = Date.now();
    // Two pages at once ask Autotask once.
    const [first, second] = await Promise.all([
      resolveStateFor(deps, 'operator', rows, { timeoutMs: 200 }),
      resolveStateFor(deps, 'operator', rows, { timeoutMs: 200 }),
    ]);
    expect(Date.now() - started).toBeLessThan(900);
    for (const actions of [first, second]) {
      expect(actions.get(run.id)).toEqual({
        offered: false,
        count: null,
        disabledReason: notProvenMessage('Autotask did not answer in time. Reload the page to try again.'),
      });
    }
    await settleDeferredWork();
    expect(proofChecks()).toHaveLength(1);
    expect((await proofRow()).nonBillableProvenAt).toBeInstanceOf(Date);
    sim.faults.clear();
  }, 15_000);
});
