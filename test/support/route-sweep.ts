import type { Express } from 'express';
import request from 'supertest';
import { csrfFrom, testPassword, type Agent } from './app.ts';

/**
 * The parts of test/foundation/route-sweep.test.ts that are not about one route: reading the
 * routes from the app's router table, the malformed values, and requests that carry them.
 */

export interface FoundRoute {
  readonly method: string;
  readonly pattern: string;
}

/** The shape of Express 5's router layers that the walker reads (`router` package, lib/layer.js). */
interface Layer {
  readonly route?: { readonly path: unknown; readonly methods: Record<string, boolean> };
  readonly handle?: { readonly stack?: unknown };
  /** True for a layer mounted at '/' without `end` (a `use` without a path). */
  readonly slash?: boolean;
  readonly rawPath?: unknown;
}

/**
 * Every route of the app as [method, pattern], from `app.router.stack` and the routers mounted in
 * it. All routers are mounted without a path, so a pattern is the whole address; a router mounted
 * under a path would make every pattern in it wrong, so that fails here instead of going unseen.
 */
export function routeTable(app: Express): FoundRoute[] {
  const found: FoundRoute[] = [];
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, found);
  return found;
}

function walk(stack: readonly Layer[], found: FoundRoute[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const patterns = Array.isArray(layer.route.path) ? (layer.route.path as unknown[]) : [layer.route.path];
      for (const pattern of patterns) {
        if (typeof pattern !== 'string') throw new Error(`A route with a non-string path: ${String(pattern)}`);
        for (const method of Object.keys(layer.route.methods)) found.push({ method: method.toUpperCase(), pattern });
      }
      continue;
    }
    const nested = layer.handle?.stack;
    if (!Array.isArray(nested)) continue;
    if (layer.slash !== true || (layer.rawPath !== undefined && layer.rawPath !== '/')) {
      throw new Error(
        `A router is mounted at ${JSON.stringify(layer.rawPath)}: its routes' patterns lack that prefix. ` +
          'Mount routers without a path (src/routes/), or teach test/support/route-sweep.ts the prefix.',
      );
    }
    walk(nested as Layer[], found);
  }
}

export interface Malformed {
  readonly label: string;
  /** The value as the app reads it once decoded. */
  readonly value: string;
  /** The value as written into an address or a form body. */
  readonly encoded: string;
}

const tenKilobytes = '1'.repeat(10_000);

/** What people, scripts and scanners put where an id, a number or a short text is expected. */
export const malformedValues: readonly Malformed[] = [
  { label: '2147483648', value: '2147483648', encoded: '2147483648' },
  { label: '99999999999999999999', value: '99999999999999999999', encoded: '99999999999999999999' },
  { label: '0x10', value: '0x10', encoded: '0x10' },
  { label: '1e3', value: '1e3', encoded: '1e3' },
  { label: 'leading space', value: ' 1', encoded: '%201' },
  { label: '-1', value: '-1', encoded: '-1' },
  { label: '0', value: '0', encoded: '0' },
  { label: '1.5', value: '1.5', encoded: '1.5' },
  { label: 'NUL', value: '\u0000', encoded: '%00' },
  { label: 'a NUL b', value: 'a\u0000b', encoded: 'a%00b' },
  { label: '10 kB', value: tenKilobytes, encoded: tenKilobytes },
  // Not valid percent-encoding: a path parameter cannot be decoded; query and form parsers keep it as is.
  { label: '% alone', value: '%', encoded: '%' },
];

export const hasNul = (m: Malformed): boolean => m.value.includes('\u0000');

/** `/users/:id/role` with every parameter given its (already encoded) value. */
export function fillPattern(pattern: string, values: (param: string) => string): string {
  return pattern.replace(/:(\w+)/g, (_m, name: string) => values(name));
}

/** `field=value&…` with the encoded value (and each field's shape around it), for a query or a form. */
export function encodedFields(
  fields: readonly string[],
  m: Malformed,
  shape: Readonly<Record<string, (encoded: string) => string>> = {},
): string {
  return fields.map((f) => `${f}=${shape[f]?.(m.encoded) ?? m.encoded}`).join('&');
}

/** The page forms' body limit (src/app.ts: express.urlencoded): larger bodies are refused with 413. */
export const FORM_BODY_LIMIT = 200 * 1024;

/** Signs in through the login form of the app at `base` (a listening server's URL). */
export async function signInAt(base: string, email: string): Promise<{ agent: Agent; csrf: string }> {
  const agent = request.agent(base);
  const page = await agent.get('/login');
  const res = await agent
    .post('/login')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), email, password: testPassword });
  if (res.status !== 302) throw new Error(`sign-in failed with ${res.status}`);
  // The sign-out form of any page carries the new session's token; a missing page is the cheapest.
  const page404 = await agent.get('/no-such-page');
  return { agent, csrf: csrfFrom(page404.text) };
}

/** An anonymous visitor who has opened the sign-in page: a session and a real CSRF token, no user. */
export async function anonymousAt(base: string): Promise<{ agent: Agent; csrf: string }> {
  const agent = request.agent(base);
  const page = await agent.get('/login');
  return { agent, csrf: csrfFrom(page.text) };
}
