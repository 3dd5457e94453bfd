import type { Response } from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/app.ts';
import { buildTestApp, csrfOf, signIn, signInAs } from '../support/app.ts';
import { useTestDatabase } from '../support/db.ts';
import { enrol, useStepClock } from './two-factor-helpers.ts';

const ctx = useTestDatabase();
const clock = useStepClock();
let built: BuiltApp;

beforeAll(() => {
  built = buildTestApp(ctx.db);
});
afterAll(() => built.close());
beforeEach(async () => {
  await ctx.db.prisma.securitySettings.deleteMany();
  await ctx.db.prisma.rateLimit.deleteMany();
});

const REQUIRED = 'Your role requires two-factor sign-in: set it up to continue.';

/** Sent to the set-up page by the requirement (not by a page's own redirect). */
const heldOnSetUp = (res: Response): boolean => res.status === 302 && res.headers.location === '/account/two-factor';

function requireForAdmins(): Promise<unknown> {
  return ctx.db.prisma.securitySettings.create({ data: { id: 1, requireTwoFactorForAdmins: true } });
}

/** The row of the users table that names `email`. */
function rowOf(html: string, email: string): string {
  const row = new RegExp(`<tr[^>]*>(?:(?!</tr>)[\\s\\S])*<td>${email.replace(/[.]/g, '\\.')}</td>[\\s\\S]*?</tr>`).exec(
    html,
  );
  if (!row) throw new Error(`no row for ${email}`);
  return row[0];
}

describe('Settings → Security', () => {
  it('is listed on Settings, refuses the requirement until the admin has set it up, then saves it', async () => {
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'admin');
    expect((await agent.get('/settings')).text).toContain('href="/settings/security"');
    const page = await agent.get('/settings/security');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Require two-factor sign-in for admins');
    expect(page.text).toContain('>Save</button>');

    const refused = await agent
      .post('/settings/security')
      .type('form')
      .send({ _csrf: csrf, requireTwoFactorForAdmins: 'on' });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('Turn on two-factor sign-in for your own account first');
    expect(refused.text).toContain('href="/account/two-factor"');
    expect(await ctx.db.prisma.securitySettings.count()).toBe(0);

    await enrol(agent, csrf, clock.nextStep());
    const saved = await agent
      .post('/settings/security')
      .type('form')
      .send({ _csrf: csrf, requireTwoFactorForAdmins: 'on' });
    expect(saved.status).toBe(302);
    const shown = await agent.get('/settings/security');
    expect(shown.text).toContain('Security settings saved.');
    expect(shown.text).toMatch(/name="requireTwoFactorForAdmins"[^>]* checked/);

    expect((await agent.post('/settings/security').type('form').send({ _csrf: csrf })).status).toBe(302);
    expect(
      (await ctx.db.prisma.securitySettings.findUniqueOrThrow({ where: { id: 1 } })).requireTwoFactorForAdmins,
    ).toBe(false);
    const events = await ctx.db.prisma.auditEvent.findMany({
      where: { action: 'security.settings_changed' },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => e.summary)).toEqual([
      'Required two-factor sign-in for admins',
      'Stopped requiring two-factor sign-in for admins',
    ]);
  });

  it.each(['operator', 'reporter'] as const)('is not for %s users (403)', async (role) => {
    const { agent, csrf } = await signInAs(built.app, ctx.db, role);
    expect((await agent.get('/settings/security')).status).toBe(403);
    const post = await agent
      .post('/settings/security')
      .type('form')
      .send({ _csrf: csrf, requireTwoFactorForAdmins: 'on' });
    expect(post.status).toBe(403);
  });
});

describe('Two-factor sign-in required for admins', () => {
  it('holds an admin without it on the set-up page until it is on, also in a session opened before', async () => {
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'admin');
    await requireForAdmins();

    const sent = await agent.get('/run-checks');
    expect(heldOnSetUp(sent)).toBe(true);
    const setUp = await agent.get(sent.headers.location!);
    expect(setUp.status).toBe(200);
    expect(setUp.text).toContain(REQUIRED);
    for (const page of ['/', '/users', '/settings', '/audit', '/customers']) {
      expect(heldOnSetUp(await agent.get(page)), page).toBe(true);
    }
    for (const form of ['/users', '/customers', '/account/password', '/settings/security']) {
      const res = await agent.post(form).type('form').send({ _csrf: csrf });
      expect(res.status, form).toBe(403);
      expect(res.text).toContain(REQUIRED);
    }
    expect((await agent.get('/account')).status).toBe(200);

    await enrol(agent, csrf, clock.nextStep());
    expect((await agent.get('/users')).status).toBe(200);
    expect(heldOnSetUp(await agent.get('/run-checks'))).toBe(false);
  });

  it('still lets the held admin sign out', async () => {
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'admin');
    await requireForAdmins();
    const out = await agent.post('/logout').type('form').send({ _csrf: csrf });
    expect(out.status).toBe(302);
    expect(out.headers.location).toBe('/login');
    expect((await agent.get('/account')).headers.location).toMatch(/^\/login/);
  });

  it.each(['operator', 'reporter'] as const)('leaves %s users alone', async (role) => {
    const { agent, csrf } = await signInAs(built.app, ctx.db, role);
    await requireForAdmins();
    expect(heldOnSetUp(await agent.get('/run-checks'))).toBe(false);
    expect(heldOnSetUp(await agent.get('/customers'))).toBe(false);
    // A form outside the set-up page gets its own answer (a wrong current password), not 403.
    const form = await agent
      .post('/account/password')
      .type('form')
      .send({ _csrf: csrf, currentPassword: 'wrong', newPassword: 'a new long password', confirmPassword: 'x' });
    expect(form.status).toBe(422);
  });
});

describe('Users page: two-factor sign-in', () => {
  it('shows who has it on and lets an admin reset it; the user signs in with the password again', async () => {
    const admin = await signInAs(built.app, ctx.db, 'admin');
    const operator = await signInAs(built.app, ctx.db, 'operator');
    const plain = await signInAs(built.app, ctx.db, 'reporter');
    await enrol(operator.agent, operator.csrf, clock.nextStep());

    const list = await admin.agent.get('/users');
    const row = rowOf(list.text, operator.user.email);
    expect(row).toContain('<td>on</td>');
    expect(row).toContain(`action="/users/${operator.user.id}/two-factor/reset"`);
    expect(row).toContain('Reset two-factor');
    expect(rowOf(list.text, plain.user.email)).toContain('<td>off</td>');
    expect(rowOf(list.text, plain.user.email)).not.toContain('Reset two-factor');

    const reset = await admin.agent
      .post(`/users/${operator.user.id}/two-factor/reset`)
      .type('form')
      .send({ _csrf: admin.csrf });
    expect(reset.status).toBe(302);
    expect(reset.headers.location).toBe('/users');
    expect((await admin.agent.get('/users')).text).toContain(
      `Two-factor sign-in of ${operator.user.email} is off and their sessions have ended.`,
    );
    const row2 = await ctx.db.prisma.user.findUniqueOrThrow({ where: { id: operator.user.id } });
    expect([row2.totpSecret, row2.totpEnabledAt]).toEqual([null, null]);
    expect(await ctx.db.prisma.recoveryCode.count({ where: { userId: operator.user.id } })).toBe(0);
    const events = await ctx.db.prisma.auditEvent.findMany({ where: { action: 'two_factor.reset_by_admin' } });
    expect(events.map((e) => [e.actorId, e.targetId])).toEqual([[admin.user.id, String(operator.user.id)]]);
    expect((await operator.agent.get('/account')).headers.location).toMatch(/^\/login/);
    await signIn(built.app, operator.user.email);

    const again = await admin.agent
      .post(`/users/${operator.user.id}/two-factor/reset`)
      .type('form')
      .send({ _csrf: admin.csrf });
    expect(again.status).toBe(302);
    expect((await admin.agent.get('/users')).text).toContain(
      `${operator.user.email} does not have two-factor sign-in on.`,
    );
  });

  it('is a missing page for a user that does not exist, and refused to non-admins', async () => {
    const admin = await signInAs(built.app, ctx.db, 'admin');
    const missing = await admin.agent.post('/users/999999/two-factor/reset').type('form').send({ _csrf: admin.csrf });
    expect(missing.status).toBe(404);
    const operator = await signInAs(built.app, ctx.db, 'operator');
    const refused = await operator.agent
      .post(`/users/${admin.user.id}/two-factor/reset`)
      .type('form')
      .send({ _csrf: await csrfOf(operator.agent, '/account') });
    expect(refused.status).toBe(403);
  });
});
