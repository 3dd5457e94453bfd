import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { BuiltApp } from '../../src/app.ts';
import { addUser, buildTestApp, csrfFrom, signIn, testPassword } from '../support/app.ts';
import { useTestDatabase } from '../support/db.ts';

const ctx = useTestDatabase();
let built: BuiltApp;

beforeAll(() => {
  built = buildTestApp(ctx.db, { LOGIN_MAX_ATTEMPTS: '3' });
});
afterAll(() => built.close());

async function attempt(email: string, password: string) {
  const agent = request.agent(built.app);
  const page = await agent.get('/login');
  return agent
    .post('/login')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), email, password });
}

describe('sign-in', () => {
  it('signs in with the right password and shows the user and role', async () => {
    const user = await addUser(ctx.db, 'operator');
    const { agent } = await signIn(built.app, user.email);
    const page = await agent.get('/users');
    expect(page.status).toBe(403);
    expect(page.text).toContain('Operator User');
    expect(page.text).toContain('operator');
  });

  it('refuses a wrong password with a clear message', async () => {
    const user = await addUser(ctx.db, 'admin');
    const res = await attempt(user.email, 'not the password');
    expect(res.status).toBe(401);
    expect(res.text).toContain('E-mail address or password is not correct.');
    expect(res.text).toContain(`value="${user.email}"`);
  });

  it('refuses a deactivated user', async () => {
    const user = await addUser(ctx.db, 'operator', { active: false });
    const res = await attempt(user.email, testPassword);
    expect(res.status).toBe(401);
    expect(res.text).toContain('This account has been deactivated');
  });

  it('ends the sessions of a user who is deactivated at once', async () => {
    const user = await addUser(ctx.db, 'operator');
    const { agent } = await signIn(built.app, user.email);
    expect((await agent.get('/audit')).status).toBe(403);
    await ctx.db.prisma.user.update({ where: { id: user.id }, data: { active: false } });
    const res = await agent.get('/audit');
    expect(res.status).toBe(302);
    expect(res.headers.location).toMatch(/^\/login/);
  });

  it('throttles repeated failures per e-mail and says when to try again', async () => {
    const user = await addUser(ctx.db, 'admin');
    for (let i = 0; i < 3; i++) expect((await attempt(user.email, 'wrong')).status).toBe(401);
    const blocked = await attempt(user.email, testPassword);
    expect(blocked.status).toBe(429);
    expect(blocked.text).toMatch(/Too many failed sign-in attempts\. Try again in \d+ minutes?\./);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('sets a hardened session cookie and sign-out ends the session', async () => {
    const user = await addUser(ctx.db, 'admin');
    const agent = request.agent(built.app);
    const page = await agent.get('/login');
    const res = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: user.email, password: testPassword });
    const sid = /bc\.sid=s%3A([^.;]+)/.exec(String(res.headers['set-cookie']))![1]!;
    // The session lives in PostgreSQL, not in process memory.
    expect(await ctx.db.prisma.session.count({ where: { sid } })).toBe(1);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/bc\.sid=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const audit = await agent.get('/audit');
    expect(audit.status).toBe(200);
    await agent
      .post('/logout')
      .type('form')
      .send({ _csrf: csrfFrom(audit.text) });
    expect((await agent.get('/audit')).status).toBe(302);
    expect(await ctx.db.prisma.session.count({ where: { sid } })).toBe(0);
  });

  it('does not follow a next= pointing to another site', async () => {
    const user = await addUser(ctx.db, 'admin');
    const agent = request.agent(built.app);
    const page = await agent.get('/login');
    const res = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: user.email, password: testPassword, next: '//evil.example/' });
    expect(res.headers.location).toBe('/run-checks');
  });

  /** Signs in from `/login?<query>` the way a browser does: the page's hidden `next` is sent back. */
  async function signInFrom(query: string): Promise<string> {
    const user = await addUser(ctx.db, 'operator');
    const agent = request.agent(built.app);
    const page = await agent.get(`/login?${query}`);
    const next = /name="next" value="([^"]*)"/.exec(page.text)![1]!;
    const res = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: user.email, password: testPassword, next: unescapeHtml(next) });
    expect(res.status).toBe(302);
    return String(res.headers.location);
  }

  it.each([
    'next=/%5Cevil.example',
    'next=/%5C/x',
    'next=/%5C%5Cx',
    'next=//evil',
    'next=https://evil.example',
    'next=/%2F%2Fevil',
  ])('after sign-in from /login?%s goes to Run Checks, not to another site', async (query) => {
    expect(await signInFrom(query)).toBe('/run-checks');
  });

  it('after sign-in goes back to the page that sent the visitor to sign in', async () => {
    expect(await signInFrom(`next=${encodeURIComponent('/runs/5?x=1')}`)).toBe('/runs/5?x=1');
  });

  async function signInPosting(next: string): Promise<string> {
    const user = await addUser(ctx.db, 'operator');
    const agent = request.agent(built.app);
    const page = await agent.get('/login');
    const res = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: user.email, password: testPassword, next });
    expect(res.status).toBe(302);
    return String(res.headers.location);
  }

  it.each(['/\\evil.example', '/\\/x', '/\\\\x', '//evil', '///evil', 'https://evil.example'])(
    'a posted next=%s is not followed',
    async (next) => {
      expect(await signInPosting(next)).toBe('/run-checks');
    },
  );

  it('a posted next with encoded slashes stays a path of this site', async () => {
    const location = await signInPosting('/%2F%2Fevil');
    expect(location).toMatch(/^\/(?![/\\])/);
    expect(new URL(location, 'http://app.invalid').origin).toBe('http://app.invalid');
  });
});

function unescapeHtml(text: string): string {
  return text
    .replace(/&#34;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
