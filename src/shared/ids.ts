import { z } from 'zod';
import { NotFoundError } from '../errors/catalogue.ts';

/** PostgreSQL's `integer`: every id column of the schema. A larger number can match no row. */
export const MAX_ID = 2_147_483_647;

/**
 * The one id schema for route parameters, query strings and form fields: plain decimal digits
 * only, 1 to 2,147,483,647. `z.coerce.number()` would also take `0x10`, `1e3` and `" 1"`.
 */
export const idSchema = z
  .union([z.string(), z.number()])
  .transform((v) => (typeof v === 'number' ? String(v) : v))
  .pipe(z.string().regex(/^[1-9][0-9]{0,9}$/, 'Must be a whole number.'))
  .transform(Number)
  .refine((n) => n <= MAX_ID, 'Must be a whole number.');

/** True when `value` is an id the database could hold. */
export function isId(value: unknown): boolean {
  return idSchema.safeParse(value).success;
}

/**
 * The id in a URL. A malformed one cannot name a record, so it is a missing page (404), not a form
 * error: `/runs/abc` and `/runs/2147483648` are as absent as `/runs/999`.
 */
export function idParam(value: unknown, missing = 'This page does not exist. The link may be wrong.'): number {
  const parsed = idSchema.safeParse(value);
  if (!parsed.success) throw new NotFoundError(missing);
  return parsed.data;
}
