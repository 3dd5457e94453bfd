import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USER, ISSUE, QUEUE, SUB_ISSUE } from '@backupchecks/autotask-simulator';
import {
  SIMULATOR_STATE_FILE,
  startDemoAutotask,
  type DemoAutotask,
} from '../../src/services/demo/autotask-simulator.ts';
import { createLogger } from '../../src/logger.ts';
import { seedDemoDataIfEmpty } from '../../src/services/demo/seed-demo-data.ts';
import { validateConfiguration } from '../../src/services/integration/validate-configuration.ts';
import { settleDeferredWork } from '../../src/shared/deferred-work.ts';
import { getIntegrationSettings, SETTINGS_ID } from '../../src/services/integration/settings.ts';
import { decryptSecret } from '../../src/shared/secret-box.ts';
import { buildTestApp, signInAs, testConfig, testSecrets } from '../support/app.ts';
import { borrowTestDatabase, useTestDatabase } from '../support/db.ts';
import { makeCustomerWithRun } from '../support/fixtures.ts';

/**
 * The demo default: with demo data on and no AUTOTASK_ZONE_LOOKUP_URL, the simulator starts and an
 * untouched settings row is configured against it — enough to create a ticket at once — and the
 * simulator's tenant survives a restart through the data folder.
 */

const ctx = useTestDatabase();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bc-demo-autotask-'));
const logger = createLogger('silent');
const demoConfig = (env: Record<string, string> = {}) => testConfig({ DEMO_DATA: 'true', DATA_DIR: dataDir, ...env });
const start = (env: Record<string, string> = {}, db = ctx.db) =>
  startDemoAutotask({ config: demoConfig(env), db: db.prisma, encryptionKey: testSecrets.encryptionKey, logger });

let demo: DemoAutotask | null = null;

beforeAll(() => {
  fs.rmSync(path.join(dataDir, SIMULATOR_STATE_FILE), { force: true });
});
afterAll(async () => {
  await settleDeferredWork();
  await demo?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('demo Autotask on an empty database', () => {
  it('configures a working integration with defaults picked from the simulator by label', async () => {
    demo = await start();
    expect(demo).not.toBeNull();
    expect(demo!.controlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/__sim\/$/);
    // A failure half-way saves nothing, so the next start tries again.
    demo!.simulator.faults.failNext({ entity: 'Tickets', status: 500, errors: ['Metadata is unavailable.'] });
    await expect(demo!.configure('http://localhost:3999/')).rejects.toThrow();
    expect((await getIntegrationSettings(ctx.db.prisma)).apiUsername).toBeNull();
    expect(await demo!.configure('http://localhost:3999/')).toBe(true);

    const s = await getIntegrationSettings(ctx.db.prisma);
    expect(s).toMatchObject({
      enabled: true,
      environment: 'sandbox',
      apiUsername: DEMO_USER.username,
      integrationCode: DEMO_USER.integrationCode,
      baseUrl: 'http://localhost:3999',
      queueId: QUEUE.monitoringAlerts,
      issueTypeId: ISSUE.backup,
      subIssueTypeId: SUB_ISSUE.backupFailed,
      sourceId: 8, // Monitoring Alert
      priorityErrorId: 1, // High
      priorityWarningId: 2, // Medium
      newStatusId: 1, // New
      noteTypeId: 1, // the first active note type
      allowResolve: true,
      apiLogLevel: 'all',
      updatedById: null,
    });
    expect(s.secretEncrypted).not.toContain(DEMO_USER.secret);
    expect(decryptSecret(s.secretEncrypted!, testSecrets.encryptionKey)).toBe(DEMO_USER.secret);
    expect(s.picklistsLoadedAt).not.toBeNull();
    expect(await ctx.db.prisma.auditEvent.count({ where: { action: 'autotask.demo_configured' } })).toBe(1);

    const built = buildTestApp(ctx.db, { AUTOTASK_ZONE_LOOKUP_URL: demo!.zoneLookupUrl });
    try {
      const result = await validateConfiguration({ db: ctx.db.prisma, access: built.context.autotask }, s);
      expect(result.items.filter((i) => i.state === 'failed')).toEqual([]);
    } finally {
      await built.close();
    }
  });

  it('lets a new user create a ticket at once, with those defaults', async () => {
    const { run } = await makeCustomerWithRun(ctx.db, { customerName: 'Acme Dental', companyId: 105, status: 'error' });
    const built = buildTestApp(ctx.db, { AUTOTASK_ZONE_LOOKUP_URL: demo!.zoneLookupUrl });
    try {
      const { agent, csrf } = await signInAs(built.app, ctx.db, 'operator');
      const res = await agent
        .post(`/runs/${run.id}/ticket`)
        .type('form')
        .send({ _csrf: csrf, returnTo: `/runs/${run.id}` });
      expect(res.status).toBe(302);
      await settleDeferredWork();
    } finally {
      await built.close();
    }
    const row = await ctx.db.prisma.ticket.findUniqueOrThrow({ where: { originRunId: run.id } });
    expect(row.state).toBe('created');
    const ticket = demo!.simulator.state.ticket(row.ticketId!)!;
    expect(ticket).toMatchObject({
      companyID: 105,
      queueID: QUEUE.monitoringAlerts,
      issueType: ISSUE.backup,
      subIssueType: SUB_ISSUE.backupFailed,
      priority: 1,
      status: 1,
      source: 8,
    });
  });

  it('keeps the simulator tenant across a restart, and does not configure twice', async () => {
    const row = await ctx.db.prisma.ticket.findFirstOrThrow({ where: { ticketId: { not: null } } });
    const file = path.join(dataDir, SIMULATOR_STATE_FILE);
    expect(fs.readFileSync(file, 'utf8')).toContain(row.ticketNumber!);
    const before = await getIntegrationSettings(ctx.db.prisma);
    expect(before.zoneApiUrl).not.toBeNull();

    await demo!.close();
    demo = await start();
    expect(demo!.simulator.state.ticket(row.ticketId!)?.ticketNumber).toBe(row.ticketNumber);
    // The cached zone pointed at the previous simulator (its port may change): cleared at start.
    expect((await getIntegrationSettings(ctx.db.prisma)).zoneApiUrl).toBeNull();
    expect(await demo!.configure('http://localhost:4000')).toBe(false);
    const after = await getIntegrationSettings(ctx.db.prisma);
    expect(after.baseUrl).toBe(before.baseUrl);
    expect(after.secretEncrypted).toBe(before.secretEncrypted);
  });

  it('does not configure a settings row an admin has saved or disconnected', async () => {
    await ctx.db.prisma.integrationSettings.update({
      where: { id: SETTINGS_ID },
      data: { enabled: false, apiUsername: null, secretEncrypted: null, integrationCode: null, updatedById: 1 },
    });
    expect(await demo!.configure('http://localhost:4000')).toBe(false);
    expect((await getIntegrationSettings(ctx.db.prisma)).apiUsername).toBeNull();
  });
});

describe('no demo Autotask', () => {
  it('when AUTOTASK_ZONE_LOOKUP_URL is set: no simulator, nothing pre-configured', async () => {
    const db = await borrowTestDatabase();
    try {
      expect(
        await start({ AUTOTASK_ZONE_LOOKUP_URL: 'https://sandbox-proxy.example.com/ATServicesRest' }, db),
      ).toBeNull();
      expect(await db.prisma.integrationSettings.count()).toBe(0);
      expect(testConfig({ DEMO_DATA: 'false' }).demoData).toBe(false);
      expect(await start({ DEMO_DATA: 'false' }, db)).toBeNull();
    } finally {
      await db.close();
    }
  });
});

describe('demo customers', () => {
  it('maps the demo customers to their Autotask companies, leaving two for Suggest mappings', async () => {
    const db = await borrowTestDatabase();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bc-demo-map-'));
    const other = await startDemoAutotask({
      config: demoConfig({ DATA_DIR: dir, AUTOTASK_SIMULATOR_PORT: '0' }),
      db: db.prisma,
      encryptionKey: testSecrets.encryptionKey,
      logger,
    });
    try {
      await seedDemoDataIfEmpty(db.prisma);
      expect(await other!.configure('http://localhost:3999')).toBe(true);
      const customers = await db.prisma.customer.findMany({ include: { mapping: true }, orderBy: { name: 'asc' } });
      const mapped = customers.filter((c) => c.mapping?.status === 'ok');
      expect(customers.filter((c) => !c.mapping).map((c) => c.name)).toEqual(['Greenfield Schools', 'Tailspin Toys']);
      expect(mapped).toHaveLength(6);
      for (const c of mapped) {
        const company = other!.simulator.state.companies.find((x) => x.id === c.mapping!.companyId)!;
        expect(company.companyName).toBe(c.name);
      }
    } finally {
      await other?.close();
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
