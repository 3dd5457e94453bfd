import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOARD, DEFAULT_CREDENTIALS, ITEM, PRIORITY, STATUS, SUBTYPE, TYPE } from '@backupchecks/connectwise-simulator';
import { createLogger } from '../../src/logger.ts';
import { createConnectWiseAccess } from '../../src/psa/connectwise/access.ts';
import { connectWiseListsSchema } from '../../src/psa/connectwise/lists.ts';
import { connectWiseProfile } from '../../src/psa/connectwise/profile.ts';
import { getConnectWiseSettings } from '../../src/psa/connectwise/settings.ts';
import { activePsaType } from '../../src/psa/switch.ts';
import {
  CONNECTWISE_STATE_FILE,
  startDemoConnectWise,
  type DemoConnectWise,
} from '../../src/services/demo/connectwise-simulator.ts';
import { finishDemoPsa, startDemoPsa } from '../../src/services/demo/demo-psa.ts';
import { activateDemoPsa } from '../../src/services/demo/demo-rows.ts';
import { seedDemoDataIfEmpty } from '../../src/services/demo/seed-demo-data.ts';
import { getIntegrationSettings, SETTINGS_ID } from '../../src/services/integration/settings.ts';
import { settleDeferredWork } from '../../src/shared/deferred-work.ts';
import { decryptSecret } from '../../src/shared/secret-box.ts';
import { testConfig, testSecrets } from '../support/app.ts';
import { borrowTestDatabase, useTestDatabase, type TestDatabase } from '../support/db.ts';

/**
 * DEMO_PSA=connectwise: the ConnectWise simulator starts instead of Autotask's, and a settings row
 * nobody has set up is configured against it (credentials, board, statuses, priorities, lists),
 * ConnectWise becomes the active PSA with the demo customers mapped to the simulator's companies,
 * and the simulator's tenant survives a restart through the data folder.
 */

const ctx = useTestDatabase();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bc-demo-connectwise-'));
const logger = createLogger('silent');
const demoConfig = (env: Record<string, string> = {}) =>
  testConfig({
    DEMO_DATA: 'true',
    DEMO_PSA: 'connectwise',
    CONNECTWISE_SIMULATOR_PORT: '0',
    DATA_DIR: dataDir,
    ...env,
  });
const start = (env: Record<string, string> = {}, db: TestDatabase = ctx.db) =>
  startDemoConnectWise({ config: demoConfig(env), db: db.prisma, encryptionKey: testSecrets.encryptionKey, logger });
const profileOf = async (demo: DemoConnectWise, db: TestDatabase = ctx.db) =>
  connectWiseProfile(
    await getConnectWiseSettings(db.prisma),
    createConnectWiseAccess({
      db: db.prisma,
      encryptionKey: testSecrets.encryptionKey,
      timeoutMs: 5_000,
      logger,
      siteOrigin: demo.siteOrigin,
    }),
    db.prisma,
  );

let demo: DemoConnectWise | null = null;

beforeAll(() => {
  fs.rmSync(path.join(dataDir, CONNECTWISE_STATE_FILE), { force: true });
});
afterAll(async () => {
  await settleDeferredWork();
  await demo?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('demo ConnectWise on an empty database', () => {
  it('configures the integration against the simulator and makes ConnectWise the active PSA', async () => {
    await seedDemoDataIfEmpty(ctx.db.prisma);
    demo = await start();
    expect(demo).not.toBeNull();
    expect(demo!.controlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/__sim\/$/);
    expect(demo!.siteOrigin).toBe(`http://127.0.0.1:${demo!.simulator.port}`);
    // A failure half-way saves nothing, so the next start tries again.
    demo!.simulator.faults.failNext({ method: 'GET', resource: 'service/priorities', status: 403, code: 'Security' });
    await expect(demo!.configure()).rejects.toThrow();
    expect((await getConnectWiseSettings(ctx.db.prisma)).publicKey).toBeNull();
    expect(await ctx.db.prisma.companyMapping.count()).toBe(0);

    expect(await demo!.configure()).toBe(true);
    const s = await getConnectWiseSettings(ctx.db.prisma);
    expect(s).toMatchObject({
      enabled: true,
      siteHost: `127.0.0.1:${demo!.simulator.port}`,
      codebase: 'v4_6_release',
      companyId: DEFAULT_CREDENTIALS.companyId,
      publicKey: DEFAULT_CREDENTIALS.publicKey,
      clientId: DEFAULT_CREDENTIALS.clientId,
      boardId: BOARD.monitoring,
      newStatusId: STATUS.monitoringNew,
      closedStatusId: STATUS.resolved,
      typeId: TYPE.alert,
      subTypeId: SUBTYPE.backupAlert,
      itemId: ITEM.appliance,
      priorityErrorId: PRIORITY.quick,
      priorityWarningId: PRIORITY.normal,
      allowResolve: true,
      apiLogLevel: 'all',
      updatedById: null,
    });
    expect(s.privateKeyEncrypted).not.toContain(DEFAULT_CREDENTIALS.privateKey);
    expect(decryptSecret(s.privateKeyEncrypted!, testSecrets.encryptionKey)).toBe(DEFAULT_CREDENTIALS.privateKey);
    const lists = connectWiseListsSchema.parse(s.lists);
    expect(lists.boardId).toBe(BOARD.monitoring);
    expect(lists.statuses.find((x) => x.id === STATUS.resolved)).toMatchObject({ name: 'Resolved', closed: true });
    expect(lists.priorities.map((p) => p.id)).toEqual(expect.arrayContaining([PRIORITY.quick, PRIORITY.normal]));
    expect(s.listsLoadedAt).not.toBeNull();

    expect((await getIntegrationSettings(ctx.db.prisma)).enabled).toBe(false);
    expect(await activePsaType(ctx.db.prisma)).toBe('connectwise');
    expect(await ctx.db.prisma.auditEvent.count({ where: { action: 'connectwise.demo_configured' } })).toBe(1);
  });

  it('maps the demo customers to the simulator’s companies by name, leaving two for Suggest mappings', async () => {
    const customers = await ctx.db.prisma.customer.findMany({ include: { mapping: true }, orderBy: { name: 'asc' } });
    expect(customers.filter((c) => !c.mapping).map((c) => c.name)).toEqual(['Greenfield Schools', 'Tailspin Toys']);
    const mapped = customers.filter((c) => c.mapping);
    expect(mapped).toHaveLength(6);
    for (const c of mapped) {
      expect(c.mapping).toMatchObject({ psaType: 'connectwise', status: 'ok', companyName: c.name });
      expect(demo!.simulator.state.company(c.mapping!.companyId!)?.name).toBe(c.name);
    }
  });

  it('lets a ticket be created at once with those defaults, and proves time-entry visibility', async () => {
    const profile = await profileOf(demo!);
    expect(profile.blocker).toBeNull();
    const mapping = await ctx.db.prisma.companyMapping.findFirstOrThrow({ where: { companyName: 'Acme Dental' } });
    const created = await profile.client().createTicket({
      companyId: mapping.companyId!,
      title: '[Backupchecks] Acme Dental - Practice servers - Error',
      description: 'Demo',
      severity: 'error',
      reference: 'BC-RUN-1-demo',
    });
    expect(demo!.simulator.state.ticket(created.id)).toMatchObject({
      companyId: mapping.companyId,
      boardId: BOARD.monitoring,
      statusId: STATUS.monitoringNew,
      priorityId: PRIORITY.quick,
      typeId: TYPE.alert,
      externalXRef: 'BC-RUN-1-demo',
    });
    expect(await profile.ensureTimeEntryVisibility()).toEqual({ proven: true, reason: null });
  });

  it('keeps the simulator tenant across a restart, and does not configure twice', async () => {
    const ticket = demo!.simulator.state.tickets.find((t) => t.externalXRef === 'BC-RUN-1-demo')!;
    expect(fs.readFileSync(path.join(dataDir, CONNECTWISE_STATE_FILE), 'utf8')).toContain('BC-RUN-1-demo');
    const before = await getConnectWiseSettings(ctx.db.prisma);

    await demo!.close();
    demo = await start();
    expect(demo!.simulator.state.ticket(ticket.id)?.externalXRef).toBe('BC-RUN-1-demo');
    // On another port than before (port 0): the row the demo set up names the new one.
    expect((await getConnectWiseSettings(ctx.db.prisma)).siteHost).toBe(`127.0.0.1:${demo!.simulator.port}`);
    expect(await demo!.configure()).toBe(false);
    const after = await getConnectWiseSettings(ctx.db.prisma);
    expect(after.privateKeyEncrypted).toBe(before.privateKeyEncrypted);
    expect(after.listsLoadedAt).toEqual(before.listsLoadedAt);
    expect(await ctx.db.prisma.auditEvent.count({ where: { action: 'connectwise.demo_configured' } })).toBe(1);

    // New tickets continue after the saved ones instead of reusing their ids.
    const next = await (await profileOf(demo!)).client().createTicket({
      companyId: ticket.companyId,
      title: 'Second',
      description: 'Demo',
      severity: 'warning',
      reference: 'BC-RUN-2-demo',
    });
    expect(next.id).toBeGreaterThan(ticket.id);
  });
});

describe('nothing configured when a row was set up already', () => {
  const withDemo = async (
    prepare: (db: TestDatabase) => Promise<void>,
    check: (db: TestDatabase, other: DemoConnectWise) => Promise<void>,
  ) => {
    const db = await borrowTestDatabase();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bc-demo-cw-set-up-'));
    let other: DemoConnectWise | null = null;
    try {
      await prepare(db);
      other = await start({ DATA_DIR: dir }, db);
      expect(await other!.configure()).toBe(false);
      await check(db, other!);
    } finally {
      await other?.close();
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  it('leaves a ConnectWise row an admin has saved as it is', async () => {
    await withDemo(
      async (db) => {
        await getConnectWiseSettings(db.prisma);
        await db.prisma.connectWiseSettings.update({ where: { id: 1 }, data: { updatedById: 1 } });
      },
      async (db) => {
        expect(await getConnectWiseSettings(db.prisma)).toMatchObject({ enabled: false, siteHost: null });
        expect(await db.prisma.auditEvent.count()).toBe(0);
      },
    );
  });

  it('leaves an admin’s Autotask active rather than switch it off', async () => {
    await withDemo(
      async (db) => {
        await getIntegrationSettings(db.prisma);
        await db.prisma.integrationSettings.update({
          where: { id: SETTINGS_ID },
          data: { enabled: true, apiUsername: 'admin@example.com', updatedById: 1 },
        });
      },
      async (db) => {
        expect(await activePsaType(db.prisma)).toBe('autotask');
        expect((await getConnectWiseSettings(db.prisma)).publicKey).toBeNull();
      },
    );
  });
});

describe('choosing the demo PSA', () => {
  it('starts no ConnectWise simulator unless DEMO_PSA=connectwise and demo data are on', async () => {
    expect(await start({ DEMO_PSA: 'autotask' })).toBeNull();
    expect(await start({ DEMO_DATA: 'false' })).toBeNull();
    expect(testConfig({}).demoPsa).toBe('autotask');
    expect(() => testConfig({ DEMO_PSA: 'kaseya' })).toThrow(/DEMO_PSA must be autotask or connectwise/);
  });

  it('starts the ConnectWise simulator for DEMO_PSA=connectwise and prints its control page', async () => {
    const db = await borrowTestDatabase();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bc-demo-psa-'));
    const chosen = await startDemoPsa({
      config: demoConfig({ DATA_DIR: dir }),
      db: db.prisma,
      encryptionKey: testSecrets.encryptionKey,
      logger,
    });
    try {
      expect(chosen?.psa).toBe('connectwise');
      expect(chosen!.deps.connectwiseSiteOrigin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(chosen!.deps.autotaskZoneLookupUrl).toBeUndefined();
      const lines: string[] = [];
      await finishDemoPsa(chosen!, db.prisma, 'http://localhost:3000', logger, (line) => lines.push(line));
      expect(lines).toEqual([`  ConnectWise simulator (demo): ${chosen!.controlUrl}\n`]);
      expect(await activePsaType(db.prisma)).toBe('connectwise');

      // Started again with the other DEMO_PSA, whose row an earlier demo start set up: the demo
      // switches back, the way "Use Autotask" does, while no person has saved either row.
      await db.prisma.integrationSettings.update({
        where: { id: SETTINGS_ID },
        data: { apiUsername: 'demo@example.com', secretEncrypted: 'x', integrationCode: 'y' },
      });
      expect(await activateDemoPsa(db.prisma, 'autotask')).toBe(true);
      expect(await activePsaType(db.prisma)).toBe('autotask');
      expect(await activateDemoPsa(db.prisma, 'autotask')).toBe(false);
      await db.prisma.integrationSettings.update({ where: { id: SETTINGS_ID }, data: { updatedById: 1 } });
      expect(await activateDemoPsa(db.prisma, 'connectwise')).toBe(false);
      expect(await activePsaType(db.prisma)).toBe('autotask');
    } finally {
      await chosen?.close();
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
