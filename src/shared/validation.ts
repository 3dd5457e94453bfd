import type { z } from 'zod';
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

/** HTML checkboxes send "on" when ticked and nothing otherwise. */
export const checkbox = (v: unknown): boolean => v === 'on' || v === 'true' || v === true || v === '1';
