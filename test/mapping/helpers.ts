import { afterAll, beforeEach, expect } from 'vitest';
import type { Simulator } from '@backupchecks/autotask-simulator';
import type { BuiltApp } from '../../src/app.ts';
import type { Database, MappingStatus } from '../../src/db/database.ts';
import type { PsaClient, PsaType } from '../../src/psa/port.ts';
import { nameKeyOf } from '../../src/services/customers/customers.ts';
import { settleDeferredWork } from '../../src/shared/deferred-work.ts';
import { useAppWithSimulator, type SignedIn } from '../support/app-with-simulator.ts';

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
    /** The PSA the company is in; default Autotask. */
    psaType?: PsaType;
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
                psaType: mapping.psaType ?? 'autotask',
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

/** The active PSA's client behind the port, built from the saved settings as the routes build it. */
export async function appClient(built: BuiltApp, database: Database): Promise<PsaClient> {
  return (await built.context.psa.active(database.prisma)).client();
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

/**
 * The set-up every mapping test file shares (useAppWithSimulator, per test: a clean slate and a
 * signed-in admin), plus the rule that mapping only ever reads Autotask: no write request reaches
 * the simulator, checked before each test and at the end. `warmZone` looks the zone up first, so
 * request counts in a test are the test's own.
 */
export function useMappingSuite(options: { warmZone?: boolean } = {}) {
  // Registered before the suite's own hooks: it runs before each test's reset, and after its close.
  beforeEach(async () => {
    // Work a previous test's page view started after its response (the stale-mapping refresh).
    await settleDeferredWork();
    expect(writeRequests(suite.sim)).toEqual([]);
  });
  afterAll(() => {
    expect(writeRequests(suite.sim)).toEqual([]);
  });
  const suite = useAppWithSimulator({ warmZone: options.warmZone ?? false, signIn: ['admin'] });

  return {
    ctx: suite.ctx,
    simCtx: suite.simCtx,
    get built(): BuiltApp {
      return suite.built;
    },
    get admin(): SignedIn {
      return suite.as.admin;
    },
  };
}
