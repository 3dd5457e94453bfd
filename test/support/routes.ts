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
];

/** Routes every signed-in role may reach (role checks inside are tested per area). */
export const signedInRoutes: RouteSpec[] = [['GET', '/']];
