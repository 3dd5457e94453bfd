/**
 * Every route of the app by who may use it. Each area adds its routes here so the access tests
 * (test/foundation/access.test.ts) check them all: admin-only routes answer 403 to operators and
 * reporters, and every route sends an anonymous visitor to /login.
 */
export type RouteSpec = readonly ['GET' | 'POST', string];

export const adminOnlyRoutes: RouteSpec[] = [
  ['GET', '/users'],
  ['POST', '/users'],
  ['POST', '/users/1/role'],
  ['POST', '/users/1/active'],
  ['POST', '/users/1/password'],
  ['GET', '/audit'],
  ['POST', '/customers'],
  ['GET', '/customers/1/edit'],
  ['POST', '/customers/1/name'],
  ['POST', '/customers/1/active'],
  ['GET', '/settings/api-tokens'],
  ['POST', '/settings/api-tokens'],
  ['POST', '/settings/api-tokens/1/revoke'],
  // Autotask company mapping (test/mapping/): searching costs Autotask requests, so it is admin-only too.
  ['GET', '/customers/1/mapping/search?q=acme'],
  ['POST', '/customers/1/mapping'],
  ['POST', '/customers/1/mapping/clear'],
  ['POST', '/customers/1/mapping/refresh'],
  ['GET', '/customers/1/mapping/contacts'],
  ['POST', '/customers/1/mapping/contact'],
  ['POST', '/customers/1/mapping/contact/clear'],
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
  ['GET', '/settings/autotask/diagnostics'],
  ['GET', '/settings/autotask/diagnostics?status=failed&page=2'],
  ['GET', '/settings/autotask/export.md'],
  ['GET', '/settings/autotask/disconnect'],
  ['POST', '/settings/autotask/disconnect'],
];

/** Routes every signed-in role may reach (role checks inside are tested per area). */
export const signedInRoutes: RouteSpec[] = [
  ['GET', '/'],
  ['GET', '/customers'],
  ['GET', '/run-checks'],
  ['GET', '/runs/1'],
  // Shows the mapping only; the forms on it are for admins (test/mapping/).
  ['GET', '/customers/1/mapping'],
  // Admins and operators only; reporters get 403 (test/runs/review.test.ts).
  ['POST', '/run-checks/runs/1/review'],
  ['POST', '/run-checks/jobs/1/review'],
  // Admins and operators only; reporters get 403 (test/tickets/resolve-page.test.ts).
  ['GET', '/runs/1/ticket/resolve'],
  ['POST', '/runs/1/ticket/resolve'],
  // Admins and operators only; reporters get 403 (test/tickets/create.test.ts).
  ['POST', '/runs/1/ticket'],
  // LiveLinks from Autotask back to the run (test/tickets/create.test.ts).
  ['GET', '/links/autotask/tickets/1'],
  ['GET', '/links/autotask/ticket-numbers/T20260113.0001'],
];
