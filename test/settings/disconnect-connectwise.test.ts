import { beforeEach, describe, expect, it } from 'vitest';
import type { PsaType } from '../../src/psa/port.ts';
import { useAppWithPsa } from '../support/psa-harness.ts';
import { decode } from './helpers.ts';

/**
 * Disconnecting Autotask while ConnectWise is the active PSA: only Autotask's data is counted and,
 * with "delete", removed — its mappings kept aside (StoredMapping), its tickets' references, its
 * API log entries. ConnectWise's mappings, tickets and log entries are not Autotask's to touch.
 */

const suite = useAppWithPsa('connectwise', { signIn: ['admin'] });

let customerIds: number[];

/** A ticket row of `psa` for the run, as the create flow leaves it. */
async function ticketOf(psa: PsaType, run: { id: number; jobId: number }, ticketId: number, ticketNumber: string) {
  await suite.db.prisma.ticket.create({
    data: {
      originRunId: run.id,
      jobId: run.jobId,
      runs: { connect: { id: run.id } },
      state: 'created',
      psaType: psa,
      reference: `BC-RUN-${run.id}-${psa}`,
      ticketId,
      ticketNumber,
    },
  });
}

const apiCall = (psa: PsaType) => ({
  psaType: psa,
  operation: 'companies.get',
  method: 'GET',
  path: '/companies/1',
  status: 200,
  ok: true,
  durationMs: 5,
});

beforeEach(async () => {
  const { acme, contoso } = suite.driver.companies;
  const a = await suite.customerWithRun(acme, { customerName: 'Acme Dental' });
  const b = await suite.customerWithRun(contoso, { customerName: 'Contoso' });
  customerIds = [a.customer.id, b.customer.id];
  // Acme's Autotask mapping, kept aside since ConnectWise became active; a ticket from those days.
  await suite.db.prisma.storedMapping.create({
    data: { customerId: a.customer.id, psaType: 'autotask', companyId: 100, companyName: 'Acme Dental' },
  });
  await ticketOf('autotask', a.run, 7101, 'T20260113.0001');
  await ticketOf('connectwise', b.run, 9101, '9101');
  await suite.db.prisma.apiCallLog.deleteMany({});
  await suite.db.prisma.apiCallLog.createMany({
    data: [apiCall('autotask'), apiCall('autotask'), apiCall('connectwise')],
  });
});

const remaining = async () => ({
  activeMappings: await suite.db.prisma.companyMapping.count({
    where: { psaType: 'connectwise', customerId: { in: customerIds } },
  }),
  storedAutotask: await suite.db.prisma.storedMapping.count({ where: { psaType: 'autotask' } }),
  tickets: (await suite.db.prisma.ticket.findMany({ orderBy: { id: 'asc' } })).map((t) => t.psaType),
  apiCalls: (await suite.db.prisma.apiCallLog.findMany({ orderBy: { id: 'asc' } })).map((c) => c.psaType),
});

describe('disconnecting Autotask while ConnectWise is active', () => {
  it('counts only Autotask’s mappings and ticket links', async () => {
    const res = await suite.as.admin.agent.get('/settings/autotask/disconnect');
    expect(res.status).toBe(200);
    const html = decode(res.text);
    expect(html).toContain('The 1 company mappings and 1 ticket links stay, read-only.');
    expect(html).toContain('the API call log (2 entries)');
  });

  it('deleting the data removes Autotask’s alone; ConnectWise’s mappings, tickets and log stay', async () => {
    const { agent, csrf } = suite.as.admin;
    const res = await agent
      .post('/settings/autotask/disconnect')
      .type('form')
      .send({ _csrf: csrf, mode: 'delete', confirm: 'DELETE' });
    expect(res.status).toBe(302);

    expect(await remaining()).toEqual({
      activeMappings: 2,
      storedAutotask: 0,
      tickets: ['autotask', 'connectwise'],
      apiCalls: ['connectwise'],
    });
    const event = await suite.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'autotask.disconnected' } });
    expect(event.summary).toBe(
      'Disconnected Autotask, data deleted: 1 company mappings, the picklists, the zone cache and 2 API log entries removed; 1 ticket references kept (listed in the details)',
    );
    const references = (event.details as { ticketReferences: string }).ticketReferences;
    expect(references).toContain('T20260113.0001');
    expect(references).not.toContain('9101');
    // ConnectWise stays the active PSA.
    expect(await suite.db.prisma.connectWiseSettings.findUniqueOrThrow({ where: { id: 1 } })).toMatchObject({
      enabled: true,
    });
  });

  it('keeping the data leaves every mapping and counts Autotask’s', async () => {
    const { agent, csrf } = suite.as.admin;
    const before = await remaining();
    const res = await agent.post('/settings/autotask/disconnect').type('form').send({ _csrf: csrf, mode: 'keep' });
    expect(res.status).toBe(302);
    expect(await remaining()).toEqual(before);
    const event = await suite.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'autotask.disconnected' } });
    expect(event.details).toMatchObject({ mode: 'keep', mappingsKept: 1, ticketLinks: 1 });
  });
});
