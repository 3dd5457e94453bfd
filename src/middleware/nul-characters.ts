import type { RequestHandler } from 'express';
import { ValidationError } from '../errors/catalogue.ts';
import { paths } from '../paths.ts';

export const NUL_MESSAGE = 'Contains a NUL character, which cannot be stored. Remove it and try again.';
const NUL_SUMMARY = 'Text with a NUL character cannot be stored. Remove it and try again.';

/** A request names this many fields at most: enough to find them, without echoing a whole body. */
const MAX_REPORTED = 20;

/**
 * Where `input` (a parsed query string, form or JSON body) holds a NUL character, by the dotted
 * path the forms' field errors use (`objects.0.name`). PostgreSQL text and jsonb cannot hold NUL,
 * so such a value would fail deep in a query as a server error. A NUL in a key is reported under
 * the key with the NUL shown as ␀. Iterative, not recursive: a 1 MB JSON body can nest half a
 * million levels deep.
 */
export function nulFields(input: unknown): Record<string, string> {
  const found = new Map<string, string>();
  const report = (path: string) => found.size < MAX_REPORTED && found.set(path || '_', NUL_MESSAGE);
  const stack: Array<{ value: unknown; path: string }> = [{ value: input, path: '' }];
  while (stack.length > 0 && found.size < MAX_REPORTED) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) report(path);
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    // Reversed onto the stack, so fields are reported in the order they were sent.
    const entries = Object.entries(value as Record<string, unknown>).reverse();
    for (const [key, child] of entries) {
      const shownKey = key.replaceAll('\u0000', '␀');
      const childPath = path ? `${path}.${shownKey}` : shownKey;
      if (shownKey !== key) report(childPath);
      stack.push({ value: child, path: childPath });
    }
  }
  return Object.fromEntries(found);
}

/** The sign-in steps (/login, /login/two-factor): the only addresses that read an anonymous visitor's input. */
const isSignInStep = (path: string) => path === paths.login || path.startsWith(`${paths.login}/`);

/**
 * Refuses a query string or body holding a NUL character with a 422 naming each such field, before
 * any page or service sees it: one check for every route, instead of one per text field.
 *
 * It runs after the body parsers and after the caller is known. An anonymous visitor's request is
 * left to the sign-in guard (a redirect to /login, whatever the input), except on the sign-in steps,
 * which read it; the token API mounts it after its token check, so a caller without a token hears
 * 401 first.
 */
export const rejectNulCharacters: RequestHandler = (req, _res, next) => {
  if (!req.user && !req.apiToken && !isSignInStep(req.path)) return next();
  const fields = { ...nulFields(req.query), ...nulFields(req.body) };
  if (Object.keys(fields).length > 0) return next(new ValidationError(fields, NUL_SUMMARY));
  next();
};
