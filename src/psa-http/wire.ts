import { z } from 'zod';

/**
 * Zod pieces for reading a PSA's JSON. Tolerant on purpose: extra fields are dropped, ids may come
 * as numbers or numeric strings, empty values as null or absent.
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

/** A boolean, or "true"/"false"; absent or null counts as the given default. */
export function booleanish(fallback: boolean) {
  return z
    .union([z.boolean(), z.enum(['true', 'false', 'True', 'False']), z.null()])
    .optional()
    .transform((v) => (typeof v === 'boolean' ? v : typeof v === 'string' ? v.toLowerCase() === 'true' : fallback));
}

/**
 * An ISO time. Both PSAs keep UTC (docs/autotask.md, docs/connectwise.md), so a value without a zone
 * is read as UTC. Unreadable → null.
 */
export const optionalDate = z
  .union([z.string(), z.null()])
  .optional()
  .transform((v) => {
    if (typeof v !== 'string' || v.trim() === '') return null;
    const text = /(Z|[+-]\d\d:?\d\d)$/i.test(v.trim()) ? v.trim() : `${v.trim()}Z`;
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? null : new Date(ms);
  });

/**
 * Parses an answer the PSA gave with HTTP 2xx. A shape we cannot read is an unusable answer; the
 * client says which error that is (`unreadable` gets the first three problems as text).
 */
export function parseAnswer<T extends z.ZodType>(
  schema: T,
  data: unknown,
  unreadable: (issues: string) => Error,
): z.output<T> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw unreadable(issues.join('; '));
}

/** Ids go into URLs and filters: only whole, non-negative numbers pass. `what` names it, e.g. `Autotask ticket`. */
export function validId(id: number, what: string): number {
  if (!Number.isSafeInteger(id) || id < 0) throw new TypeError(`Invalid ${what} id: ${String(id)}`);
  return id;
}
