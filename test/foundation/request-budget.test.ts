import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/app.ts';
import type { Role } from '../../src/db/database.ts';
import { addUser, buildTestApp, csrfFrom } from '../support/app.ts';
import { createTestDatabase, resetData, type TestDatabase } from '../support/db.ts';
import { countStatements, type RequestStatements } from '../support/statement-count.ts';

/**
 * What every signed-in page costs before its own data: one statement that reads the session
 * together with its user (and, for admins, whether they must set up two-factor sign-in first),
 * no write while the session was written less than a minute ago. Counted on the account page,
 * whose own data is two statements (the user's sessions, their two-factor state).
 */

let db: TestDatabase;
let built: BuiltApp;
let counter: ReturnType<typeof countStatements>;

beforeAll(async () => {
  db = await createTestDatabase({ logQueries: true });
  built = buildTestApp(db);
  counter = countStatements(db, built.app);
});
afterAll(async () => {
  await built?.close();
  await db?.close();
});
beforeEach(() => resetData(db));

async function signedIn(role: Role) {
  const user = await addUser(db, role);
  const agent = request.agent(counter.handler);
  const login = await agent.get('/login');
  const res = await agent
    .post('/login')
    .type('form')
    .send({ _csrf: csrfFrom(login.text), email: user.email, password: user.password });
  expect(res.status).toBe(302);
  return agent;
}

const listed = (r: RequestStatements) => `\n${r.statements.map((s) => `  ${s.slice(0, 160)}`).join('\n')}`;
const reads = (r: RequestStatements, table: string) =>
  r.statements.filter((s) => new RegExp(`FROM "(public"\\.")?${table}"`).test(s));
const writes = (r: RequestStatements, table: string) =>
  r.statements.filter((s) => new RegExp(`^\\s*(INSERT INTO|UPDATE|DELETE FROM) "(public"\\.")?${table}"`).test(s));

describe('a signed-in page', () => {
  for (const role of ['operator', 'admin'] as const) {
    it(`reads the session and its ${role} in one statement, and writes nothing`, async () => {
      const agent = await signedIn(role);
      // The first page after signing in stores the session's new CSRF token; the next one writes nothing.
      await agent.get('/account');
      expect((await agent.get('/account')).status).toBe(200);
      const page = counter.last('GET', '/account');
      expect(page.statements, listed(page)).toHaveLength(3);
      const [first] = page.statements;
      expect(first, listed(page)).toMatch(/FROM "Session" s LEFT JOIN "User" u/);
      expect(reads(page, 'Session'), listed(page)).toHaveLength(2); // the session, and the list of sessions
      // The two-factor requirement came with the session: no statement of its own.
      expect(reads({ ...page, statements: page.statements.slice(1) }, 'SecuritySettings'), listed(page)).toEqual([]);
      expect(writes(page, 'Session'), listed(page)).toEqual([]);
    });
  }

  it('still reads the user on every request: a deactivated user is signed out at once', async () => {
    const agent = await signedIn('operator');
    expect((await agent.get('/account')).status).toBe(200);
    await db.prisma.user.updateMany({ where: { role: 'operator' }, data: { active: false } });
    const res = await agent.get('/account');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login?next=%2Faccount');
  });

  it('holds an admin without two-factor sign-in on the set-up page when it is required, with no extra statement', async () => {
    const agent = await signedIn('admin');
    await db.prisma.securitySettings.create({ data: { id: 1, requireTwoFactorForAdmins: true } });
    const res = await agent.get('/customers');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/account/two-factor');
    const held = counter.last('GET', '/customers');
    // The session read answered it; the other statement stores the message shown on the set-up page.
    expect(
      held.statements.filter((s) => !/^\s*INSERT INTO "public"."Session"/.test(s)),
      listed(held),
    ).toEqual([expect.stringMatching(/FROM "Session" s LEFT JOIN "User" u/)]);
  });
});
