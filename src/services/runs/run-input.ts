import { z } from 'zod';

/**
 * What a sender posts for one run (src/services/runs/ingestion.ts): from a mail parser, an RMM
 * script or a backup product's webhook relay. Every message names the field it is about, because
 * the reader is someone debugging a script, not an operator in the app.
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
