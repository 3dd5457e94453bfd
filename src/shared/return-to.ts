/**
 * Where to send the user after an action or after signing in. Only a path of this app is ever
 * accepted: the value is resolved against a placeholder origin and must stay on it, so `//evil`,
 * `/\evil`, `https://evil` and encoded variants all fall back. `allowed` narrows it further to the
 * pages an action may return to.
 */
const PLACEHOLDER_ORIGIN = 'http://backupchecks.invalid';

export function safeReturnTo(value: unknown, fallback: string, allowed: RegExp = /^\//): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2000) return fallback;
  // Browsers treat a backslash like a slash and drop tabs and newlines inside URLs.
  // eslint-disable-next-line no-control-regex -- matching control characters is what this check is for
  if (!value.startsWith('/') || /[\\\s\u0000-\u001f\u007f]/.test(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, PLACEHOLDER_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== PLACEHOLDER_ORIGIN) return fallback;
  const target = `${url.pathname}${url.search}${url.hash}`;
  if (target.startsWith('//') || !allowed.test(target)) return fallback;
  return target;
}
