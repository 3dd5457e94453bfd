import { describe, expect, it } from 'vitest';
import { BOARD, COMPANY, PRIORITY, STATUS } from '@backupchecks/connectwise-simulator';
import { createLogger } from '../../src/logger.ts';
import { refreshOpenTicketStatuses } from '../../src/services/tickets/background-status-refresh.ts';
import { upkeepShownTickets } from '../../src/services/tickets/upkeep.ts';
import { settleDeferredWork } from '../../src/shared/deferred-work.ts';
import { makeCustomerWithRun } from '../support/fixtures.ts';
import { decode, TICKET_DEFAULTS, useConnectWiseApp } from '../integration/connectwise/helpers.ts';
import { postCreate } from './helpers.ts';

/**
 * "Create ticket" with ConnectWise as the active PSA: the same click and flow as with Autotask
 * (src/services/tickets/create/), the ticket made in ConnectWise through the PSA port; and the
 * status refreshes, which read the active PSA's tickets only.
 */

const suite = useConnectWiseApp({
  signIn: ['operator'],
  configure: TICKET_DEFAULTS,
});

/** A customer with a failed run, mapped to a ConnectWise company. */
async function connectWiseRun(companyId: number) {
  const { run, customer } = await makeCustomerWithRun(suite.db, { companyId: null, status: 'error' });
  await suite.db.prisma.companyMapping.update({
    where: { customerId: customer.id },
    data: { psaType: 'connectwise', companyId, companyName: 'Acme', status: 'ok', mappedAt: new Date() },
  });
  return run;
}

const ticketPosts = () => suite.sim.requestLog.filter((e) => e.method === 'POST' && e.resource === 'service/tickets');

describe('create ticket with ConnectWise active', () => {
  it('makes one ConnectWise ticket carrying the reference, and the row is a ConnectWise ticket', async () => {
    const { agent, csrf } = suite.as.operator;
    const run = await connectWiseRun(COMPANY.acme);

    const res = await postCreate(agent, csrf, run.id).redirects(1);
    await settleDeferredWork();

    const row = await suite.db.prisma.ticket.findUniqueOrThrow({ where: { originRunId: run.id } });
    expect(row).toMatchObject({ psaType: 'connectwise', state: 'created', statusId: STATUS.new, statusClosed: false });
    expect(row.reference).toMatch(new RegExp(`^BC-RUN-${run.id}-`));
    const inConnectWise = suite.sim.state.tickets.filter((t) => t.externalXRef === row.reference);
    expect(inConnectWise).toHaveLength(1);
    const ticket = inConnectWise[0]!;
    expect(row.ticketId).toBe(ticket.id);
    expect(ticket).toMatchObject({
      companyId: COMPANY.acme,
      boardId: BOARD.serviceDesk,
      statusId: STATUS.new,
      priorityId: PRIORITY.emergency,
    });
    // ConnectWise answers the create with the ticket: its number is stored with the answer.
    expect(row.ticketNumber).toBe(String(ticket.id));
    expect(ticketPosts()).toHaveLength(1);
    expect(decode(res.text)).toContain(`Created ConnectWise ticket ${ticket.id} for run #${run.id}`);
  });
});

describe('status refreshes with ConnectWise active', () => {
  /** An open ticket created while Autotask was active, last read an hour ago. */
  async function autotaskTicket() {
    const { run, job } = await makeCustomerWithRun(suite.db, { companyId: null });
    const checkedAt = new Date(Date.now() - 60 * 60_000);
    const row = await suite.db.prisma.ticket.create({
      data: {
        originRunId: run.id,
        jobId: job.id,
        runs: { connect: { id: run.id } },
        state: 'created',
        reference: `BC-RUN-${run.id}-autotask`,
        ticketId: 7001,
        ticketNumber: 'T20260101.0001',
        url: 'https://ww1.autotask.net/ticket/7001',
        statusId: 1,
        statusLabel: 'New',
        statusCheckedAt: checkedAt,
      },
    });
    return row;
  }

  it("read ConnectWise's tickets and leave the tickets of Autotask, no longer active, as they were", async () => {
    const { agent, csrf } = suite.as.operator;
    const run = await connectWiseRun(COMPANY.acme);
    await postCreate(agent, csrf, run.id).redirects(1);
    await settleDeferredWork();
    const created = await suite.db.prisma.ticket.findUniqueOrThrow({ where: { originRunId: run.id } });
    const autotask = await autotaskTicket();
    suite.sim.state.setTicketStatus(created.ticketId!, STATUS.closed);
    const psa = suite.built.context.psa;

    const cycle = await refreshOpenTicketStatuses({ db: suite.db.prisma, psa, logger: createLogger('silent') });
    expect(cycle).toMatchObject({ outcome: 'refreshed', checked: 1, missing: 0 });
    expect(await suite.db.prisma.ticket.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({
      statusId: STATUS.closed,
      statusClosed: true,
    });
    expect(await suite.db.prisma.ticket.findUniqueOrThrow({ where: { id: autotask.id } })).toEqual(autotask);

    // A page showing both: only the ConnectWise ticket is due and read.
    await suite.db.prisma.ticket.update({
      where: { id: created.id },
      data: { statusCheckedAt: autotask.statusCheckedAt },
    });
    const upkeep = await upkeepShownTickets({ db: suite.db.prisma, psa, timeoutMs: 5_000 }, [created.id, autotask.id]);
    expect(upkeep).toMatchObject({ statusesChecked: 1, statusError: null });
    expect(await suite.db.prisma.ticket.findUniqueOrThrow({ where: { id: autotask.id } })).toEqual(autotask);
  });
});
