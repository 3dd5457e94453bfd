import { beforeEach, describe, expect, it } from 'vitest';
import { settleDeferredWork } from '../../src/shared/deferred-work.ts';
import type { Agent } from '../support/app.ts';
import { useAppWithSimulator } from '../support/app-with-simulator.ts';
import { makeCreatedTicket, makeCustomerWithRun } from '../support/fixtures.ts';
import { afterRedirect, decode, settingsRow } from './helpers.ts';

/**
 * Disconnect: keep data / delete data. What remains, what is gone, and that no request
 * reaches Autotask either way.
 */

const suite = useAppWithSimulator({ signIn: ['admin'] });
const { ctx, simCtx } = suite;
let agent: Agent;
let csrf: string;
let ticketed: { runId: number; ticketNumber: string; ticketId: number };
let otherRunId: number;
let customerIds: number[];

beforeEach(async () => {
  ({ agent, csrf } = suite.as.admin);
  // Lists, zone and API log entries as a working integration has them.
  await agent.post('/settings/autotask/picklists/refresh').type('form').send({ _csrf: csrf });
  const a = await makeCustomerWithRun(ctx.db, { customerName: 'Acme Dental', companyId: 105 });
  const b = await makeCustomerWithRun(ctx.db, { customerName: 'Brightline', companyId: 106 });
  const { runTicket } = await makeCreatedTicket(ctx.db, simCtx.sim, a.run.id, { companyId: 105 });
  ticketed = { runId: a.run.id, ticketNumber: runTicket.ticketNumber!, ticketId: runTicket.ticketId! };
  otherRunId = b.run.id;
  customerIds = [a.customer.id, b.customer.id];
  await settleDeferredWork();
  simCtx.sim.state.clearRequestLog();
});

const disconnect = (form: Record<string, string>) =>
  agent
    .post('/settings/autotask/disconnect')
    .type('form')
    .send({ _csrf: csrf, ...form });

const counts = async () => ({
  mappings: await ctx.db.prisma.companyMapping.count({ where: { companyId: { not: null } } }),
  customers: await ctx.db.prisma.customer.count(),
  runTickets: await ctx.db.prisma.ticket.count(),
  apiCalls: await ctx.db.prisma.apiCallLog.count(),
});

describe('the disconnect page', () => {
  it('offers the Markdown export first, explains both options and asks for the word for deleting', async () => {
    const res = await agent.get('/settings/autotask/disconnect');
    expect(res.status).toBe(200);
    const html = decode(res.text);
    expect(html.indexOf('href="/settings/autotask/export.md"')).toBeLessThan(html.indexOf('name="mode" value="keep"'));
    expect(html).toContain('The 2 company mappings and 1 ticket links stay, read-only.');
    expect(html).toContain('Type <strong>DELETE</strong> to confirm');
    expect(html).toContain('Nothing is deleted or changed in Autotask');
  });
});

describe('disconnect, keep the data', () => {
  it('switches off and erases the credentials; mappings, ticket links and lists stay; Autotask hears nothing', async () => {
    const before = await counts();
    const res = await disconnect({ mode: 'keep' });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/settings/autotask');

    const row = await settingsRow(ctx.db);
    expect(row).toMatchObject({
      enabled: false,
      apiUsername: null,
      secretEncrypted: null,
      integrationCode: null,
      zoneName: null,
      zoneApiUrl: null,
      zoneWebUrl: null,
      zoneCheckedAt: null,
    });
    expect(row.picklists).not.toBeNull();
    expect(await counts()).toEqual(before);
    const event = await ctx.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'autotask.disconnected' } });
    expect(event.summary).toContain('data kept');

    // Read-only: the ticket link is still shown, new tickets are refused without asking Autotask.
    const run = decode((await agent.get(`/runs/${ticketed.runId}`)).text);
    expect(run).toContain(ticketed.ticketNumber);
    const other = decode((await agent.get(`/runs/${otherRunId}`)).text);
    expect(other).not.toContain(`action="/runs/${otherRunId}/ticket"`);
    const refused = await afterRedirect(
      agent,
      agent
        .post(`/runs/${otherRunId}/ticket`)
        .type('form')
        .send({ _csrf: csrf, returnTo: `/runs/${otherRunId}` }),
    );
    expect(decode(refused.text)).toContain('The Autotask integration is switched off.');
    expect(await ctx.db.prisma.ticket.count({ where: { originRunId: otherRunId } })).toBe(0);

    const settings = decode((await agent.get('/settings/autotask')).text);
    expect(settings).toContain('<span class="badge integration-disabled">Disabled</span>');
    await settleDeferredWork();
    expect(simCtx.sim.requestLog).toEqual([]);
  });
});

describe('disconnect, delete the data', () => {
  it('needs the word typed exactly; otherwise nothing changes', async () => {
    const before = await counts();
    for (const confirm of ['', 'delete', 'DELET']) {
      const res = await disconnect({ mode: 'delete', confirm });
      expect(res.status).toBe(422);
      expect(decode(res.text)).toContain('Type DELETE (in capitals) to confirm that the data is deleted.');
    }
    expect(await counts()).toEqual(before);
    expect((await settingsRow(ctx.db)).enabled).toBe(true);
  });

  it('removes mappings, cached names, lists, zone and API log; keeps customers and run tickets, with references in the audit log', async () => {
    const before = await counts();
    expect(before.apiCalls).toBeGreaterThan(0);
    const res = await disconnect({ mode: 'delete', confirm: 'DELETE' });
    expect(res.status).toBe(302);

    expect(await counts()).toEqual({
      mappings: 0,
      customers: before.customers,
      runTickets: before.runTickets,
      apiCalls: 0,
    });
    expect(await ctx.db.prisma.companyMapping.count()).toBe(0);
    expect(await ctx.db.prisma.customer.count({ where: { id: { in: customerIds } } })).toBe(2);
    const row = await settingsRow(ctx.db);
    expect(row).toMatchObject({
      enabled: false,
      apiUsername: null,
      secretEncrypted: null,
      integrationCode: null,
      zoneApiUrl: null,
      picklists: null,
      picklistsLoadedAt: null,
    });
    const kept = await ctx.db.prisma.ticket.findUniqueOrThrow({ where: { originRunId: ticketed.runId } });
    expect(kept).toMatchObject({ ticketNumber: ticketed.ticketNumber, ticketId: ticketed.ticketId });

    const event = await ctx.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'autotask.disconnected' } });
    expect(event.summary).toContain('data deleted');
    expect(event.details).toMatchObject({
      mode: 'delete',
      mappingsDeleted: 2,
      ticketReferences: expect.stringContaining(
        `Run ${ticketed.runId} → ${ticketed.ticketNumber} (ticket ID ${ticketed.ticketId}`,
      ) as unknown,
    });

    const flash = decode((await agent.get('/settings/autotask')).text);
    expect(flash).toContain('Autotask disconnected and its data deleted: 2 company mappings');
    await settleDeferredWork();
    expect(simCtx.sim.requestLog).toEqual([]);
  });
});
