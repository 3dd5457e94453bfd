import { describe, expect, it } from 'vitest';
import { settleDeferredWork } from '../../src/shared/deferred-work.ts';
import { useAppWithPsa, type DriverTicket, type PsaDriver } from '../support/psa-harness.ts';
import { addRunOfJob, createThroughApp, decode, flashesOf, postResolve, ticketCell } from './support.ts';

/**
 * Switching the active PSA (the "Use ConnectWise" / "Use Autotask" buttons): tickets stay with the
 * PSA they were made in, linked and shown with their number, status and link, and nothing about
 * them is sent to any PSA while another is active; new tickets go to the active PSA; each PSA's
 * company mappings come back when it is active again.
 */

const suite = useAppWithPsa('autotask', { env: { AUTOTASK_TIMEOUT_MS: '10000' }, signIn: ['admin', 'operator'] });

describe('Switching between Autotask and ConnectWise', () => {
  /** Presses "Use <PSA>" on that PSA's settings page and returns what the page then says. */
  async function use(settingsPath: string): Promise<string[]> {
    const { agent, csrf } = suite.as.admin;
    const page = await agent.get(settingsPath);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`action="${settingsPath}/activate"`);
    const res = await agent.post(`${settingsPath}/activate`).type('form').send({ _csrf: csrf });
    expect(res.status).toBe(302);
    return flashesOf((await agent.get(res.headers.location!)).text).map((f) => `${f.type}: ${f.text}`);
  }

  /** The run's ticket as an operator sees it: number, link, PSA and status. */
  async function expectShown(runId: number, d: PsaDriver, ticket: DriverTicket, status: string) {
    const page = await suite.as.operator.agent.get(`/runs/${runId}`);
    expect(page.status).toBe(200);
    const cell = decode(ticketCell(page.text, runId));
    expect(cell).toContain(`href="${d.ticketUrl(ticket.id)}" target="_blank" rel="noopener"`);
    expect(cell).toContain(
      `Open ticket ${ticket.number}<span class="visually-hidden"> in ${d.name} (opens in a new tab)`,
    );
    expect(cell).toContain(`Status: <strong>${status}</strong>`);
    await settleDeferredWork();
  }

  it('keeps each PSA’s tickets linked and shown, sends nothing about them, and restores the mappings', async () => {
    const at = suite.drivers('autotask');
    const cw = suite.drivers('connectwise');
    const { operator } = suite.as;
    const db = suite.db.prisma;

    // With Autotask active: a ticket on the first run.
    const { customer, job, run } = await suite.customerWithRun(at.companies.contoso, { customerName: 'Contoso' });
    const { row: first, ticket: atTicket } = await createThroughApp(suite, operator, run.id);
    expect(first.psaType).toBe('autotask');

    // Use ConnectWise.
    const switched = await use('/settings/connectwise');
    expect(switched[0]).toMatch(/^success: ConnectWise is now the active PSA: new tickets go to ConnectWise\./);
    expect((await db.connectWiseSettings.findUniqueOrThrow({ where: { id: 1 } })).enabled).toBe(true);
    expect((await db.integrationSettings.findUniqueOrThrow({ where: { id: 1 } })).enabled).toBe(false);
    expect(await db.companyMapping.findUnique({ where: { customerId: customer.id } })).toBeNull();
    expect(await db.storedMapping.findMany({ where: { customerId: customer.id } })).toMatchObject([
      { psaType: 'autotask', companyId: at.companies.contoso.id },
    ]);

    // The Autotask ticket stays linked and shown as it was last read; nothing is sent about it.
    at.clearRequestLog();
    cw.clearRequestLog();
    await expectShown(run.id, at, atTicket, at.newStatus.label);
    expect(await db.ticket.findUniqueOrThrow({ where: { originRunId: run.id } })).toMatchObject({
      psaType: 'autotask',
      ticketId: atTicket.id,
      ticketNumber: atTicket.number,
    });
    const resolve = await postResolve(operator, run.id);
    expect(resolve.flash).toContain('This ticket is in Autotask, which is no longer the active PSA: open it there.');
    expect(at.calls()).toEqual([]);
    expect(cw.calls().filter((c) => c.path.includes('/service/tickets'))).toEqual([]);
    expect(at.ticket(atTicket.id)).toMatchObject({ closed: false });

    // Mapped to its ConnectWise company, the customer's next failure gets a ConnectWise ticket.
    const { agent, csrf } = suite.as.admin;
    const mapped = await agent
      .post(`/customers/${customer.id}/mapping`)
      .type('form')
      .send({ _csrf: csrf, companyId: String(cw.companies.contoso.id), source: 'id' });
    expect(mapped.status).toBe(302);
    const nextRun = await addRunOfJob(suite.db, job.id);
    const { row: second, ticket: cwTicket } = await createThroughApp(suite, operator, nextRun.id);
    expect(second.psaType).toBe('connectwise');
    expect(cwTicket.companyId).toBe(cw.companies.contoso.id);
    expect(at.calls()).toEqual([]);
    await expectShown(nextRun.id, cw, cwTicket, cw.newStatus.label);
    await expectShown(run.id, at, atTicket, at.newStatus.label);
    expect(at.calls()).toEqual([]);

    // Use Autotask again: its mapping comes back, ConnectWise's is put aside.
    const back = await use('/settings/autotask');
    expect(back[0]).toMatch(/^success: Autotask is now the active PSA: new tickets go to Autotask\./);
    expect(await db.companyMapping.findUnique({ where: { customerId: customer.id } })).toMatchObject({
      psaType: 'autotask',
      companyId: at.companies.contoso.id,
      status: 'ok',
    });
    expect(await db.storedMapping.findMany({ where: { customerId: customer.id } })).toMatchObject([
      { psaType: 'connectwise', companyId: cw.companies.contoso.id },
    ]);

    // The ConnectWise ticket stays shown; nothing is sent to ConnectWise about it.
    cw.clearRequestLog();
    await expectShown(nextRun.id, cw, cwTicket, cw.newStatus.label);
    expect(cw.calls()).toEqual([]);
    expect(cw.ticket(cwTicket.id)).toMatchObject({ closed: false });

    // And the restored mapping takes the next failure to Autotask.
    const third = await addRunOfJob(suite.db, job.id);
    const { row: thirdRow, ticket: again } = await createThroughApp(suite, operator, third.id);
    expect(thirdRow.psaType).toBe('autotask');
    expect(again.companyId).toBe(at.companies.contoso.id);
    expect(cw.calls()).toEqual([]);
  }, 60_000);
});
