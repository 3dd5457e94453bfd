import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import type { AutotaskClient } from '../../src/autotask/client.ts';
import type { Simulator } from '@backupchecks/autotask-simulator';
import type { BuiltApp } from '../../src/app.ts';
import type { Database, MappingStatus } from '../../src/db/database.ts';
import { nameKeyOf } from '../../src/services/customers/customers.ts';
import { settleDeferredWork } from '../../src/shared/deferred-work.ts';
import { getIntegrationSettings } from '../../src/services/integration/settings.ts';
import { buildTestApp, signInAs } from '../support/app.ts';
import { configureAutotask, useSimulator } from '../support/autotask.ts';
import { resetData, useTestDatabase } from '../support/db.ts';

/** A customer, optionally mapped, straight through Prisma (what an earlier mapping left behind). */
export async function addCustomer(
  database: Database,
  name: string,
  mapping?: {
    companyId: number;
    companyName: string;
    status?: MappingStatus;
    statusReason?: string | null;
    lastSyncAt?: Date | null;
  },
) {
  return database.prisma.customer.create({
    data: {
      name,
      nameKey: nameKeyOf(name),
      ...(mapping
        ? {
            mapping: {
              create: {
                companyId: mapping.companyId,
                companyName: mapping.companyName,
                status: mapping.status ?? 'ok',
                statusReason: mapping.statusReason ?? null,
                lastSyncAt: mapping.lastSyncAt === undefined ? new Date() : mapping.lastSyncAt,
                mappedAt: new Date(),
              },
            },
          }
        : {}),
    },
    include: { mapping: true },
  });
}

export const mappingOf = (database: Database, customerId: number) =>
  database.prisma.companyMapping.findUnique({ where: { customerId } });

/** The app's own Autotask client, built from the saved settings as the routes build it. */
export async function appClient(built: BuiltApp, database: Database): Promise<AutotaskClient> {
  return built.context.autotask.client(await getIntegrationSettings(database.prisma));
}

/** Requests the simulator saw on the Companies endpoint (the zone lookup is cached and not counted). */
export const companyRequests = (sim: Simulator) => sim.requestLog.filter((r) => r.entity === 'Companies');

/**
 * Requests that could change something in Autotask. Queries are POSTed (`…/query`), so a POST to
 * any other path — and every PATCH, PUT or DELETE — is a write.
 */
export const writeRequests = (sim: Simulator) =>
  sim.requestLog.filter(
    (r) => r.method !== 'GET' && !(r.method === 'POST' && /\/query(\/count|\/next)?$/i.test(r.path)),
  );

/** Waits until `check` passes (for work done after a response was sent). */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * The set-up every mapping test file shares: a database, the simulator, the app, a clean slate and
 * a signed-in admin before each test, and the rule that mapping only ever reads Autotask (no write
 * request reaches the simulator, checked before each test and at the end). `warmZone` looks the
 * zone up first, so request counts in a test are the test's own.
 */
export function useMappingSuite(options: { warmZone?: boolean } = {}) {
  const ctx = useTestDatabase();
  const simCtx = useSimulator();
  let built: BuiltApp | undefined;
  let admin: SignedIn | undefined;

  beforeAll(() => {
    built = buildTestApp(ctx.db, simCtx.env);
  });
  afterAll(async () => {
    expect(writeRequests(simCtx.sim)).toEqual([]);
    await built?.close();
  });
  beforeEach(async () => {
    // Work a previous test's page view started after its response (the stale-mapping refresh).
    await settleDeferredWork();
    expect(writeRequests(simCtx.sim)).toEqual([]);
    await resetData(ctx.db);
    simCtx.sim.reset();
    await configureAutotask(ctx.db, simCtx.sim);
    admin = await signInAs(built!.app, ctx.db, 'admin');
    if (options.warmZone) {
      await (await appClient(built!, ctx.db)).getZone();
      simCtx.sim.state.clearRequestLog();
    }
  });

  return {
    ctx,
    simCtx,
    get built(): BuiltApp {
      if (!built) throw new Error('the app is built in beforeAll');
      return built;
    },
    get admin(): SignedIn {
      if (!admin) throw new Error('the admin signs in in beforeEach');
      return admin;
    },
  };
}

type SignedIn = Awaited<ReturnType<typeof signInAs>>;
