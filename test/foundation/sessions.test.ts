import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/app.ts';
import { addUser, buildTestApp, csrfFrom, csrfOf, signIn, testPassword, type Agent } from '../support/app.ts';
import { useTestDatabase } from '../support/db.ts';

const ctx = useTestDatabase();
let built: BuiltApp;

beforeAll(() => {
  built = buildTestApp(ctx.db);
});
afterAll(() => built.close());

/** Whether the agent's cookie still signs it in: a signed-out agent is sent to /login. */
async function signedIn(agent: Agent): Promise<boolean> {
  const res = await agent.get('/run-checks');
  if (res.status === 200) return true;
  expect(res.status).toBe(302);
  expect(res.headers.location).toMatch(/^\/login/);
  return false;
}

async function signInFrom(email: string, userAgent: string, password = testPassword) {
  const agent = request.agent(built.app);
  const page = await agent.get('/login').set('User-Agent', userAgent);
  const res = await agent
    .post('/login')
    .set('User-Agent', userAgent)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), email, password });
  expect(res.status).toBe(302);
  return { agent, csrf: await csrfOf(agent) };
}

describe('an admin changing a user ends that user’s sessions', () => {
  it('a password reset signs the user out everywhere', async () => {
    const admin = await signIn(built.app, (await addUser(ctx.db, 'admin')).email);
    const user = await addUser(ctx.db, 'operator');
    const laptop = await signIn(built.app, user.email);
    const phone = await signIn(built.app, user.email);
    expect(await signedIn(laptop.agent)).toBe(true);

    const reset = await admin.agent.post(`/users/${user.id}/password`).type('form').send({ _csrf: admin.csrf });
    expect(reset.status).toBe(302);
    const page = await admin.agent.get('/users');
    expect(page.text).toContain('Their sessions have been signed out.');

    expect(await signedIn(laptop.agent)).toBe(false);
    expect(await signedIn(phone.agent)).toBe(false);
    expect(await ctx.db.prisma.session.count({ where: { userId: user.id } })).toBe(0);
    expect(await signedIn(admin.agent)).toBe(true);
  });

  it('a role change signs the user out', async () => {
    const admin = await signIn(built.app, (await addUser(ctx.db, 'admin')).email);
    const user = await addUser(ctx.db, 'operator');
    const session = await signIn(built.app, user.email);
    await admin.agent.post(`/users/${user.id}/role`).type('form').send({ _csrf: admin.csrf, role: 'reporter' });
    expect(await signedIn(session.agent)).toBe(false);
  });

  it('deactivation removes the user’s session rows, not only refuses them', async () => {
    const admin = await signIn(built.app, (await addUser(ctx.db, 'admin')).email);
    const user = await addUser(ctx.db, 'reporter');
    await signIn(built.app, user.email);
    expect(await ctx.db.prisma.session.count({ where: { userId: user.id } })).toBe(1);
    await admin.agent.post(`/users/${user.id}/active`).type('form').send({ _csrf: admin.csrf, active: 'false' });
    expect(await ctx.db.prisma.session.count({ where: { userId: user.id } })).toBe(0);
  });

  it('"Sign out everywhere" ends every session of that user', async () => {
    const admin = await signIn(built.app, (await addUser(ctx.db, 'admin')).email);
    const user = await addUser(ctx.db, 'operator');
    const sessions = [await signIn(built.app, user.email), await signIn(built.app, user.email)];
    const res = await admin.agent.post(`/users/${user.id}/sign-out`).type('form').send({ _csrf: admin.csrf });
    expect(res.status).toBe(302);
    expect((await admin.agent.get('/users')).text).toContain('Signed out everywhere: 2 sessions ended.');
    for (const s of sessions) expect(await signedIn(s.agent)).toBe(false);
    const event = await ctx.db.prisma.auditEvent.findFirst({ where: { action: 'user.signed_out_everywhere' } });
    expect(event?.targetId).toBe(String(user.id));
  });

  it('an admin resetting their own password keeps the session they do it from', async () => {
    const me = await addUser(ctx.db, 'admin');
    const here = await signIn(built.app, me.email);
    const elsewhere = await signIn(built.app, me.email);
    await here.agent.post(`/users/${me.id}/password`).type('form').send({ _csrf: here.csrf });
    expect(await signedIn(here.agent)).toBe(true);
    expect(await signedIn(elsewhere.agent)).toBe(false);
  });
});

describe('Your account', () => {
  it('lists the user’s sessions with when, IP address and browser, and signs out the others', async () => {
    const user = await addUser(ctx.db, 'reporter');
    const desk = await signInFrom(user.email, 'DeskBrowser/1.0 (<script>alert(1)</script>)');
    const other = await signInFrom(user.email, 'PhoneBrowser/2.0');
    const stranger = await signIn(built.app, (await addUser(ctx.db, 'reporter')).email);

    const page = await desk.agent.get('/account');
    expect(page.status).toBe(200);
    expect(page.text).toContain('PhoneBrowser/2.0');
    // The browser string comes from the request: shown escaped.
    expect(page.text).toContain('DeskBrowser/1.0 (&lt;script&gt;alert(1)&lt;/script&gt;)');
    expect(page.text).toContain('This session');
    expect(page.text).toMatch(/127\.0\.0\.1|::ffff:127\.0\.0\.1|::1/);
    // A session id is a credential: the page names sessions without showing their ids.
    for (const { sid } of await ctx.db.prisma.session.findMany({ where: { userId: user.id } })) {
      expect(page.text).not.toContain(sid);
    }

    const res = await desk.agent.post('/account/sessions/sign-out-others').type('form').send({ _csrf: desk.csrf });
    expect(res.status).toBe(302);
    expect((await desk.agent.get('/account')).text).toContain('Signed out 1 other session.');
    expect(await signedIn(desk.agent)).toBe(true);
    expect(await signedIn(other.agent)).toBe(false);
    expect(await signedIn(stranger.agent)).toBe(true);
  });

  it('changes the password with the current one; other sessions end, this one stays', async () => {
    const user = await addUser(ctx.db, 'operator');
    const here = await signIn(built.app, user.email);
    const elsewhere = await signIn(built.app, user.email);

    const wrong = await here.agent.post('/account/password').type('form').send({
      _csrf: here.csrf,
      currentPassword: 'not it',
      newPassword: 'a new long passphrase',
      confirmPassword: 'a new long passphrase',
    });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('This is not your current password');
    const mismatch = await here.agent.post('/account/password').type('form').send({
      _csrf: here.csrf,
      currentPassword: testPassword,
      newPassword: 'a new long passphrase',
      confirmPassword: 'another passphrase',
    });
    expect(mismatch.text).toContain('The two new passwords are not the same');
    expect(await signedIn(elsewhere.agent)).toBe(true);

    const ok = await here.agent.post('/account/password').type('form').send({
      _csrf: here.csrf,
      currentPassword: testPassword,
      newPassword: 'a new long passphrase',
      confirmPassword: 'a new long passphrase',
    });
    expect(ok.status).toBe(302);
    expect(await signedIn(here.agent)).toBe(true);
    expect(await signedIn(elsewhere.agent)).toBe(false);
    await signIn(built.app, user.email, 'a new long passphrase');
    await expect(signIn(built.app, user.email)).rejects.toThrow(/401/);
  });
});

describe('anonymous requests', () => {
  it('leave no session row unless a page with a form is shown', async () => {
    await ctx.db.prisma.session.deleteMany();
    const anonymous = request(built.app);
    const statuses = [
      (await anonymous.get('/')).status,
      (await anonymous.get('/runs/1')).status,
      (await anonymous.get('/run-checks?status=error')).status,
      (await anonymous.post('/run-checks/runs/1/review')).status,
      (await anonymous.post('/login').type('form').send({ email: 'x@example.com', password: 'y' })).status,
      (await anonymous.get('/no-such-page')).status,
      (await anonymous.get('/healthz')).status,
      (await anonymous.post('/api/v1/runs').send({})).status,
    ];
    expect(statuses).toEqual([302, 302, 302, 302, 403, 302, 200, 401]);
    expect(await ctx.db.prisma.session.count()).toBe(0);
  });

  it('the sign-in form’s session is short-lived and belongs to nobody', async () => {
    await ctx.db.prisma.session.deleteMany();
    const before = Date.now();
    const res = await request(built.app).get('/login');
    expect(res.status).toBe(200);
    const rows = await ctx.db.prisma.session.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.userId).toBeNull();
    expect(rows[0]!.expiresAt.getTime()).toBeLessThanOrEqual(before + 60 * 60_000 + 5_000);
  });
});
