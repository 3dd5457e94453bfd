import { describe, expect, it } from 'vitest';
import { settleInterruptedCreations } from '../../src/services/tickets/settle-pending.ts';
import { useAppWithSimulator } from '../support/app-with-simulator.ts';
import { makeCustomerWithRun, makePendingTicket } from '../support/fixtures.ts';
import { ticketCreatePosts } from './helpers.ts';

/**
 * The background job for creations left pending by a crashed instance: settled by a lookup of
 * their reference without anyone opening a page, never posted again.
 */

const TIMEOUT_MS = 2000;
const suite = useAppWithSimulator({ env: { AUTOTASK_TIMEOUT_MS: String(TIMEOUT_MS) } });
const { ctx, simCtx, built } = suite;

async function pendingSince(customerName: string, companyId: number, minutesAgo: number, inAutotask: boolean) {
  const { run } = await makeCustomerWithRun(ctx.db, { customerName, companyId });
  const reference = `BC-RUN-${run.id}-feedface`;
  const created = inAutotask
    ? simCtx.sim.state.addTicket({
        title: 'created before the crash',
        companyID: companyId,
        externalID: reference,
        status: 1,
      })
    : null;
  await makePendingTicket(ctx.db, run, reference, minutesAgo);
  return { run, created };
}

const stateOf = (runId: number) => ctx.db.prisma.ticket.findUniqueOrThrow({ where: { originRunId: runId } });
const settle = () => settleInterruptedCreations({ db: ctx.db.prisma, psa: built.context.psa, timeoutMs: TIMEOUT_MS });

describe('settling interrupted ticket creations in the background', () => {
  it('attaches the ticket Autotask has, fails the one it confirms absent, and leaves a recent attempt alone', async () => {
    const found = await pendingSince('Acme Dental', 100, 10, true);
    const absent = await pendingSince('Brightwater Logistics', 103, 10, false);
    const recent = await pendingSince('Contoso', 105, 0, false);
    simCtx.sim.state.clearRequestLog();

    expect(await settle()).toBe(2);
    expect(await stateOf(found.run.id)).toMatchObject({ state: 'created', ticketId: found.created!.id });
    expect((await stateOf(absent.run.id)).state).toBe('failed');
    expect((await stateOf(recent.run.id)).state).toBe('pending');
    expect(ticketCreatePosts(simCtx.sim)).toHaveLength(0);
    // Nothing left to settle: no Autotask request at all.
    simCtx.sim.state.clearRequestLog();
    expect(await settle()).toBe(0);
    expect(simCtx.sim.requestLog).toHaveLength(0);
  });
});
