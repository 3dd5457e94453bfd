import type { RequestLogEntry } from '@backupchecks/autotask-simulator';
import { beforeEach, describe, expect, it } from 'vitest';
import { CLOSING_NOTE_TEXT } from '../../src/services/integration/settings.ts';
import { buildTestApp, type Agent } from '../support/app.ts';
import { useAppWithSimulator } from '../support/app-with-simulator.ts';
import { makeCreatedTicket, makeCustomerWithRun } from '../support/fixtures.ts';
import { cachePicklists, decode, postCreate, simTicketsOfRun, ticketCreatePosts } from './helpers.ts';
import { notePosts, postResolve, statusPatches } from './resolve-helpers.ts';

/**
 * Writes refused by Autotask's thread threshold (docs/autotask.md, Thread limit): the step's own
 * "did it happen?" lookup runs first, and the write is sent again (at most three times, after
 * growing waits) only when the lookup shows it did not happen. The waits go through an injected
 * sleep that records them, so nothing here waits for real.
 */

const THREAD_MESSAGE = 'Thread Threshold Exceeded — The Autotask API thread threshold of 3 threads has been exceeded.';

/** The waits the app asked for before each resend. */
const sleeps: number[] = [];
/** Runs during a wait: what happens in Autotask meanwhile. */
let duringWait: () => void = () => {};

const suite = useAppWithSimulator({
  // With fresh proof that the API user sees non-billable time entries.
  autotask: { nonBillableProvenAt: new Date() },
  prepare: (s) => cachePicklists(s.db, s.sim),
  signIn: ['operator'],
  build: (database, env) =>
    buildTestApp(database, env, {
      autotaskWriteRetry: {
        sleep: (ms) => {
          sleeps.push(ms);
          duringWait();
          return Promise.resolve();
        },
        random: () => 0.5,
      },
    }),
});
const { ctx, simCtx } = suite;
const { operator } = suite.as;
let agent: Agent;
let csrf: string;

beforeEach(() => {
  ({ agent, csrf } = operator);
  sleeps.length = 0;
  duringWait = () => {};
});

const row = (runId: number) => ctx.db.prisma.ticket.findUniqueOrThrow({ where: { originRunId: runId } });
const ticketAudit = () =>
  ctx.db.prisma.auditEvent.findMany({ where: { action: { startsWith: 'ticket.' } }, orderBy: { id: 'asc' } });

/** The create POSTs and reference lookups in the order they reached Autotask. */
function createSequence(log: readonly RequestLogEntry[], reference: string): string[] {
  return log
    .filter((e) => e.entity === 'Tickets' && e.method === 'POST')
    .filter((e) => !/\/query/i.test(e.path) || JSON.stringify(e.body).includes(reference))
    .map((e) => (/\/query/i.test(e.path) ? 'lookup' : `POST ${e.status}`));
}

describe('thread threshold on the ticket create', () => {
  it('looks the reference up, finds nothing, posts again after a wait, and ends with exactly one ticket', async () => {
    const { sim } = simCtx;
    const { run } = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    sim.faults.threadThresholdNext({ method: 'POST', entity: 'Tickets' });

    const res = await postCreate(agent, csrf, run.id).redirects(1);
    expect(res.text).toContain('Created Autotask ticket');
    const stored = await row(run.id);
    const tickets = simTicketsOfRun(sim, run.id);
    expect(tickets).toHaveLength(1);
    expect(stored).toMatchObject({ state: 'created', ticketId: tickets[0]!.id, reference: tickets[0]!.externalID });

    expect(createSequence(sim.requestLog, stored.reference)).toEqual(['POST 429', 'lookup', 'POST 200']);
    const refused = ticketCreatePosts(sim)[0]!;
    expect(refused.status).toBe(429);
    expect(sleeps).toEqual([1000]);
    const created = (await ticketAudit()).find((e) => e.action === 'ticket.created');
    expect(created?.details).toMatchObject({ threadThresholdResends: 1 });
  });

  it('gives up after three resends, each after a lookup that found nothing; a later click creates one', async () => {
    const { sim } = simCtx;
    const { run } = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    // One refusal now and one during each wait: a fault for four would also refuse the lookups,
    // which are POSTs to Tickets/query.
    sim.faults.threadThresholdNext({ method: 'POST', entity: 'Tickets' });
    duringWait = () => sim.faults.threadThresholdNext({ method: 'POST', entity: 'Tickets' });

    const res = await postCreate(agent, csrf, run.id).redirects(1);
    const failed = await row(run.id);
    expect(failed.state).toBe('failed');
    expect(decode(res.text)).toContain(
      'Autotask did not create the ticket. Autotask refused it because too many requests with this API tracking identifier were running at the same time',
    );
    expect(decode(res.text)).toContain(`Autotask said: <q>${THREAD_MESSAGE}</q>`);
    expect(createSequence(sim.requestLog, failed.reference)).toEqual([
      'POST 429',
      'lookup',
      'POST 429',
      'lookup',
      'POST 429',
      'lookup',
      'POST 429',
      'lookup',
    ]);
    expect(sleeps).toEqual([1000, 2000, 4000]);
    expect(simTicketsOfRun(sim, run.id)).toHaveLength(0);

    duringWait = () => {};
    const retried = await postCreate(agent, csrf, run.id).redirects(1);
    expect(retried.text).toContain('Created Autotask ticket');
    expect(simTicketsOfRun(sim, run.id)).toHaveLength(1);
    expect(ticketCreatePosts(sim)).toHaveLength(5);
  });

  it('adopts the ticket when Autotask created it and answered with the threshold all the same: no second POST', async () => {
    const { sim } = simCtx;
    const { run } = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    sim.faults.threadThresholdNext({ method: 'POST', entity: 'Tickets', afterApply: true });

    const res = await postCreate(agent, csrf, run.id).redirects(1);
    const tickets = simTicketsOfRun(sim, run.id);
    expect(tickets).toHaveLength(1);
    expect(res.text).toContain(`Autotask had created ticket ${tickets[0]!.ticketNumber}`);
    expect(await row(run.id)).toMatchObject({ state: 'created', ticketId: tickets[0]!.id });
    expect(createSequence(sim.requestLog, tickets[0]!.externalID!)).toEqual(['POST 429', 'lookup']);
    expect(ticketCreatePosts(sim)).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect((await ticketAudit()).map((e) => e.action)).toEqual(['ticket.reconciled']);

    // Clicking again sends nothing either.
    await postCreate(agent, csrf, run.id);
    expect(ticketCreatePosts(sim)).toHaveLength(1);
  });

  it('sends nothing more when the lookup fails; the attempt stays pending until a lookup settles it', async () => {
    const { sim } = simCtx;
    const { run } = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    sim.faults.threadThresholdNext({ method: 'POST', entity: 'Tickets' });
    // The lookup by reference gets a gateway error (not retried by the client: not a 503).
    sim.faults.failNext({ method: 'POST', entity: 'Tickets', status: 502, body: 'text' });

    const res = await postCreate(agent, csrf, run.id).redirects(1);
    const pending = await row(run.id);
    expect(pending.state).toBe('pending');
    expect(decode(res.text)).toContain('could not ask Autotask whether the earlier attempt created the ticket');
    expect(ticketCreatePosts(sim)).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(simTicketsOfRun(sim, run.id)).toHaveLength(0);
  });
});

describe('thread threshold on the resolve writes', () => {
  async function createdTicket() {
    const { run } = await makeCustomerWithRun(ctx.db);
    const { ticket, runTicket } = await makeCreatedTicket(ctx.db, simCtx.sim, run.id);
    simCtx.sim.state.clearRequestLog();
    return { run, ticket, runTicket };
  }
  const noteLookups = (ticketId: number) =>
    simCtx.sim.requestLog.filter(
      (e) => /\/TicketNotes\/query$/i.test(e.path) && JSON.stringify(e.body).includes(String(ticketId)),
    );

  it('closing note refused: the notes are read, the note is sent again, and the ticket has exactly one', async () => {
    const { sim } = simCtx;
    const { run, ticket } = await createdTicket();
    sim.faults.threadThresholdNext({ method: 'POST', entity: 'TicketNotes' });

    const res = await postResolve(operator, run.id);
    expect(res.flash).toContain(`success: Ticket ${ticket.ticketNumber} is resolved`);
    expect(notePosts(sim).map((e) => e.status)).toEqual([429, 200]);
    expect(noteLookups(ticket.id)).toHaveLength(1);
    expect(sim.state.notesOf(ticket.id)).toHaveLength(1);
    expect(sim.state.notesOf(ticket.id)[0]!.description).toBe(CLOSING_NOTE_TEXT);
    expect(sim.state.ticket(ticket.id)!.status).toBe(5);
    expect(sleeps).toEqual([1000]);
  });

  it('closing note written despite the threshold answer: it is adopted, never written twice', async () => {
    const { sim } = simCtx;
    const { run, ticket } = await createdTicket();
    sim.faults.threadThresholdNext({ method: 'POST', entity: 'TicketNotes', afterApply: true });

    const res = await postResolve(operator, run.id);
    expect(res.flash).toContain(`success: Ticket ${ticket.ticketNumber} is resolved`);
    expect(notePosts(sim)).toHaveLength(1);
    expect(sim.state.notesOf(ticket.id)).toHaveLength(1);
    const stored = await row(run.id);
    expect(stored.closingNoteId).toBe(sim.state.notesOf(ticket.id)[0]!.id);
    expect(sim.state.ticket(ticket.id)!.status).toBe(5);
    expect(sleeps).toEqual([]);
  });

  it('close refused: the status is read, Complete is sent again, and the ticket is resolved', async () => {
    const { sim } = simCtx;
    const { run, ticket } = await createdTicket();
    sim.faults.threadThresholdNext({ method: 'PATCH', entity: 'Tickets' });

    const res = await postResolve(operator, run.id);
    expect(res.flash).toContain(`success: Ticket ${ticket.ticketNumber} is resolved`);
    expect(statusPatches(sim).map((e) => e.status)).toEqual([429, 200]);
    expect(sim.state.notesOf(ticket.id)).toHaveLength(1);
    expect(sleeps).toEqual([1000]);
  });

  it('close applied despite the threshold answer: adopted from the status, no second PATCH', async () => {
    const { sim } = simCtx;
    const { run, ticket } = await createdTicket();
    sim.faults.threadThresholdNext({ method: 'PATCH', entity: 'Tickets', afterApply: true });

    const res = await postResolve(operator, run.id);
    expect(res.flash).toContain(`success: Ticket ${ticket.ticketNumber} is resolved`);
    expect(statusPatches(sim)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('a time entry booked during the wait stops the second close', async () => {
    const { sim } = simCtx;
    const { run, ticket } = await createdTicket();
    sim.faults.threadThresholdNext({ method: 'PATCH', entity: 'Tickets' });
    duringWait = () => {
      sim.state.addTimeEntry(ticket.id, { billable: true });
    };

    const res = await postResolve(operator, run.id);
    expect(res.flash).toContain('A time entry was added in Autotask after the note was written');
    expect(statusPatches(sim)).toHaveLength(1);
    expect(sim.state.ticket(ticket.id)!.status).not.toBe(5);
    expect((await row(run.id)).resolvedAt).toBeNull();
  });
});
