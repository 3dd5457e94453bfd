import { Prisma, type Db, type Job } from '../../db/database.ts';
import type { RunInput } from './run-input.ts';

/**
 * Writing a reported run for a known customer: used by ingestion (src/services/runs/ingestion.ts)
 * and by assigning an unmatched run (src/services/runs/unmatched-assign.ts), so both store a run
 * the same way.
 */

export const runSelect = { id: true, externalId: true, status: true, runAt: true, jobId: true } as const;
export type IngestedRun = Prisma.RunGetPayload<{ select: typeof runSelect }>;

export const isUniqueViolation = (e: unknown): boolean =>
  e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';

/** A job is created the first time a run names it; later runs find it by (customer, name). */
export async function findOrCreateJob(db: Db, customerId: number, job: RunInput['job']): Promise<Job> {
  const where = { customerId_name: { customerId, name: job.name } };
  const existing = await db.job.findUnique({ where });
  if (existing) return existing;
  try {
    return await db.job.create({ data: { customerId, ...job } });
  } catch (e) {
    // Two first runs of a new job at once: the unique index lets one create it, the other finds it.
    if (isUniqueViolation(e)) return db.job.findUniqueOrThrow({ where });
    throw e;
  }
}

/** The run with its objects, in reported order: one create, which Prisma writes in one transaction. */
export function runCreateData(jobId: number, input: RunInput): Prisma.RunUncheckedCreateInput {
  return {
    jobId,
    runAt: input.runAt,
    status: input.status,
    remark: input.remark,
    externalId: input.externalId,
    objects: {
      createMany: {
        data: input.objects.map((o, position) => ({
          position,
          name: o.name,
          type: o.type,
          status: o.status,
          message: o.message,
        })),
      },
    },
  };
}
