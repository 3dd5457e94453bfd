import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { addUser, buildTestApp, csrfFrom, signIn, signInAs, testPassword } from '../support/app.ts';
import { useTestDatabase } from '../support/db.ts';

const ctx = useTestDatabase();
const root = path.resolve(import.meta.dirname, '../..');
let built: BuiltApp;

beforeAll(() => {
  built = buildTestApp(ctx.db, { LOGIN_MAX_ATTEMPTS: '5' });
});
afterAll(() => built.close());
// Every request here comes from 127.0.0.1: each test starts with that address's budget unspent.
beforeEach(() => ctx.db.prisma.rateLimit.deleteMany());

/** A sign-in attempt from its own cookie jar, with the form's token fetched first. */
async function prepareAttempt(email: string, password: string) {
  const agent = request.agent(built.app);
  const csrf = csrfFrom((await agent.get('/login')).text);
  return () => agent.post('/login').type('form').send({ _csrf: csrf, email, password });
}

describe('sign-in throttling', () => {
  it('parallel wrong passwords: no more are checked than the limit allows', async () => {
    const user = await addUser(ctx.db, 'admin');
    const attempts = await Promise.all(Array.from({ length: 12 }, () => prepareAttempt(user.email, 'wrong guess')));
    const statuses = (await Promise.all(attempts.map((send) => send()))).map((r) => r.status);
    // A 401 is an attempt whose password was checked; every other one was refused before that.
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
  });

  it('a right password gives the attempt back: failures before it are forgotten', async () => {
    const user = await addUser(ctx.db, 'operator');
    for (let i = 0; i < 4; i++) expect((await (await prepareAttempt(user.email, 'wrong'))()).status).toBe(401);
    expect((await (await prepareAttempt(user.email, testPassword))()).status).toBe(302);
    for (let i = 0; i < 4; i++) expect((await (await prepareAttempt(user.email, 'wrong'))()).status).toBe(401);
    expect((await (await prepareAttempt(user.email, testPassword))()).status).toBe(302);
  });
});

describe('caching', () => {
  it('signed-in pages, the sign-in page and the API say no-store; static files stay cacheable', async () => {
    const { agent } = await signInAs(built.app, ctx.db, 'admin');
    for (const page of ['/run-checks', '/users', '/settings/api-tokens', '/account']) {
      const res = await agent.get(page);
      expect(res.status, page).toBe(200);
      expect(res.headers['cache-control'], page).toBe('no-store');
    }
    expect((await request(built.app).get('/login')).headers['cache-control']).toBe('no-store');
    expect((await request(built.app).post('/api/v1/runs')).headers['cache-control']).toBe('no-store');
    expect((await request(built.app).get('/static/css/app.css')).headers['cache-control']).toMatch(/max-age=\d+/);
  });
});

describe('the token API', () => {
  it('checks the token before it reads the body', async () => {
    const malformed = await request(built.app)
      .post('/api/v1/runs')
      .set('Content-Type', 'application/json')
      .send('{"not json');
    expect(malformed.status).toBe(401);
    expect((malformed.body as { error: { code: string } }).error.code).toBe('unauthenticated');

    const huge = await request(built.app)
      .post('/api/v1/runs')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ padding: 'x'.repeat(2 * 1024 * 1024) }));
    expect(huge.status).toBe(401);
  });
});

describe('error details', () => {
  it('are off unless SHOW_ERROR_DETAILS is set, also under NODE_ENV=development', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).showErrorDetails).toBe(false);
    expect(loadConfig({}).showErrorDetails).toBe(false);
    expect(loadConfig({ NODE_ENV: 'development', SHOW_ERROR_DETAILS: 'true' }).showErrorDetails).toBe(true);
  });

  it('a database failure shows a plain 500 page: no stack, no query, no file path', async () => {
    const dev = buildTestApp(ctx.db, { NODE_ENV: 'development' });
    const detailed = buildTestApp(ctx.db, { NODE_ENV: 'development', SHOW_ERROR_DETAILS: 'true' });
    const user = await addUser(ctx.db, 'reporter');
    const plain = await signIn(dev.app, user.email);
    const withDetails = await signIn(detailed.app, user.email);
    // A real failure from PostgreSQL: the table the page reads is gone for a moment.
    await ctx.db.prisma.$executeRawUnsafe('ALTER TABLE "Customer" RENAME TO "CustomerAway"');
    try {
      const res = await plain.agent.get('/customers');
      expect(res.status).toBe(500);
      expect(res.text).toContain('An unexpected error occurred.');
      expect(res.text).not.toMatch(/\bat .+\.(ts|js):\d+/);
      expect(res.text).not.toMatch(/"Customer"|relation|prisma|node_modules|\/src\//i);

      const shown = await withDetails.agent.get('/customers');
      expect(shown.status).toBe(500);
      expect(shown.text).toMatch(/\bat .+:\d+/);
    } finally {
      await ctx.db.prisma.$executeRawUnsafe('ALTER TABLE "CustomerAway" RENAME TO "Customer"');
      await dev.close();
      await detailed.close();
    }
  });
});

describe('the container build context', () => {
  const ignored = fs
    .readFileSync(path.join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  it('leaves out secrets, local data and what the build makes itself', () => {
    for (const entry of ['.env', 'data/', 'node_modules/', 'src/generated/', 'dist/']) expect(ignored).toContain(entry);
  });

  it('keeps everything the Dockerfile copies', () => {
    const copied = [...fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8').matchAll(/^COPY (?!--from)(.+) \S+$/gm)]
      .flatMap((m) => m[1]!.split(/\s+/))
      .map((p) => p.replace(/\/$/, ''));
    expect(copied).toContain('src');
    for (const source of copied) {
      expect(ignored.map((p) => p.replace(/\/$/, ''))).not.toContain(source);
      expect(fs.existsSync(path.join(root, source)), source).toBe(true);
    }
  });
});
