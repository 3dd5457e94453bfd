import type { AutotaskClient } from '../../src/autotask/client.ts';
import type { Simulator } from '../../src/autotask/simulator/index.ts';
import type { BuiltApp } from '../../src/app.ts';
import type { Database, MappingStatus } from '../../src/db/database.ts';
import { nameKeyOf } from '../../src/services/customers.ts';
import { getIntegrationSettings } from '../../src/services/integration-settings.ts';

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
