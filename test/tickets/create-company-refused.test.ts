import { describe, expect, it } from 'vitest';
import { settleDeferredWork } from '../../src/shared/deferred-work.ts';
import { useAppWithSimulator } from '../support/app-with-simulator.ts';
import { makeCustomerWithRun } from '../support/fixtures.ts';
import { cachePicklists, decode, postCreate, simTicketsOfRun, ticketCell, ticketCreatePosts } from './helpers.ts';

/**
 * The click does not read the company before the create: Autotask refuses a ticket for a company
 * deleted or made inactive since the last sync, and that refusal is what checks the mapping
 * (src/services/tickets/create/company-refusal.ts). Against the simulator, which refuses such a
 * companyID the way docs/autotask.md (Companies) describes.
 */

const suite = useAppWithSimulator({
  prepare: (s) => cachePicklists(s.db, s.sim),
  signIn: ['operator', 'admin'],
  warmZone: true,
});
const { ctx, simCtx } = suite;
const { operator, admin } = suite.as;

const REFUSED_COMPANY = 'Reference value on field: companyID of type: Company does not exist or is invalid.';
const row = (runId: number) => ctx.db.prisma.ticket.findUniqueOrThrow({ where: { originRunId: runId } });
const mappingOf = (customerId: number) => ctx.db.prisma.companyMapping.findUniqueOrThrow({ where: { customerId } });

describe('the mapped company was made inactive in Autotask since the last sync', () => {
  it('is refused by Autotask; the mapping is checked and marked invalid, the attempt failed, no ticket', async () => {
    const { sim } = simCtx;
    const { run, customer } = await makeCustomerWithRun(ctx.db, { customerName: 'Acme Dental', companyId: 105 });
    expect((await mappingOf(customer.id)).status).toBe('ok');
    sim.state.deactivateCompany(105);
    sim.state.clearRequestLog();

    const res = await postCreate(operator.agent, operator.csrf, run.id).redirects(1);
    const page = decode(res.text);
    expect(page).toContain(
      'Autotask did not create the ticket. It did not accept the Autotask company of Acme Dental (company 105). Company 105 is inactive in Autotask. The mapping is marked invalid: an admin must fix it before a ticket can be created.',
    );
    // Autotask's own words, verbatim, under ours.
    expect(page).toContain(`Autotask said: <q>${REFUSED_COMPANY}</q>`);

    // The create, refused; then the one company read that checks the mapping. Nothing else.
    expect(sim.requestLog.map((e) => `${e.method} ${e.entity}`)).toEqual(['POST Tickets', 'GET Companies']);
    expect(simTicketsOfRun(sim, run.id)).toHaveLength(0);
    expect(await mappingOf(customer.id)).toMatchObject({
      status: 'invalid',
      statusReason: 'Company 105 is inactive in Autotask.',
    });
    expect(await row(run.id)).toMatchObject({ state: 'failed', ticketId: null });
    expect((await row(run.id)).lastError).toContain(REFUSED_COMPANY);
    const event = await ctx.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'ticket.creation_failed' } });
    expect(event.summary).toContain('because of company 105');

    // The run now shows the failed attempt and why tickets are blocked; the button is disabled.
    const cell = decode(ticketCell(res.text, run.id));
    expect(cell).toContain('The Autotask company of Acme Dental was deleted or is inactive (company 105).');
    expect(cell).not.toContain(`action="/runs/${run.id}/ticket"`);
    // A second click sends nothing: the stored mapping blocks it now.
    await postCreate(operator.agent, operator.csrf, run.id);
    expect(ticketCreatePosts(sim)).toHaveLength(1);
  });

  it('once the company is active again and the mapping refreshed, a retry creates exactly one ticket', async () => {
    const { sim } = simCtx;
    const { run, customer } = await makeCustomerWithRun(ctx.db, { companyId: 108 });
    sim.state.deactivateCompany(108);
    await postCreate(operator.agent, operator.csrf, run.id);
    expect((await row(run.id)).state).toBe('failed');

    sim.state.activateCompany(108);
    const refreshed = await admin.agent
      .post(`/customers/${customer.id}/mapping/refresh`)
      .type('form')
      .send({ _csrf: admin.csrf });
    expect(refreshed.status).toBe(302);
    expect((await mappingOf(customer.id)).status).toBe('ok');

    const retried = await postCreate(operator.agent, operator.csrf, run.id).redirects(1);
    expect(retried.text).toContain('Created Autotask ticket');
    await settleDeferredWork();
    expect(simTicketsOfRun(sim, run.id)).toHaveLength(1);
    expect(await row(run.id)).toMatchObject({ state: 'created', ticketId: simTicketsOfRun(sim, run.id)[0]!.id });
    expect(ticketCreatePosts(sim)).toHaveLength(2);
  });
});

describe('the mapped company was deleted in Autotask since the last sync', () => {
  it('is refused the same way and the mapping says the company is gone', async () => {
    const { sim } = simCtx;
    const { run, customer } = await makeCustomerWithRun(ctx.db, { customerName: 'Contoso', companyId: 110 });
    sim.state.deleteCompany(110);

    const page = decode((await postCreate(operator.agent, operator.csrf, run.id).redirects(1)).text);
    expect(page).toContain('It did not accept the Autotask company of Contoso (company 110).');
    expect(page).toContain('Autotask returned no company with ID 110');
    expect(page).toContain(`Autotask said: <q>${REFUSED_COMPANY}</q>`);
    expect(await mappingOf(customer.id)).toMatchObject({ status: 'invalid' });
    expect((await row(run.id)).state).toBe('failed');
    expect(simTicketsOfRun(sim, run.id)).toHaveLength(0);
  });

  it('leaves the mapping as it was when the company cannot be read after the refusal', async () => {
    const { sim } = simCtx;
    const { run, customer } = await makeCustomerWithRun(ctx.db, { companyId: 112 });
    sim.state.deleteCompany(112);
    sim.faults.failNext({ method: 'GET', entity: 'Companies', status: 502, body: 'text', count: 5 });

    const page = decode((await postCreate(operator.agent, operator.csrf, run.id).redirects(1)).text);
    expect(page).toContain('Backupchecks could not read the company again to check why, so the mapping is unchanged');
    expect(page).toContain(`Autotask said: <q>${REFUSED_COMPANY}</q>`);
    expect((await mappingOf(customer.id)).status).toBe('ok');
    expect((await row(run.id)).state).toBe('failed');
  });
});
