import { z } from 'zod';
import { ValidationError } from '../errors/catalogue.ts';

/** Turns zod issues into one message per field (the first one), keyed by the dotted path. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : '_';
    out[key] ??= issue.message;
  }
  return out;
}

/** Parses input or throws a ValidationError carrying per-field messages. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(fieldErrors(result.error));
  return result.data;
}

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: Record<string, string> };

/** For forms that re-render themselves: the caller keeps the user's values and shows `errors`. */
export function parseForm<S extends z.ZodType>(schema: S, input: unknown): FormResult<z.infer<S>> {
  const result = schema.safeParse(input);
  return result.success ? { ok: true, data: result.data } : { ok: false, errors: fieldErrors(result.error) };
}

/** A form field left blank (or only spaces) is a field not given: zod's `.optional()` then applies. */
export const blankToUndefined = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** A typed value without the spaces around it; anything but a string as it came. */
export const trimmed = (v: unknown): unknown => (typeof v === 'string' ? v.trim() : v);

/** HTML checkboxes send "on" when ticked and nothing otherwise. */
export const checkbox = (v: unknown): boolean => v === 'on' || v === 'true' || v === true || v === '1';

/** The last page number a list accepts: page × page size stays an offset the database takes. */
export const MAX_PAGE = 100_000;

/**
 * A page number from the address bar or a form. Digits only: anything else (`0x10`, `1e3`, ` 1`,
 * `-1`) is the first page. A number past MAX_PAGE is MAX_PAGE, which is past the end of every
 * list, and a list asked for a page past its end shows its last page.
 */
export const pageSchema = z
  .unknown()
  .optional()
  .transform((v): number => {
    if (typeof v !== 'string' || !/^[0-9]+$/.test(v)) return 1;
    return Math.min(Math.max(Number(v), 1), MAX_PAGE);
  });

/** How many pages `total` rows make, at least one (an empty list is one empty page). */
export const pageCount = (total: number, pageSize: number): number => Math.max(1, Math.ceil(total / pageSize));

/**
 * Search text from the address bar: trimmed and cut to `max` characters. Whatever contains the
 * whole text also contains its start, so the results are those of the longer text and a few more,
 * and the search box shows what was searched. Anything but one string (a repeated parameter) is
 * no search.
 */
export function searchTextSchema(max = 200) {
  return z
    .unknown()
    .optional()
    .transform((v): string | undefined =>
      typeof v === 'string' ? Array.from(v.trim()).slice(0, max).join('').trim() || undefined : undefined,
    );
}
