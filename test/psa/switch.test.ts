import { beforeEach, describe, expect, it } from 'vitest';
import { RuleError } from '../../src/errors/catalogue.ts';
import { activatePsa, activePsaType } from '../../src/psa/switch.ts';
import { systemActor } from '../../src/services/accounts/audit.ts';
import { resetData, useTestDatabase } from '../support/db.ts';
import { makeCustomerWithRun } from '../support/fixtures.ts';

/**
 * Switching the active PSA (src/psa/switch.ts): one enabled settings row, the other PSA's mappings
 * kept aside and brought back, tickets untouched.
 */

const ctx = useTestDatabase();
const actor = systemActor;

beforeEach(async () => {
  await resetData(ctx.db);
  const db = ctx.db.prisma;
  await db.integrationSettings.create({
    data: {
      id: 1,
      enabled: true,
      apiUsername: 'api@example.com',
      secretEncrypted: 'v1.x.y.z',
      integrationCode: 'CODE',
    },
  });
  await db.connectWiseSettings.create({
    data: {
      id: 1,
      siteHost: 'api-eu.myconnectwise.net',
      codebase: 'v4_6_release',
      companyId: 'acme',
      publicKey: 'pub',
      privateKeyEncrypted: 'v1.a.b.c',
      clientId: 'client',
    },
  });
});

const enabled = async () => {
  const db = ctx.db.prisma;
  const [at, cw] = await Promise.all([
    db.integrationSettings.findUniqueOrThrow({ where: { id: 1 } }),
    db.connectWiseSettings.findUniqueOrThrow({ where: { id: 1 } }),
  ]);
  return { autotask: at.enabled, connectwise: cw.enabled };
};

const mappings = () =>
  ctx.db.prisma.companyMapping.findMany({
    orderBy: { customerId: 'asc' },
    select: { customerId: true, psaType: true, companyId: true, companyName: true, status: true, lastSyncAt: true },
  });
const stored = () =>
  ctx.db.prisma.storedMapping.findMany({
    orderBy: { customerId: 'asc' },
    select: { customerId: true, psaType: true, companyId: true, companyName: true, contactId: true },
  });

describe('activatePsa', () => {
  it('enables only the chosen PSA', async () => {
    expect(await activePsaType(ctx.db.prisma)).toBe('autotask');
    await activatePsa(ctx.db.prisma, 'connectwise', actor);
    expect(await enabled()).toEqual({ autotask: false, connectwise: true });
    expect(await activePsaType(ctx.db.prisma)).toBe('connectwise');
    await activatePsa(ctx.db.prisma, 'autotask', actor);
    expect(await enabled()).toEqual({ autotask: true, connectwise: false });
  });

  it('moves the mappings both ways and back again', async () => {
    const a = await makeCustomerWithRun(ctx.db, { customerName: 'Acme', companyId: 105 });
    const b = await makeCustomerWithRun(ctx.db, { customerName: 'Brightline', companyId: 106 });
    const c = await makeCustomerWithRun(ctx.db, { customerName: 'Unmapped', companyId: null });
    await ctx.db.prisma.companyMapping.update({
      where: { customerId: a.customer.id },
      data: { contactId: 30, contactName: 'Jane' },
    });

    const toCw = await activatePsa(ctx.db.prisma, 'connectwise', actor);
    expect(toCw).toMatchObject({ psa: 'connectwise', previous: 'autotask', changed: true, stored: 2, restored: 0 });
    // Nobody is mapped with ConnectWise yet; the Autotask mappings are kept aside.
    expect(await mappings()).toEqual([]);
    expect(await stored()).toEqual([
      { customerId: a.customer.id, psaType: 'autotask', companyId: 105, companyName: 'Company 105', contactId: 30 },
      { customerId: b.customer.id, psaType: 'autotask', companyId: 106, companyName: 'Company 106', contactId: null },
    ]);

    // One customer gets a ConnectWise company while ConnectWise is active.
    await ctx.db.prisma.companyMapping.create({
      data: {
        customerId: c.customer.id,
        psaType: 'connectwise',
        companyId: 250,
        companyName: 'Acme Dental',
        status: 'ok',
      },
    });

    const back = await activatePsa(ctx.db.prisma, 'autotask', actor);
    expect(back).toMatchObject({ psa: 'autotask', previous: 'connectwise', stored: 1, restored: 2 });
    const restored = await mappings();
    expect(restored.map(({ lastSyncAt: _, ...m }) => m)).toEqual([
      { customerId: a.customer.id, psaType: 'autotask', companyId: 105, companyName: 'Company 105', status: 'ok' },
      { customerId: b.customer.id, psaType: 'autotask', companyId: 106, companyName: 'Company 106', status: 'ok' },
    ]);
    // Restored as stored, for the next company sync to confirm.
    expect(restored.every((m) => m.lastSyncAt === null)).toBe(true);
    const contact = await ctx.db.prisma.companyMapping.findUniqueOrThrow({ where: { customerId: a.customer.id } });
    expect(contact).toMatchObject({ contactId: 30, contactName: 'Jane' });
    expect(await stored()).toEqual([
      {
        customerId: c.customer.id,
        psaType: 'connectwise',
        companyId: 250,
        companyName: 'Acme Dental',
        contactId: null,
      },
    ]);

    await activatePsa(ctx.db.prisma, 'connectwise', actor);
    expect((await mappings()).map((m) => [m.customerId, m.psaType, m.companyId])).toEqual([
      [c.customer.id, 'connectwise', 250],
    ]);
    expect((await stored()).map((m) => [m.customerId, m.psaType])).toEqual([
      [a.customer.id, 'autotask'],
      [b.customer.id, 'autotask'],
    ]);
  });

  it('leaves tickets alone', async () => {
    const a = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    const ticket = await ctx.db.prisma.ticket.create({
      data: {
        originRunId: a.run.id,
        jobId: a.job.id,
        runs: { connect: { id: a.run.id } },
        state: 'created',
        reference: 'BC-RUN-switch',
        ticketId: 7001,
        ticketNumber: 'T20260101.0001',
      },
    });
    await activatePsa(ctx.db.prisma, 'connectwise', actor);
    await activatePsa(ctx.db.prisma, 'autotask', actor);
    const after = await ctx.db.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id }, include: { runs: true } });
    expect(after).toMatchObject({ psaType: 'autotask', ticketId: 7001, state: 'created', updatedAt: ticket.updatedAt });
    expect(after.runs.map((r) => r.id)).toEqual([a.run.id]);
  });

  it('audits a switch, not a repeat', async () => {
    await activatePsa(ctx.db.prisma, 'connectwise', actor);
    const again = await activatePsa(ctx.db.prisma, 'connectwise', actor);
    expect(again.changed).toBe(false);
    const events = await ctx.db.prisma.auditEvent.findMany({ where: { action: 'psa.activated' } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ targetId: 'connectwise' });
    expect(events[0]!.summary).toContain('Switched the active PSA to ConnectWise (was Autotask)');
  });

  it('refuses a PSA without saved credentials and changes nothing', async () => {
    await ctx.db.prisma.connectWiseSettings.update({ where: { id: 1 }, data: { privateKeyEncrypted: null } });
    await makeCustomerWithRun(ctx.db, { companyId: 105 });
    await expect(activatePsa(ctx.db.prisma, 'connectwise', actor)).rejects.toBeInstanceOf(RuleError);
    expect(await enabled()).toEqual({ autotask: true, connectwise: false });
    expect(await mappings()).toHaveLength(1);
    expect(await stored()).toEqual([]);
  });

  it('keeps a stored mapping aside when its company is mapped to another customer already', async () => {
    const a = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    await activatePsa(ctx.db.prisma, 'connectwise', actor);
    // Stored for a, while Autotask's company 105 reaches another customer by other means.
    const other = await makeCustomerWithRun(ctx.db, { companyId: null });
    await ctx.db.prisma.companyMapping.update({
      where: { customerId: other.customer.id },
      data: { psaType: 'autotask', companyId: 105, status: 'ok' },
    });
    const back = await activatePsa(ctx.db.prisma, 'autotask', actor);
    expect(back).toMatchObject({ restored: 0, keptStored: 1 });
    expect((await stored()).map((m) => m.customerId)).toEqual([a.customer.id]);
  });
});
