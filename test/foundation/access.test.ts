import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { BuiltApp } from '../../src/app.ts';
import { buildTestApp, signInAs, type Agent } from '../support/app.ts';
import { useTestDatabase } from '../support/db.ts';
import { adminOnlyRoutes, examplePath, operatorRoutes, signedInRoutes } from '../support/routes.ts';

const ctx = useTestDatabase();
let built: BuiltApp;
const agents: Partial<Record<'operator' | 'reporter', { agent: Agent; csrf: string }>> = {};

beforeAll(async () => {
  built = buildTestApp(ctx.db);
  agents.operator = await signInAs(built.app, ctx.db, 'operator');
  agents.reporter = await signInAs(built.app, ctx.db, 'reporter');
});
afterAll(() => built.close());

describe('role guards', () => {
  const forbidden = [
    ...adminOnlyRoutes.map((r) => ['operator', ...r] as const),
    ...adminOnlyRoutes.map((r) => ['reporter', ...r] as const),
    ...operatorRoutes.map((r) => ['reporter', ...r] as const),
  ];
  it.each(forbidden)('%s: %s %s answers 403', async (role, method, spec) => {
    const { agent, csrf } = agents[role]!;
    const path = examplePath(spec);
    const res = method === 'GET' ? await agent.get(path) : await agent.post(path).type('form').send({ _csrf: csrf });
    expect(res.status).toBe(403);
  });
});

describe('anonymous visitors', () => {
  it.each([...adminOnlyRoutes, ...operatorRoutes, ...signedInRoutes])(
    '%s %s sends them to /login',
    async (method, spec) => {
      const path = examplePath(spec);
      const res = method === 'GET' ? await request(built.app).get(path) : await request(built.app).post(path);
      expect(res.status).toBe(302);
      expect(res.headers.location).toMatch(/^\/login/);
    },
  );
});
