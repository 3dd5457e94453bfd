import { z } from 'zod';
import { NotFoundError } from '../errors/catalogue.ts';

/** PostgreSQL's `integer`: every id column of the schema. A larger number can match no row. */
export const MAX_ID = 2_147_483_647;

/**
 * The one id schema for route parameters, query strings and form fields: plain decimal digits
 * only, 1 to 2,147,483,647. `z.coerce.number()` would also take `0x10`, `1e3` and `" 1"`.
 */
export const idSchema = idSchemaWith('Must be a whole number.');

/** `idSchema` with the field's own sentence, for a form that says what to do instead. */
export function idSchemaWith(message: string) {
  return z
    .union([z.string(), z.number()], { error: message })
    .transform((v) => (typeof v === 'number' ? String(v) : v))
    .pipe(idDigits(message));
}

/** Decimal digits without a leading zero, 1 to MAX_ID, as a number; `message` for anything else. */
function idDigits(message: string) {
  return z
    .string()
    .regex(/^[1-9][0-9]{0,9}$/, message)
    .transform(Number)
    .refine((n) => n <= MAX_ID, message);
}

/**
 * An id a person types into a form (an Autotask company ID): spaces around it are forgiven, then
 * it is held to `idSchema`'s rule, with the field's own sentences.
 */
export function typedIdSchema(messages: { missing: string; invalid: string }) {
  return z.string({ error: messages.missing }).trim().min(1, messages.missing).pipe(idDigits(messages.invalid));
}

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
