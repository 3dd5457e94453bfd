import crypto from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/app.ts';
import { buildTestApp, signInAs } from '../support/app.ts';
import { useTestDatabase } from '../support/db.ts';

const ctx = useTestDatabase();
let built: BuiltApp;

beforeAll(async () => {
  built = buildTestApp(ctx.db);
  await ctx.db.prisma.customer.create({ data: { name: 'Tailspin Toys', nameKey: 'tailspin toys' } });
});
afterAll(() => built.close());

const run = {
  customer: 'Tailspin Toys',
  job: { name: 'Webshop VMs', backupSoftware: 'NAKIVO Backup & Replication', backupType: 'VM backup' },
  runAt: '2026-03-01T01:00:00Z',
  status: 'success',
  objects: [],
};

describe('Settings → API tokens (admin)', () => {
  it('creates a token shown once, stores only its hash, and revokes it', async () => {
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'admin');

    const empty = await agent.post('/settings/api-tokens').type('form').send({ _csrf: csrf, name: '  ' });
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('Enter a name that says where the token is used');

    const created = await agent.post('/settings/api-tokens').type('form').send({ _csrf: csrf, name: 'RMM script' });
    expect(created.status).toBe(302);
    const page = await agent.get('/settings/api-tokens');
    const shown = /it is shown only once\): (bc_[A-Za-z0-9_-]{43})/.exec(page.text);
    expect(shown).not.toBeNull();
    const token = shown![1]!;

    // Shown once: the next view no longer has it.
    expect((await agent.get('/settings/api-tokens')).text).not.toContain(token);
    const stored = await ctx.db.prisma.apiToken.findFirstOrThrow({ where: { name: 'RMM script' } });
    expect(stored.tokenHash).toBe(crypto.createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(token.startsWith(stored.prefix)).toBe(true);

    const ok = await request(built.app).post('/api/v1/runs').set('Authorization', `Bearer ${token}`).send(run);
    expect(ok.status).toBe(201);

    const revoked = await agent.post(`/settings/api-tokens/${stored.id}/revoke`).type('form').send({ _csrf: csrf });
    expect(revoked.status).toBe(302);
    const refused = await request(built.app).post('/api/v1/runs').set('Authorization', `Bearer ${token}`).send(run);
    expect(refused.status).toBe(401);

    const list = await agent.get('/settings/api-tokens');
    expect(list.text).toContain('RMM script');
    expect(list.text).toContain('revoked');

    const actions = (
      await ctx.db.prisma.auditEvent.findMany({ where: { targetType: 'api_token' }, orderBy: { id: 'asc' } })
    ).map((e) => e.action);
    expect(actions).toEqual(['api_token.created', 'api_token.revoked']);
  });

  it('is refused to operators and reporters', async () => {
    for (const role of ['operator', 'reporter'] as const) {
      const { agent, csrf } = await signInAs(built.app, ctx.db, role);
      expect((await agent.get('/settings/api-tokens')).status).toBe(403);
      expect((await agent.post('/settings/api-tokens').type('form').send({ _csrf: csrf, name: 'x' })).status).toBe(403);
    }
  });
});
