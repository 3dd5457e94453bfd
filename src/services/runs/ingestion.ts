import { z } from 'zod';
import { Prisma, type Db, type Job } from '../../db/database.ts';
import { ValidationError } from '../../errors/catalogue.ts';
import { nameKeyOf } from '../customers/customers.ts';

/**
 * How backup results get in: one run per call, from a mail parser, an RMM script or a backup
 * product's webhook relay. Every message names the field it is about, because the reader is
 * someone debugging a script, not an operator in the app.
 */

export const maxObjectsPerRun = 5_000;
/** A run this far in the future points at a wrong clock or time zone in the sender. */
const maxFutureMs = 24 * 3600 * 1000;

const isMissing = (input: unknown): boolean => input === undefined || input === null;

function text(field: string, max: number) {
  return z
    .string({ error: (iss) => (isMissing(iss.input) ? `${field} is required` : `${field} must be a string`) })
    .trim()
    .min(1, `${field} must not be empty`)
    .max(max, `${field} must be at most ${max.toLocaleString('en')} characters`);
}

/** Optional text: absent, null and "" all mean "none". */
function optionalText(field: string, max: number) {
  return z
    .string({ error: `${field} must be a string when given` })
    .trim()
    .max(max, `${field} must be at most ${max.toLocaleString('en')} characters`)
    .nullish()
    .transform((v) => (v ? v : null));
}

function status(field: string) {
  return z.enum(['success', 'warning', 'error'], {
    error: (iss) => (isMissing(iss.input) ? `${field} is required` : `${field} must be one of success, warning, error`),
  });
}

const runObjectSchema = z.object(
  {
    name: text('name', 500),
    type: optionalText('type', 100),
    status: status('status'),
    message: optionalText('message', 10_000),
  },
  { error: 'each entry of objects must be an object with at least name and status' },
);

export const runInputSchema = z.object({
  customer: text('customer', 200),
  job: z.object(
    {
      name: text('job.name', 200),
      backupSoftware: text('job.backupSoftware', 100),
      backupType: text('job.backupType', 100),
    },
    {
      error: (iss) =>
        isMissing(iss.input) ? 'job is required' : 'job must be an object with name, backupSoftware and backupType',
    },
  ),
  runAt: z.iso
    .datetime({
      offset: true,
      error: (iss) =>
        isMissing(iss.input)
          ? 'runAt is required'
          : 'runAt must be an ISO 8601 date and time with a UTC offset, e.g. 2026-03-01T22:15:00+01:00',
    })
    .transform((v) => new Date(v))
    .refine((d) => !Number.isNaN(d.getTime()), 'runAt is not a real date')
    .refine(
      (d) => d.getTime() <= Date.now() + maxFutureMs,
      'runAt is more than a day in the future; check the clock and time zone of the sender',
    ),
  status: status('status'),
  remark: optionalText('remark', 4_000),
  objects: z
    .array(runObjectSchema, {
      error: (iss) => (isMissing(iss.input) ? 'objects is required (send [] for none)' : 'objects must be a list'),
    })
    .max(maxObjectsPerRun, `objects may hold at most ${maxObjectsPerRun.toLocaleString('en')} entries`),
  externalId: optionalText('externalId', 200),
});

export type RunInput = z.infer<typeof runInputSchema>;

const runSelect = { id: true, externalId: true, status: true, runAt: true, jobId: true } as const;
export type IngestedRun = Prisma.RunGetPayload<{ select: typeof runSelect }>;

const isUniqueViolation = (e: unknown): boolean =>
  e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';

/** A job is created the first time a run names it; later runs find it by (customer, name). */
async function findOrCreateJob(db: Db, customerId: number, job: RunInput['job']): Promise<Job> {
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

/**
 * Stores one run with its objects. The same `externalId` again returns the run stored the first
 * time and changes nothing, so a sender may retry after a timeout without creating duplicates.
 */
export async function ingestRun(db: Db, input: RunInput): Promise<{ run: IngestedRun; created: boolean }> {
  const findExisting = (externalId: string) => db.run.findUnique({ where: { externalId }, select: runSelect });
  if (input.externalId) {
    const existing = await findExisting(input.externalId);
    if (existing) return { run: existing, created: false };
  }

  const customer = await db.customer.findUnique({ where: { nameKey: nameKeyOf(input.customer) } });
  if (!customer) {
    throw new ValidationError(
      {
        customer: `No customer named "${input.customer}" exists. Add it on the Customers page first (case does not matter).`,
      },
      'The customer is not known to Backupchecks.',
    );
  }
  if (!customer.active) {
    throw new ValidationError(
      {
        customer: `Customer "${customer.name}" is deactivated; runs for it are not accepted. Reactivate it on the Customers page to accept them again.`,
      },
      'The customer is deactivated.',
    );
  }
  const job = await findOrCreateJob(db, customer.id, input.job);

  try {
    // One create with nested objects: Prisma writes run and objects in one transaction.
    const run = await db.run.create({
      data: {
        jobId: job.id,
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
      },
      select: runSelect,
    });
    return { run, created: true };
  } catch (e) {
    // A retry that raced its own first attempt: the unique externalId let the first one win.
    if (input.externalId && isUniqueViolation(e)) {
      const existing = await findExisting(input.externalId);
      if (existing) return { run: existing, created: false };
    }
    throw e;
  }
}
