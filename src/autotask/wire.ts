import { z } from 'zod';
import { AutotaskUnavailableError, type AutotaskErrorContext } from './errors.ts';

/**
 * Zod pieces shared by the entity modules. Tolerant on purpose: extra fields are dropped, ids and
 * picklist values may come as numbers or numeric strings, empty values as null or absent.
 */

/** An integer sent as a number or a numeric string ("5"). */
export const intish = z.union([
  z.number().int(),
  z
    .string()
    .trim()
    .regex(/^-?\d+$/)
    .transform(Number),
]);

/** `intish`, or null for null, absent or "". */
export const optionalInt = z
  .union([intish, z.literal(''), z.null()])
  .optional()
  .transform((v) => (typeof v === 'number' ? v : null));

export const optionalString = z
  .union([z.string(), z.null()])
  .optional()
  .transform((v) => (typeof v === 'string' ? v : null));

/** A boolean, or "true"/"false"; absent counts as the given default. */
export function booleanish(fallback: boolean) {
  return z
    .union([z.boolean(), z.enum(['true', 'false', 'True', 'False']), z.null()])
    .optional()
    .transform((v) => (typeof v === 'boolean' ? v : typeof v === 'string' ? v.toLowerCase() === 'true' : fallback));
}

/** An ISO time; Autotask stores UTC, so a value without a zone is read as UTC. Unreadable → null. */
export const optionalDate = z
  .union([z.string(), z.null()])
  .optional()
  .transform((v) => {
    if (typeof v !== 'string' || v.trim() === '') return null;
    const text = /(Z|[+-]\d\d:?\d\d)$/i.test(v.trim()) ? v.trim() : `${v.trim()}Z`;
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? null : new Date(ms);
  });

/** `{"item": {...}}` or `{"item": null}` from GET by id. */
export function itemEnvelope<T extends z.ZodType>(item: T) {
  return z.object({ item: item.nullable().optional() });
}

const pageDetailsSchema = z
  .object({
    count: intish.optional(),
    requestCount: intish.optional(),
    prevPageUrl: z.string().nullish(),
    nextPageUrl: z.string().nullish(),
  })
  .nullish();

/** `{"items": [...], "pageDetails": {...}}` from a query. */
export const itemsEnvelope = z.object({
  items: z
    .array(z.unknown())
    .nullish()
    .transform((v) => v ?? []),
  pageDetails: pageDetailsSchema,
});

/** `{"itemId": N}` from create, update and delete. */
export const itemIdEnvelope = z.object({ itemId: intish });

/** `{"queryCount": N}` from `query/count`. */
export const countEnvelope = z.object({ queryCount: intish });

/**
 * Parses an answer Autotask gave with HTTP 2xx. A shape we cannot read is an unusable answer: for
 * a write that leaves the outcome unknown, hence the unavailable error.
 */
export function parseAnswer<T extends z.ZodType>(schema: T, data: unknown, context: AutotaskErrorContext): z.output<T> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new AutotaskUnavailableError(
    'bad_response',
    200,
    [],
    context,
    `Autotask answered in an unexpected format (${issues.join('; ')}).`,
  );
}

/** Ids go into URLs and filters: only whole, non-negative numbers pass (0 is the tenant's own company). */
export function validId(id: number, what: string): number {
  if (!Number.isSafeInteger(id) || id < 0) throw new TypeError(`Invalid Autotask ${what} id: ${String(id)}`);
  return id;
}
