import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/app.ts';
import { buildTestApp, signInAs } from '../support/app.ts';
import { useTestDatabase } from '../support/db.ts';

const ctx = useTestDatabase();
let built: BuiltApp;

beforeAll(() => {
  built = buildTestApp(ctx.db);
});
afterAll(() => built.close());

describe('CSRF', () => {
  it('rejects a state-changing POST without a valid token and changes nothing', async () => {
    const { agent } = await signInAs(built.app, ctx.db, 'admin');
    const before = await ctx.db.prisma.user.count();
    const form = {
      email: 'new.user@example.com',
      name: 'New User',
      role: 'operator',
      password: 'a long enough password',
    };

    const missing = await agent.post('/users').type('form').send(form);
    expect(missing.status).toBe(403);
    expect(missing.text).toContain('This form has expired or did not come from this site');

    const forged = await agent
      .post('/users')
      .type('form')
      .send({ ...form, _csrf: 'forged-token' });
    expect(forged.status).toBe(403);

    expect(await ctx.db.prisma.user.count()).toBe(before);
  });

  it('accepts the same POST with the token from the page', async () => {
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'admin');
    const res = await agent.post('/users').type('form').send({
      _csrf: csrf,
      email: 'second.user@example.com',
      name: 'Second',
      role: 'reporter',
      password: 'a long enough password',
    });
    expect(res.status).toBe(302);
    expect(await ctx.db.prisma.user.count({ where: { email: 'second.user@example.com' } })).toBe(1);
  });
});
