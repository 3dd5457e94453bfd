import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/app.ts';
import { buildTestApp, signIn, signInAs } from '../support/app.ts';
import { useTestDatabase } from '../support/db.ts';

const ctx = useTestDatabase();
let built: BuiltApp;

beforeAll(() => {
  built = buildTestApp(ctx.db);
});
afterAll(() => built.close());

describe('Users page (admin)', () => {
  it('re-renders the form with per-field errors and the values typed', async () => {
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'admin');
    const res = await agent
      .post('/users')
      .type('form')
      .send({ _csrf: csrf, email: 'not-an-email', name: 'Kept Name', role: 'boss', password: 'short' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Enter an e-mail address such as name@example.com');
    expect(res.text).toContain('Choose admin, operator or reporter');
    expect(res.text).toContain('Use at least 12 characters');
    expect(res.text).toContain('value="Kept Name"');
    expect(res.text).toContain('value="not-an-email"');
  });

  it('adds a user who can then sign in, and refuses a duplicate e-mail', async () => {
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'admin');
    const form = {
      _csrf: csrf,
      email: 'Olivia@Example.com',
      name: 'Olivia',
      role: 'operator',
      password: 'a long enough password',
    };
    expect((await agent.post('/users').type('form').send(form)).status).toBe(302);
    await signIn(built.app, 'olivia@example.com', 'a long enough password');
    const again = await agent.post('/users').type('form').send(form);
    expect(again.status).toBe(409);
    expect(again.text).toContain('A user with e-mail olivia@example.com already exists.');
    const events = await ctx.db.prisma.auditEvent.findMany({ where: { action: 'user.created' } });
    expect(events.map((e) => e.summary)).toContain('Added user olivia@example.com as operator');
  });

  it('changes a role, resets a password once, and never deactivates the last admin', async () => {
    await ctx.db.prisma.user.updateMany({ where: { role: 'admin' }, data: { active: false } });
    const { agent, csrf, user } = await signInAs(built.app, ctx.db, 'admin');
    const other = await ctx.db.prisma.user.create({
      data: { email: 'rep@example.com', name: 'Rep', role: 'reporter', passwordHash: 'x' },
    });
    expect(
      (await agent.post(`/users/${other.id}/role`).type('form').send({ _csrf: csrf, role: 'operator' })).status,
    ).toBe(302);
    expect((await ctx.db.prisma.user.findUniqueOrThrow({ where: { id: other.id } })).role).toBe('operator');

    const reset = await agent.post(`/users/${other.id}/password`).type('form').send({ _csrf: csrf }).redirects(1);
    const shown = /New password \(shown once, hand it over securely\): ([a-z0-9-]+)/.exec(reset.text);
    expect(shown).not.toBeNull();
    await signIn(built.app, 'rep@example.com', shown![1]);

    const self = await agent.post(`/users/${user.id}/active`).type('form').send({ _csrf: csrf, active: 'false' });
    expect(self.status).toBe(409);
    const demote = await agent.post(`/users/${user.id}/role`).type('form').send({ _csrf: csrf, role: 'operator' });
    expect(demote.status).toBe(409);
    expect(demote.text).toContain('This is the last active admin');
  });
});

describe('Users page: the user in the address', () => {
  it.each([
    ['/users/2147483648/role', { role: 'operator' }],
    ['/users/%20%201/password', {}],
    ['/users/0x10/active', { active: 'false' }],
    ['/users/999999/role', { role: 'operator' }],
    ['/users/999999/active', { active: 'false' }],
    ['/users/999999/password', {}],
  ])('%s is a missing page (404), not a failure', async (url, form) => {
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'admin');
    const res = await agent
      .post(url)
      .type('form')
      .send({ _csrf: csrf, ...form });
    expect(res.status).toBe(404);
    expect(res.text).toContain('This user does not exist.');
  });
});

describe('Audit log', () => {
  it('lists events newest first and filters by actor and action', async () => {
    const { agent, user } = await signInAs(built.app, ctx.db, 'admin');
    await ctx.db.prisma.auditEvent.createMany({
      data: [
        {
          actorId: user.id,
          actorLabel: user.email,
          action: 'test.first',
          summary: 'First thing',
          at: new Date(Date.now() - 60_000),
        },
        { actorId: user.id, actorLabel: user.email, action: 'test.second', summary: 'Second thing' },
        { actorId: null, actorLabel: 'system', action: 'test.second', summary: 'System thing' },
      ],
    });
    const all = await agent.get('/audit');
    expect(all.status).toBe(200);
    expect(all.text.indexOf('Second thing')).toBeLessThan(all.text.indexOf('First thing'));
    const byAction = await agent.get('/audit?action=test.second');
    expect(byAction.text).toContain('System thing');
    expect(byAction.text).not.toContain('First thing');
    const byActor = await agent.get(`/audit?actor=${user.id}&action=test.second`);
    expect(byActor.text).toContain('Second thing');
    expect(byActor.text).not.toContain('System thing');
    // An actor id no database column can hold is ignored like any other bad filter.
    const tooLarge = await agent.get('/audit?actor=2147483648&action=test.second');
    expect(tooLarge.status).toBe(200);
    expect(tooLarge.text).toContain('System thing');
  });
});
