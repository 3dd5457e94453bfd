import { z } from 'zod';
import { ConnectWiseUnavailableError, type ConnectWiseErrorContext } from './errors.ts';

/**
 * Zod pieces shared by the entity modules. Tolerant on purpose: extra fields (`_info` and the
 * rest) are dropped, ids may come as numbers or numeric strings, empty values as null or absent.
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

/** `boolean | null`: null when ConnectWise left it out. */
export const optionalBoolean = z
  .union([z.boolean(), z.null()])
  .optional()
  .transform((v) => (typeof v === 'boolean' ? v : null));

/** An ISO time; ConnectWise sends UTC, so a value without a zone is read as UTC. Unreadable → null. */
export const optionalDate = z
  .union([z.string(), z.null()])
  .optional()
  .transform((v) => {
    if (typeof v !== 'string' || v.trim() === '') return null;
    const text = /(Z|[+-]\d\d:?\d\d)$/i.test(v.trim()) ? v.trim() : `${v.trim()}Z`;
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? null : new Date(ms);
  });

/** A reference to another record, `{"id": 5, "name": "New", "_info": {…}}`, or null/absent. */
export const reference = z
  .object({ id: optionalInt, name: optionalString })
  .nullish()
  .transform((r) => ({ id: r?.id ?? null, name: r?.name ?? null }));

/** A bare JSON array: ConnectWise's list answer. */
export const listEnvelope = z.array(z.unknown());

/** `{"count": n}` from `…/count`. */
export const countEnvelope = z.object({ count: intish });

/**
 * Parses an answer ConnectWise gave with HTTP 2xx. A shape we cannot read is an unusable answer: for
 * a write that leaves the outcome unknown, hence the unavailable error.
 */
export function parseAnswer<T extends z.ZodType>(
  schema: T,
  data: unknown,
  context: ConnectWiseErrorContext,
): z.output<T> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new ConnectWiseUnavailableError(
    'bad_response',
    200,
    { code: null, messages: [], fieldErrors: [] },
    context,
    `ConnectWise answered in an unexpected format (${issues.join('; ')}).`,
  );
}

/** Ids go into URLs and conditions: only whole, non-negative numbers pass. */
export function validId(id: number, what: string): number {
  if (!Number.isSafeInteger(id) || id < 0) throw new TypeError(`Invalid ConnectWise ${what} id: ${String(id)}`);
  return id;
}
