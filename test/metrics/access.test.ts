import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/app.ts';
import { addUser, buildTestApp, signIn, testConfig } from '../support/app.ts';
import { useTestDatabase } from '../support/db.ts';

/**
 * Who may read GET /metrics: nobody without METRICS_TOKEN (404, as for an unknown address), and
 * with one only a request that carries it as a bearer token. Every other request gets a bare 401,
 * a session included; wrong tokens from one address are limited like sign-in attempts.
 */

const ctx = useTestDatabase();
const TOKEN = 'b6f0c0d5e3a94f0e8c1d2b3a4f5e6d7c8b9a0f1e2d3c4b5a6978877665544332';

let off: BuiltApp;
let on: BuiltApp;

beforeAll(() => {
  off = buildTestApp(ctx.db);
  on = buildTestApp(ctx.db, { METRICS_TOKEN: TOKEN });
});

afterAll(async () => {
  await off?.close();
  await on?.close();
});

describe('without METRICS_TOKEN', () => {
  it('is a 404, with or without a bearer token', async () => {
    expect((await request(off.app).get('/metrics')).status).toBe(404);
    expect((await request(off.app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`)).status).toBe(404);
  });
});

describe('with METRICS_TOKEN', () => {
  it('answers the bearer token with the metrics, without a session or a cookie', async () => {
    const res = await request(on.app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.text).toContain('# TYPE backupchecks_http_request_duration_seconds histogram');
  });

  it.each([
    ['no Authorization header', undefined],
    ['a wrong token', `Bearer ${'0'.repeat(64)}`],
    ['the token without its last character', `Bearer ${TOKEN.slice(0, -1)}`],
    ['the token with one character more', `Bearer ${TOKEN}0`],
    ['the token in upper case', `Bearer ${TOKEN.toUpperCase()}`],
    ['the token without the Bearer scheme', TOKEN],
    ['the token as Basic credentials', `Basic ${Buffer.from(`metrics:${TOKEN}`).toString('base64')}`],
    ['an empty bearer token', 'Bearer '],
  ])('refuses %s with a bare 401', async (_label, authorization) => {
    const req = request(on.app).get('/metrics');
    const res = await (authorization === undefined ? req : req.set('Authorization', authorization));
    expect(res.status).toBe(401);
    expect(res.text).toBe('');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('refuses the token in the address instead of the header', async () => {
    const res = await request(on.app).get(`/metrics?token=${TOKEN}&access_token=${TOKEN}`);
    expect(res.status).toBe(401);
    expect(res.text).toBe('');
  });

  it('refuses a signed-in admin: a session never opens it', async () => {
    const admin = await addUser(ctx.db, 'admin');
    const { agent } = await signIn(on.app, admin.email);
    expect((await agent.get('/run-checks')).status).toBe(200);
    const res = await agent.get('/metrics');
    expect(res.status).toBe(401);
    expect(res.text).toBe('');
  });
});

describe('wrong tokens from one address', () => {
  it('are refused with 429 after 20 within the window, the right token included', async () => {
    const built = buildTestApp(ctx.db, { METRICS_TOKEN: TOKEN });
    try {
      for (let i = 0; i < 20; i++) {
        expect((await request(built.app).get('/metrics').set('Authorization', 'Bearer guess')).status).toBe(401);
      }
      const limited = await request(built.app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.text).toBe('');
    } finally {
      await built.close();
    }
  });

  it('are not charged for right ones: a scraper never runs into the limit', async () => {
    const built = buildTestApp(ctx.db, { METRICS_TOKEN: TOKEN });
    try {
      for (let i = 0; i < 25; i++) {
        expect((await request(built.app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`)).status).toBe(200);
      }
      for (let i = 0; i < 20; i++) {
        expect((await request(built.app).get('/metrics').set('Authorization', 'Bearer guess')).status).toBe(401);
      }
    } finally {
      await built.close();
    }
  });
});

describe('METRICS_TOKEN in the environment', () => {
  it.each([
    ['shorter than 32 characters', 'short-token'],
    ['with a space', `${'a'.repeat(20)} ${'b'.repeat(20)}`],
  ])('is refused at start when %s, naming the variable', (_label, value) => {
    expect(() => testConfig({ METRICS_TOKEN: value })).toThrow(/^Configuration error: METRICS_TOKEN /);
  });

  it('is optional: empty means unset (off)', () => {
    expect(testConfig({ METRICS_TOKEN: '' }).metricsToken).toBeUndefined();
    expect(testConfig({ METRICS_TOKEN: TOKEN }).metricsToken).toBe(TOKEN);
  });
});
