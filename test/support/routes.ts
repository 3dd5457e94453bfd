/**
 * Every route of the app by who may use it: one line per route, as [method, Express route pattern].
 * test/foundation/route-sweep.test.ts fails when a route of the app has no line here (or two), and
 * sends every route malformed input as each role; test/foundation/access.test.ts checks the role
 * guards. A pattern may carry an example query (`?q=acme`) for the access tests; the sweep ignores it.
 */
export type RouteSpec = readonly ['GET' | 'POST', string];

/** Anyone, signed in or not: sign-in, sign-out, the health check, and the token API (a bearer token, never a session). */
export const publicRoutes: RouteSpec[] = [
  ['GET', '/login'],
  ['POST', '/login'],
  // The second sign-in step: without a password accepted moments ago it sends the visitor to /login.
  ['GET', '/login/two-factor'],
  ['POST', '/login/two-factor'],
  ['POST', '/logout'],
  ['GET', '/healthz'],
  ['POST', '/api/v1/runs'],
  // Prometheus scrape: METRICS_TOKEN as a bearer token, never a session; 404 when none is set (test/metrics/).
  ['GET', '/metrics'],
];

/** Admins only: operators and reporters get 403. */
export const adminOnlyRoutes: RouteSpec[] = [
  ['GET', '/users'],
  ['POST', '/users'],
  ['POST', '/users/:id/role'],
  ['POST', '/users/:id/active'],
  ['POST', '/users/:id/password'],
  ['POST', '/users/:id/sign-out'],
  ['POST', '/users/:id/two-factor/reset'],
  ['GET', '/audit'],
  ['POST', '/customers'],
  ['GET', '/customers/:id/edit'],
  ['POST', '/customers/:id/name'],
  ['POST', '/customers/:id/active'],
  ['POST', '/customers/:id/aliases/remove'],
  // Maintenance pause of a customer (test/schedules/job-page.test.ts).
  ['POST', '/customers/:id/pause'],
  ['POST', '/customers/:id/resume'],
  // A job's schedule and maintenance pause decide which runs are reported missed (test/schedules/job-page.test.ts).
  ['POST', '/jobs/:id/schedule'],
  ['POST', '/jobs/:id/schedule/remove'],
  ['POST', '/jobs/:id/pause'],
  ['POST', '/jobs/:id/resume'],
  // Unmatched runs (test/runs/unmatched.test.ts): assigning adds a customer alias or a customer.
  ['GET', '/run-checks/unmatched'],
  ['POST', '/run-checks/unmatched/assign'],
  ['POST', '/run-checks/unmatched/create-customer'],
  ['GET', '/settings/security'],
  ['POST', '/settings/security'],
  // Settings → Data retention (test/retention/settings-page.test.ts).
  ['GET', '/settings/retention'],
  ['POST', '/settings/retention'],
  ['GET', '/settings/api-tokens'],
  ['POST', '/settings/api-tokens'],
  ['POST', '/settings/api-tokens/:id/revoke'],
  // Autotask company mapping (test/mapping/): searching costs Autotask requests, so it is admin-only too.
  ['GET', '/customers/:id/mapping/search?q=acme'],
  ['POST', '/customers/:id/mapping'],
  ['POST', '/customers/:id/mapping/clear'],
  ['POST', '/customers/:id/mapping/refresh'],
  ['GET', '/customers/:id/mapping/contacts'],
  ['POST', '/customers/:id/mapping/contact'],
  ['POST', '/customers/:id/mapping/contact/clear'],
  ['POST', '/customers/mappings/refresh-all'],
  ['GET', '/customers/mappings/suggestions'],
  ['POST', '/customers/mappings/suggestions/confirm'],
  ['POST', '/customers/mappings/suggestions/confirm-exact'],
  // Settings → Autotask (test/settings/): test connection and validation call Autotask, so they are guarded too.
  ['GET', '/settings'],
  ['GET', '/settings/autotask'],
  ['POST', '/settings/autotask'],
  ['POST', '/settings/autotask/picklists/refresh'],
  ['POST', '/settings/autotask/test'],
  ['POST', '/settings/autotask/validate'],
  ['GET', '/settings/autotask/diagnostics?status=failed&page=2'],
  ['GET', '/settings/autotask/export.md'],
  ['GET', '/settings/autotask/disconnect'],
  ['POST', '/settings/autotask/disconnect'],
  // Switching the active PSA, and Settings → ConnectWise (test/integration/connectwise/, test/psa/switch.test.ts).
  ['POST', '/settings/autotask/activate'],
  ['GET', '/settings/connectwise'],
  ['POST', '/settings/connectwise'],
  ['POST', '/settings/connectwise/lists/refresh'],
  ['POST', '/settings/connectwise/test'],
  ['POST', '/settings/connectwise/validate'],
  ['GET', '/settings/connectwise/diagnostics?status=failed&page=2'],
  ['POST', '/settings/connectwise/activate'],
];

/** Admins and operators: reporters read, but get 403 here (test/runs/review.test.ts, test/tickets/). */
export const operatorRoutes: RouteSpec[] = [
  ['POST', '/run-checks/runs/:id/review'],
  ['POST', '/run-checks/jobs/:id/review'],
  ['POST', '/run-checks/review'],
  ['GET', '/runs/:id/ticket/resolve'],
  ['POST', '/runs/:id/ticket/resolve'],
  ['POST', '/runs/:id/ticket'],
  // "Add to ticket" and "Link ticket" (test/tickets/correlate.test.ts, test/tickets/link-existing.test.ts).
  ['POST', '/runs/:id/ticket/add-to'],
  ['POST', '/runs/:id/ticket/link'],
  // Add note to a run's ticket (test/tickets/notes.test.ts).
  ['GET', '/runs/:id/ticket/notes/new'],
  ['POST', '/runs/:id/ticket/notes'],
];

/** Every signed-in role. */
export const signedInRoutes: RouteSpec[] = [
  ['GET', '/'],
  ['GET', '/customers'],
  ['GET', '/run-checks'],
  ['GET', '/runs/:id'],
  // A job's page: schedule, pause and recent runs; the forms on it are for admins (test/schedules/job-page.test.ts).
  ['GET', '/jobs/:id'],
  // Shows the mapping only; the forms on it are for admins (test/mapping/).
  ['GET', '/customers/:id/mapping'],
  // LiveLinks from Autotask back to the run (test/tickets/create.test.ts).
  ['GET', '/links/autotask/tickets/:ticketId'],
  ['GET', '/links/autotask/ticket-numbers/:ticketNumber'],
  // Each user's own account: password, sessions, two-factor sign-in (test/foundation/sessions.test.ts,
  // test/foundation/two-factor.test.ts).
  ['GET', '/account'],
  ['POST', '/account/password'],
  ['POST', '/account/sessions/sign-out-others'],
  ['GET', '/account/two-factor'],
  ['POST', '/account/two-factor/confirm'],
  ['POST', '/account/two-factor/disable'],
  ['POST', '/account/two-factor/recovery-codes'],
];

export type Role = 'admin' | 'operator' | 'reporter';

/** Who may use a route: 'public' (anyone), or the signed-in roles. */
export type Allowed = 'public' | readonly Role[];

export interface RoutePolicy {
  readonly method: 'GET' | 'POST';
  /** The Express route pattern, as in the router table: `/users/:id/role`. */
  readonly pattern: string;
  readonly allowed: Allowed;
}

/** Every line above as a policy; a route listed twice comes out twice (the sweep refuses that). */
export function routePolicies(): RoutePolicy[] {
  const lists: Array<[RouteSpec[], Allowed]> = [
    [publicRoutes, 'public'],
    [adminOnlyRoutes, ['admin']],
    [operatorRoutes, ['admin', 'operator']],
    [signedInRoutes, ['admin', 'operator', 'reporter']],
  ];
  return lists.flatMap(([specs, allowed]) =>
    specs.map(([method, path]) => ({ method, pattern: path.split('?')[0]!, allowed })),
  );
}

/** An example value per path parameter, for tests that only need an address of the right shape. */
const exampleParams: Record<string, string> = { ticketNumber: 'T20260113.0001' };

/** The spec's address with every `:param` filled in (`/users/:id/role` → `/users/1/role`). */
export function examplePath(path: string): string {
  return path.replace(/:(\w+)/g, (_m, name: string) => exampleParams[name] ?? '1');
}
