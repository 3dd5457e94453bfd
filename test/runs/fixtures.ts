import type { Database, RunStatus } from '../../src/db/database.ts';
import { nameKeyOf } from '../../src/services/customers/customers.ts';

export interface FixtureObject {
  readonly name: string;
  readonly status: RunStatus;
  readonly type?: string;
  readonly message?: string;
}

export interface FixtureRun {
  readonly customer: string;
  readonly job: string;
  readonly status: RunStatus;
  readonly runAt: string;
  readonly remark?: string;
  readonly reviewed?: boolean;
  readonly objects?: readonly FixtureObject[];
  readonly customerActive?: boolean;
}

/** Adds one run, creating its customer and job on first sight, straight through Prisma. */
export async function addRun(database: Database, f: FixtureRun) {
  const db = database.prisma;
  const customer = await db.customer.upsert({
    where: { nameKey: nameKeyOf(f.customer) },
    create: { name: f.customer, nameKey: nameKeyOf(f.customer), active: f.customerActive ?? true },
    update: {},
  });
  const job = await db.job.upsert({
    where: { customerId_name: { customerId: customer.id, name: f.job } },
    create: {
      customerId: customer.id,
      name: f.job,
      backupSoftware: 'Veeam Backup & Replication',
      backupType: 'VM backup',
    },
    update: {},
  });
  return db.run.create({
    data: {
      jobId: job.id,
      runAt: new Date(f.runAt),
      status: f.status,
      remark: f.remark ?? null,
      reviewedAt: f.reviewed ? new Date(f.runAt) : null,
      objects: {
        create: (f.objects ?? []).map((o, position) => ({
          position,
          name: o.name,
          status: o.status,
          type: o.type ?? 'VM',
          message: o.message ?? null,
        })),
      },
    },
  });
}
