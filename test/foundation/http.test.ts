import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { BuiltApp } from '../../src/app.ts';
import { buildTestApp } from '../support/app.ts';
import { createTestDatabase, useTestDatabase } from '../support/db.ts';

const ctx = useTestDatabase();
let built: BuiltApp;

beforeAll(() => {
  built = buildTestApp(ctx.db);
});
afterAll(() => built.close());

describe('HTTP basics', () => {
  it('GET /healthz checks the database', async () => {
    const res = await request(built.app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', database: 'ok' });
  });

  it('GET /healthz answers 503 when the database is unreachable', async () => {
    const broken = await createTestDatabase();
    const app = buildTestApp(broken);
    try {
      await broken.close();
      const res = await request(app.app).get('/healthz');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'unavailable', database: 'unreachable' });
    } finally {
      await app.close();
    }
  });

  it('sends a CSP that allows no inline script or style', async () => {
    const res = await request(built.app).get('/login');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.text).not.toMatch(/\sstyle=|\son[a-z]+=/i);
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('renders a friendly 404 without a stack trace', async () => {
    const res = await request(built.app).get('/no/such/page');
    expect(res.status).toBe(302); // anonymous: sign in first
    const asJson = await request(built.app).get('/api/v1/nothing');
    expect(asJson.status).toBe(404);
    expect((asJson.body as { error: { code: string } }).error.code).toBe('not_found');
    expect(asJson.text).not.toContain('at ');
  });
});
