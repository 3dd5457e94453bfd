import { describe, expect, it } from 'vitest';
import type { RunStatus } from '../../src/db/database.ts';
import { settleDeferredWork } from '../../src/shared/deferred-work.ts';
import { useAppWithSimulator } from '../support/app-with-simulator.ts';
import { makeCreatedTicket, makeCustomerWithRun } from '../support/fixtures.ts';
import { runChecksOpening } from '../runs/run-checks-html.ts';
import { cachePicklists, ticketCell } from './helpers.ts';

/**
 * "The next run of this job succeeded": a run whose ticket is open shows it, with that run's time,
 * when a LATER run of the SAME job succeeded — on Run Checks and on the run page. The resolve action
 * next to it stays exactly as gated, and nothing is resolved by it.
 */

const suite = useAppWithSimulator({
  // Fresh proof that the API user sees non-billable time entries: "Resolve ticket" is offered.
  autotask: { nonBillableProvenAt: new Date() },
  prepare: ({ db, sim }) => cachePicklists(db, sim),
  signIn: ['operator', 'reporter'],
});
const { operator, reporter } = suite.as;

const hour = 3_600_000;
const t0 = new Date(Date.now() - 48 * hour);
const at = (hours: number) => new Date(t0.getTime() + hours * hour);

async function laterRun(jobId: number, status: RunStatus, runAt: Date) {
  return suite.db.prisma.run.create({ data: { jobId, status, runAt } });
}

/** A failed run with an open ticket (status New; Complete with `status: 5`). */
async function failedRunWithTicket(runAt: Date, status = 1) {
  const { run, job } = await makeCustomerWithRun(suite.db, { runAt });
  const { ticket } = await makeCreatedTicket(suite.db, suite.sim, run.id, { status });
  return { run, job, ticket };
}

const hintPattern = /The next run of this job succeeded \(<a href="\/runs\/(\d+)">([^<]+)<\/a>\)/;
const hintOf = (cell: string) => {
  const m = hintPattern.exec(cell);
  return m ? { runId: Number(m[1]), time: m[2] } : null;
};
/** The resolve action of a run's cell: from its link to the end of the cell. */
function resolveAction(cell: string, runId: number): string {
  const start = cell.indexOf(`<a href="/runs/${runId}/ticket/resolve`);
  expect(start).toBeGreaterThan(-1);
  return cell.slice(start);
}

async function nothingResolved(ticketIds: number[]) {
  await settleDeferredWork();
  const writes = suite.sim.requestLog.filter((e) => e.method !== 'GET' && !/\/query(\/count)?$/i.test(e.path));
  expect(writes).toEqual([]);
  for (const id of ticketIds) expect(suite.sim.state.ticket(id)!.status).toBe(1);
  const records = await suite.db.prisma.ticket.findMany({ where: { ticketId: { in: ticketIds } } });
  expect(records.map((r) => [r.statusId, r.resolvedAt, r.closingNoteId])).toEqual(ticketIds.map(() => [1, null, null]));
}

describe('the next run of this job succeeded', () => {
  it('shows on Run Checks and the run page once a later run of the same job succeeded; the resolve action is unchanged', async () => {
    const { run, job, ticket } = await failedRunWithTicket(at(0));
    await laterRun(job.id, 'success', at(-1)); // before the failure: not "next"
    const before = await operator.agent.get(runChecksOpening([run]));
    const cellBefore = ticketCell(before.text, run.id);
    expect(hintOf(cellBefore)).toBeNull();
    expect(cellBefore).toContain('class="button-link resolve-ticket"');

    await laterRun(job.id, 'error', at(1));
    const success = await laterRun(job.id, 'success', at(2));
    const after = await operator.agent.get(runChecksOpening([run]));
    const cell = ticketCell(after.text, run.id);
    expect(hintOf(cell)).toMatchObject({ runId: success.id });
    expect(resolveAction(cell, run.id)).toBe(resolveAction(cellBefore, run.id));

    const page = await operator.agent.get(`/runs/${run.id}`);
    const pageCell = ticketCell(page.text, run.id);
    expect(hintOf(pageCell)).toEqual(hintOf(cell));
    expect(pageCell).toContain(`href="/runs/${run.id}/ticket/resolve`);

    // Without the right to resolve the hint is still information; the action stays absent.
    const asReporter = ticketCell((await reporter.agent.get(`/runs/${run.id}`)).text, run.id);
    expect(hintOf(asReporter)).toMatchObject({ runId: success.id });
    expect(asReporter).not.toContain('resolve-ticket');

    await nothingResolved([ticket.id]);
  });

  it('is not shown for an earlier success, a success of another job, or a ticket that is Complete', async () => {
    // Another job succeeded later: not this job's next run.
    const other = await failedRunWithTicket(at(0));
    // Only an earlier run of this job succeeded.
    const earlier = await failedRunWithTicket(at(0));
    await laterRun(earlier.job.id, 'success', at(-2));
    await laterRun(other.job.id, 'error', at(3));
    const unrelated = await makeCustomerWithRun(suite.db, { runAt: at(1), status: 'success' });
    // Complete already: nothing to resolve, nothing to hint.
    const complete = await failedRunWithTicket(at(0), 5);
    await laterRun(complete.job.id, 'success', at(1));

    const runChecks = await operator.agent.get(
      runChecksOpening([other, earlier, complete, unrelated].map((m) => m.run)),
    );
    expect(runChecks.text).toContain(`id="run-${unrelated.run.id}-ticket"`);
    for (const { run } of [other, earlier, complete]) {
      expect(hintOf(ticketCell(runChecks.text, run.id))).toBeNull();
      expect(hintOf(ticketCell((await operator.agent.get(`/runs/${run.id}`)).text, run.id))).toBeNull();
    }
    expect(runChecks.text).not.toContain('The next run of this job succeeded');
    for (const { run } of [other, earlier]) {
      expect(ticketCell(runChecks.text, run.id)).toContain('class="button-link resolve-ticket"');
    }
    await nothingResolved([other.ticket.id, earlier.ticket.id]);
  });

  it('holds for every run of a shared ticket that has a later success, and only those', async () => {
    const { run, job, ticket } = await failedRunWithTicket(at(0));
    const success = await laterRun(job.id, 'success', at(1));
    const recurred = await laterRun(job.id, 'error', at(2));
    // The problem came back after the success: the later run was added to the same ticket.
    await suite.db.prisma.run.update({
      where: { id: recurred.id },
      data: { ticketRecordId: (await suite.db.prisma.ticket.findFirstOrThrow({ where: { ticketId: ticket.id } })).id },
    });

    const runChecks = await operator.agent.get(runChecksOpening([run]));
    expect(hintOf(ticketCell(runChecks.text, run.id))).toMatchObject({ runId: success.id });
    expect(hintOf(ticketCell(runChecks.text, recurred.id))).toBeNull();
    const page = await operator.agent.get(`/runs/${recurred.id}`);
    expect(hintOf(ticketCell(page.text, recurred.id))).toBeNull();
    await nothingResolved([ticket.id]);
  });
});
