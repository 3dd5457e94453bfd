import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import nock from 'nock';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/app.ts';
import { NUL_MESSAGE } from '../../src/middleware/nul-characters.ts';
import { createApiToken } from '../../src/services/accounts/api-tokens.ts';
import { addUser, buildTestApp, type Agent } from '../support/app.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeCustomerWithRun } from '../support/fixtures.ts';
import {
  DEFAULT_ANSWERS,
  GENERIC_FORM,
  GENERIC_QUERY,
  routeInputs,
  type Principal,
  type RouteInputs,
} from '../support/route-inputs.ts';
import {
  anonymousAt,
  encodedFields,
  fillPattern,
  FORM_BODY_LIMIT,
  hasNul,
  malformedValues,
  routeTable,
  signInAt,
  type Malformed,
} from '../support/route-sweep.ts';
import { routePolicies, type Role, type RoutePolicy } from '../support/routes.ts';

/**
 * Every route of the app, as every role, with malformed values in its path, query and form: never
 * a 5xx; an anonymous visitor is sent to sign in (401 for the API), a role the route does not allow
 * gets 403, a malformed id in the path is a missing page (404), and malformed input gets the answer
 * test/support/route-inputs.ts gives. No Autotask integration is configured; the one page that
 * calls Autotask with typed credentials (Test connection) reaches only a refusing stand-in.
 */

const ctx = useTestDatabase();
const ZONE_LOOKUP = 'https://zone-lookup.sweep.invalid';
const roles: readonly Role[] = ['admin', 'operator', 'reporter'];
const principals: readonly Principal[] = ['anonymous', ...roles];
/** These end the caller's session, so each request gets a session of its own. */
const sessionEnding = new Set(['POST /logout']);

let built: BuiltApp;
let server: http.Server;
let base: string;
const sessions = {} as Record<Principal, { agent: Agent; csrf: string }>;
const spareEmail = {} as Record<Role, string>;
let apiToken: string;
/** The real record each path parameter names when the input, not the path, is malformed. */
const records: Record<string, string> = {};

beforeAll(async () => {
  // Nock hooks into http when it is imported; an earlier file in this worker may have unhooked it.
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
  nock.enableNetConnect(/^127\.0\.0\.1:\d+$/);
  nock(ZONE_LOOKUP)
    .persist()
    .get(/.*/)
    .reply(404, { errors: ['Unknown user.'] });
  built = buildTestApp(ctx.db, { LOGIN_MAX_ATTEMPTS: '1000', AUTOTASK_ZONE_LOOKUP_URL: ZONE_LOOKUP });
  server = http.createServer(built.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const db = ctx.db.prisma;
  const { customer, job, run } = await makeCustomerWithRun(ctx.db, { companyId: null });
  await db.ticket.create({
    data: {
      originRunId: run.id,
      jobId: job.id,
      runs: { connect: { id: run.id } },
      state: 'created',
      reference: `BC-RUN-${run.id}`,
      ticketId: 4242,
      ticketNumber: 'T20260113.0042',
    },
  });
  const target = await addUser(ctx.db, 'reporter');
  const admin = await addUser(ctx.db, 'admin');
  const revocable = await createApiToken(db, admin, 'Revoked by the sweep');
  apiToken = (await createApiToken(db, admin, 'Used by the sweep')).token;
  Object.assign(records, {
    customers: String(customer.id),
    runs: String(run.id),
    'run-checks/runs': String(run.id),
    'run-checks/jobs': String(job.id),
    jobs: String(job.id),
    users: String(target.id),
    'settings/api-tokens': String(revocable.record.id),
    ticketId: '4242',
    ticketNumber: 'T20260113.0042',
  });

  sessions.anonymous = await anonymousAt(base);
  for (const role of roles) {
    sessions[role] = await signInAt(base, (await addUser(ctx.db, role)).email);
    spareEmail[role] = (await addUser(ctx.db, role)).email;
  }
});

afterAll(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  // The worker's next file may talk plain HTTP (the app against the simulator).
  nock.restore();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await built?.close();
});

const keyOf = (r: { method: string; pattern: string }) => `${r.method} ${r.pattern}`;

describe('the router table', () => {
  it('has exactly one policy line (test/support/routes.ts) for every route, and a route for every line', () => {
    const found = routeTable(built.app).map(keyOf);
    const listed = routePolicies().map(keyOf);
    const count = (list: string[], key: string) => list.filter((k) => k === key).length;
    expect({
      withoutPolicy: found.filter((k) => count(listed, k) === 0),
      listedTwice: [...new Set(listed.filter((k) => count(listed, k) > 1))],
      withoutRoute: listed.filter((k) => count(found, k) === 0),
    }).toEqual({ withoutPolicy: [], listedTwice: [], withoutRoute: [] });
  });

  it('cannot be read past a router mounted under a path', () => {
    const app = express();
    app.use(
      '/nested',
      express.Router().get('/page', (_req, res) => res.end()),
    );
    expect(() => routeTable(app)).toThrow(/mounted at "\/nested"/);
  });
});

/** The real record a path parameter of `pattern` names (`/users/:id/role` → the spare user). */
function recordFor(pattern: string, param: string): string {
  const owner = param === 'id' ? pattern.slice(1, pattern.indexOf('/:id')) : param;
  const id = records[owner];
  if (!id) throw new Error(`No record for :${param} of ${pattern}: add one to the sweep's beforeAll.`);
  return id;
}

type Where = 'path' | 'input' | 'both';
const placeOf: Record<Where, string> = { path: 'path', input: 'input', both: 'path and input' };

interface Case {
  readonly route: RoutePolicy;
  readonly who: Principal;
  readonly m: Malformed;
  readonly where: Where;
}

const mayUse = (route: RoutePolicy, who: Principal) =>
  route.allowed === 'public' || (who !== 'anonymous' && route.allowed.includes(who));

/** Who may not use a route is refused before anything is read: one request with everything malformed. */
function casesOf(route: RoutePolicy, who: Principal, m: Malformed): Case[] {
  const hasParams = route.pattern.includes(':');
  if (!mayUse(route, who)) return [{ route, who, m, where: hasParams ? 'both' : 'input' }];
  return hasParams
    ? [
        { route, who, m, where: 'path' },
        { route, who, m, where: 'input' },
      ]
    : [{ route, who, m, where: 'input' }];
}

const sweptRoutes = routePolicies().filter((r) => !r.pattern.startsWith('/api/'));
const cases = sweptRoutes.flatMap((route) =>
  principals.flatMap((who) => malformedValues.flatMap((m) => casesOf(route, who, m))),
);

/** The route's fields; the generic ones on top for a query, and for a form that names none. */
function fieldsOf(route: RoutePolicy, inputs: RouteInputs | undefined): string[] {
  const own = inputs?.fields ?? [];
  if (route.method === 'GET') return [...new Set([...own, ...GENERIC_QUERY])];
  return own.length > 0 ? [...own] : GENERIC_FORM;
}

/**
 * The request of a case. A 10 kB value goes into an address once (the path, else the first field):
 * Node refuses request lines over 16 kB (431) before the app could see an address with several.
 */
function requestOf(c: Case) {
  const inputs = routeInputs[keyOf(c.route)];
  const badPath = c.where !== 'input';
  const url = fillPattern(c.route.pattern, (param) => (badPath ? c.m.encoded : recordFor(c.route.pattern, param)));
  let fields = c.where === 'path' ? [] : fieldsOf(c.route, inputs);
  if (c.route.method === 'GET' && c.m.value.length > 1000) fields = badPath ? [] : fields.slice(0, 1);
  const encoded = encodedFields(fields, c.m, inputs?.shape);
  if (c.route.method === 'GET') return { url: encoded ? `${url}?${encoded}` : url, body: null };
  return { url, body: encoded };
}

function expectedOf(c: Case, body: string | null): number | number[] {
  const inputs = routeInputs[keyOf(c.route)];
  const signInStep = c.route.pattern.startsWith('/login');
  // Refused for everyone signed in before any route (and its guard) runs; anonymous visitors meet
  // the sign-in guard first, except on the sign-in steps (src/middleware/nul-characters.ts).
  const nulRefused = hasNul(c.m) && c.where !== 'path' && (inputs?.checksNul ?? true);
  if (!mayUse(c.route, c.who)) {
    if (c.who === 'anonymous') return 302;
    if (nulRefused) return 422;
    // The router decodes a path parameter when it matches the route, before the guards in the
    // route's own pipeline: an undecodable one is a missing page there, a 403 behind an area guard.
    return c.where === 'both' && c.m.label === '% alone' ? [403, 404] : 403;
  }
  if (c.where === 'path') return 404;
  if (nulRefused && (c.who !== 'anonymous' || signInStep)) return 422;
  if (body !== null && body.length > FORM_BODY_LIMIT) return 413;
  if (!inputs) return DEFAULT_ANSWERS;
  return typeof inputs.answer === 'number' ? inputs.answer : inputs.answer(c.m, c.who);
}

async function sessionFor(c: Case): Promise<{ agent: Agent; csrf: string }> {
  if (!sessionEnding.has(keyOf(c.route))) return sessions[c.who];
  return c.who === 'anonymous' ? anonymousAt(base) : signInAt(base, spareEmail[c.who]);
}

describe('every route, role and malformed value', () => {
  it.each(cases.map((c) => [`${keyOf(c.route)} as ${c.who}, ${c.m.label} in the ${placeOf[c.where]}`, c] as const))(
    '%s',
    async (_label, c) => {
      const { url, body } = requestOf(c);
      const { agent, csrf } = await sessionFor(c);
      const res =
        body === null
          ? // An anonymous GET needs no session (no form to post): none is sent, which is quicker.
            await (c.who === 'anonymous' ? request(base) : agent).get(url)
          : await agent
              .post(url)
              .type('form')
              .send(body ? `_csrf=${encodeURIComponent(csrf)}&${body}` : `_csrf=${encodeURIComponent(csrf)}`);
      expect(res.status).toBeLessThan(500);
      const expected = expectedOf(c, body);
      if (Array.isArray(expected)) expect(expected).toContain(res.status);
      else expect(res.status).toBe(expected);
      if (res.status === 302 && !mayUse(c.route, c.who)) expect(res.headers.location).toMatch(/^\/login(\?|$)/);
      if (res.status === 422 && hasNul(c.m) && c.where !== 'path') expect(res.text).toContain(NUL_MESSAGE);
    },
  );
});

describe('the token API, POST /api/v1/runs', () => {
  const runBody = (v: string) => ({
    customer: v,
    job: { name: v, backupSoftware: v, backupType: v },
    runAt: v,
    status: v,
    remark: v,
    externalId: v,
    objects: [{ name: v, type: v, status: v, message: v }],
  });

  it.each(principals.flatMap((who) => malformedValues.map((m) => [who, m.label, m] as const)))(
    'answers 401 to %s (a session never authenticates it), %s in the body',
    async (who, _label, m) => {
      const res = await sessions[who].agent.post('/api/v1/runs').send(runBody(m.value));
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: { code: 'unauthenticated' } });
    },
  );

  it.each(malformedValues.map((m) => [m.label, m] as const))(
    'refuses %s in every field with a token: 422',
    async (_l, m) => {
      const res = await request(base)
        .post('/api/v1/runs')
        .set('Authorization', `Bearer ${apiToken}`)
        .send(runBody(m.value));
      expect(res.status).toBe(422);
      const { fields } = (res.body as { error: { fields: Record<string, string> } }).error;
      if (hasNul(m)) expect(fields).toMatchObject({ customer: NUL_MESSAGE, 'objects.0.message': NUL_MESSAGE });
    },
  );
});
