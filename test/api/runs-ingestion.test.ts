import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/app.ts';
import { createApiToken, revokeApiToken } from '../../src/services/accounts/api-tokens.ts';
import { NUL_MESSAGE } from '../../src/middleware/nul-characters.ts';
import { actorOf } from '../../src/services/accounts/audit.ts';
import { addUser, buildTestApp, signIn } from '../support/app.ts';
import { resetData, useTestDatabase } from '../support/db.ts';

const ctx = useTestDatabase();
let built: BuiltApp;
let admin: { id: number; email: string; password: string };
let token: string;

const validRun = () => ({
  customer: 'Acme Dental',
  job: { name: 'Practice servers', backupSoftware: 'Veeam Backup & Replication', backupType: 'VM backup' },
  runAt: '2026-03-01T22:15:00+01:00',
  status: 'warning',
  remark: 'Completed with warnings',
  objects: [
    { name: 'DC01', type: 'VM', status: 'success', message: 'Processed 12 GB' },
    { name: 'SQL01', type: 'VM', status: 'warning', message: 'CBT disabled' },
  ],
});

/** The API's answers: a stored run (src/controllers/runs/api-runs.ts) or an error (src/middleware/errors.ts). */
interface StoredRunBody {
  state: 'matched';
  id: number;
  url: string;
  created: boolean;
  externalId: string | null;
}
interface ErrorBody {
  error: { code: string; message: string; detail?: string; fields?: Record<string, string> };
}
const storedRun = (res: request.Response) => res.body as StoredRunBody;
const errorOf = (res: request.Response) => (res.body as ErrorBody).error;

const post = (body: unknown, auth: string | null = token) => {
  const req = request(built.app).post('/api/v1/runs');
  if (auth !== null) req.set('Authorization', `Bearer ${auth}`);
  return req.send(body as object);
};

beforeAll(() => {
  built = buildTestApp(ctx.db);
});
afterAll(() => built.close());

beforeEach(async () => {
  await resetData(ctx.db);
  admin = await addUser(ctx.db, 'admin');
  token = (await createApiToken(ctx.db.prisma, admin, 'Mail parser')).token;
  await ctx.db.prisma.customer.create({ data: { name: 'Acme Dental', nameKey: 'acme dental' } });
});

describe('POST /api/v1/runs: a valid run', () => {
  it('stores the run with its objects in order, creates the job on first sight, and answers 201', async () => {
    const res = await post(validRun());
    expect(res.status).toBe(201);
    const stored = storedRun(res);
    expect(res.body).toMatchObject({
      state: 'matched',
      id: expect.any(Number) as unknown,
      url: `/runs/${stored.id}`,
      created: true,
    });
    expect(res.headers.location).toBe(`/runs/${stored.id}`);

    const run = await ctx.db.prisma.run.findUniqueOrThrow({
      where: { id: stored.id },
      include: { objects: { orderBy: { position: 'asc' } }, job: { include: { customer: true } } },
    });
    expect(run.runAt.toISOString()).toBe('2026-03-01T21:15:00.000Z');
    expect(run.status).toBe('warning');
    expect(run.reviewedAt).toBeNull();
    expect(run.job).toMatchObject({
      name: 'Practice servers',
      backupSoftware: 'Veeam Backup & Replication',
      backupType: 'VM backup',
    });
    expect(run.job.customer.name).toBe('Acme Dental');
    expect(run.objects.map((o) => [o.name, o.status, o.message])).toEqual([
      ['DC01', 'success', 'Processed 12 GB'],
      ['SQL01', 'warning', 'CBT disabled'],
    ]);
  });

  it('finds the customer whatever the case, and reuses the job for the next run', async () => {
    const first = await post({ ...validRun(), customer: '  ACME dental ' });
    const second = await post({ ...validRun(), runAt: '2026-03-02T22:15:00Z', objects: [] });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(await ctx.db.prisma.job.count()).toBe(1);
    expect(await ctx.db.prisma.run.count()).toBe(2);
  });

  it('is idempotent on externalId: the same id again answers 200 with the first run and creates nothing', async () => {
    const first = await post({ ...validRun(), externalId: 'mail-4711' });
    expect(first.status).toBe(201);
    const again = await post({ ...validRun(), status: 'error', externalId: 'mail-4711' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: storedRun(first).id, created: false, externalId: 'mail-4711' });
    expect(await ctx.db.prisma.run.count()).toBe(1);
    expect(await ctx.db.prisma.runObject.count()).toBe(2);
    expect((await ctx.db.prisma.run.findUniqueOrThrow({ where: { id: storedRun(first).id } })).status).toBe('warning');
  });

  it('creates one run for concurrent retries of the same externalId', async () => {
    const results = await Promise.all([1, 2, 3].map(() => post({ ...validRun(), externalId: 'race-1' })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    expect(new Set(results.map((r) => storedRun(r).id)).size).toBe(1);
    expect(await ctx.db.prisma.run.count()).toBe(1);
  });
});

describe('POST /api/v1/runs: invalid input', () => {
  type Case = [string, (body: Record<string, unknown>) => void, string, string];
  const objects = (body: Record<string, unknown>) => body.objects as Array<Record<string, unknown>>;
  const job = (body: Record<string, unknown>) => body.job as Record<string, unknown>;
  const cases: Case[] = [
    ['customer missing', (b) => delete b.customer, 'customer', 'customer is required'],
    ['customer empty', (b) => (b.customer = '   '), 'customer', 'customer must not be empty'],
    ['customer not text', (b) => (b.customer = 42), 'customer', 'customer must be a string'],
    ['job missing', (b) => delete b.job, 'job', 'job is required'],
    [
      'job not an object',
      (b) => (b.job = 'Practice servers'),
      'job',
      'job must be an object with name, backupSoftware and backupType',
    ],
    ['job.name missing', (b) => delete job(b).name, 'job.name', 'job.name is required'],
    [
      'job.backupSoftware not text',
      (b) => (job(b).backupSoftware = 7),
      'job.backupSoftware',
      'job.backupSoftware must be a string',
    ],
    [
      'job.backupType too long',
      (b) => (job(b).backupType = 'x'.repeat(101)),
      'job.backupType',
      'job.backupType must be at most 100 characters',
    ],
    ['runAt missing', (b) => delete b.runAt, 'runAt', 'runAt is required'],
    [
      'runAt without offset',
      (b) => (b.runAt = '2026-03-01T22:15:00'),
      'runAt',
      'runAt must be an ISO 8601 date and time with a UTC offset, e.g. 2026-03-01T22:15:00+01:00',
    ],
    [
      'runAt not a date',
      (b) => (b.runAt = 'yesterday'),
      'runAt',
      'runAt must be an ISO 8601 date and time with a UTC offset, e.g. 2026-03-01T22:15:00+01:00',
    ],
    [
      'runAt far in the future',
      (b) => (b.runAt = '2999-01-01T00:00:00Z'),
      'runAt',
      'runAt is more than a day in the future; check the clock and time zone of the sender',
    ],
    ['status missing', (b) => delete b.status, 'status', 'status is required'],
    ['status unknown', (b) => (b.status = 'failed'), 'status', 'status must be one of success, warning, error'],
    ['remark not text', (b) => (b.remark = { text: 'x' }), 'remark', 'remark must be a string when given'],
    ['objects missing', (b) => delete b.objects, 'objects', 'objects is required (send [] for none)'],
    ['objects not a list', (b) => (b.objects = 'DC01'), 'objects', 'objects must be a list'],
    [
      'object not an object',
      (b) => ((b.objects as unknown[])[1] = 'SQL01'),
      'objects.1',
      'each entry of objects must be an object with at least name and status',
    ],
    ['object name missing', (b) => delete objects(b)[0]!.name, 'objects.0.name', 'name is required'],
    [
      'object status unknown',
      (b) => (objects(b)[1]!.status = 'ok'),
      'objects.1.status',
      'status must be one of success, warning, error',
    ],
    ['object type not text', (b) => (objects(b)[0]!.type = 3), 'objects.0.type', 'type must be a string when given'],
    [
      'object message too long',
      (b) => (objects(b)[0]!.message = 'm'.repeat(10_001)),
      'objects.0.message',
      'message must be at most 10,000 characters',
    ],
    [
      'too many objects',
      (b) => (b.objects = Array.from({ length: 5_001 }, (_, i) => ({ name: `o${i}`, status: 'success' }))),
      'objects',
      'objects may hold at most 5,000 entries',
    ],
    [
      'externalId too long',
      (b) => (b.externalId = 'e'.repeat(201)),
      'externalId',
      'externalId must be at most 200 characters',
    ],
    // PostgreSQL text cannot hold NUL: refused before anything is read (src/middleware/nul-characters.ts).
    ['customer with a NUL character', (b) => (b.customer = 'Acme\u0000Dental'), 'customer', NUL_MESSAGE],
    [
      'object message with a NUL character',
      (b) => (objects(b)[1]!.message = 'CBT\u0000'),
      'objects.1.message',
      NUL_MESSAGE,
    ],
  ];

  it.each(cases)('%s: 422 with its own message', async (_label, mutate, field, message) => {
    const body: Record<string, unknown> = validRun();
    mutate(body);
    const res = await post(body);
    expect(res.status).toBe(422);
    expect(errorOf(res).code).toBe('validation');
    expect(errorOf(res).fields).toEqual({ [field]: message });
    expect(await ctx.db.prisma.run.count()).toBe(0);
  });

  it('lists every invalid field at once', async () => {
    const res = await post({ customer: '', job: {}, runAt: 'x', status: 'bad', objects: [{}] });
    expect(res.status).toBe(422);
    expect(Object.keys(errorOf(res).fields ?? {}).sort()).toEqual(
      [
        'customer',
        'job.backupSoftware',
        'job.backupType',
        'job.name',
        'objects.0.name',
        'objects.0.status',
        'runAt',
        'status',
      ].sort(),
    );
  });

  it('accepts 5,000 objects', async () => {
    const res = await post({
      ...validRun(),
      objects: Array.from({ length: 5_000 }, (_, i) => ({ name: `file-${i}`, status: 'success' })),
    });
    expect(res.status).toBe(201);
    expect(await ctx.db.prisma.runObject.count()).toBe(5_000);
  });

  // Kept as unmatched instead (test/runs/unmatched.test.ts covers the rest).
  it('does not refuse an unknown customer: 201 unmatched, and no job or run is created', async () => {
    const res = await post({ ...validRun(), customer: 'Nobody Ltd' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ state: 'unmatched', id: null, url: null, created: true });
    expect(await ctx.db.prisma.job.count()).toBe(0);
    expect(await ctx.db.prisma.run.count()).toBe(0);
  });

  it('refuses a deactivated customer with 422', async () => {
    await ctx.db.prisma.customer.update({ where: { nameKey: 'acme dental' }, data: { active: false } });
    const res = await post(validRun());
    expect(res.status).toBe(422);
    expect(errorOf(res).fields?.customer).toContain('Customer "Acme Dental" is deactivated');
  });

  it('answers 400 to a body that is not a JSON object', async () => {
    const broken = await request(built.app)
      .post('/api/v1/runs')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send('{"customer": ');
    expect(broken.status).toBe(400);
    expect(errorOf(broken).message).toBe('The request body is not valid JSON.');

    const list = await post([validRun()]);
    expect(list.status).toBe(400);
    expect(errorOf(list).message).toContain('Send the run as a JSON object');

    const text = await request(built.app)
      .post('/api/v1/runs')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'text/plain')
      .send('customer=Acme');
    expect(text.status).toBe(400);
    expect(errorOf(text).code).toBe('bad_request');
  });

  it('answers 413 in JSON to a body over 1 MB', async () => {
    const res = await post({ ...validRun(), remark: 'x'.repeat(1024 * 1024 + 10) });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(errorOf(res).message).toBe('The request body is larger than the 1 MB limit.');
    expect(await ctx.db.prisma.run.count()).toBe(0);
  });
});

describe('POST /api/v1/runs: authentication', () => {
  it('refuses a missing, malformed or unknown token with 401', async () => {
    const missing = await post(validRun(), null);
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(errorOf(missing).message).toContain('Authorization: Bearer <token>');

    const basic = await request(built.app)
      .post('/api/v1/runs')
      .set('Authorization', 'Basic YWRtaW46YWRtaW4=')
      .send(validRun());
    expect(basic.status).toBe(401);

    const wrong = await post(validRun(), `${token.slice(0, -2)}xx`);
    expect(wrong.status).toBe(401);
    expect(errorOf(wrong).message).toBe('The API token is not valid or has been revoked. Ask an admin for a new one.');
    expect(await ctx.db.prisma.run.count()).toBe(0);
  });

  it('refuses a revoked token with 401', async () => {
    const record = await ctx.db.prisma.apiToken.findFirstOrThrow();
    await revokeApiToken(ctx.db.prisma, actorOf(admin), record.id);
    const res = await post(validRun());
    expect(res.status).toBe(401);
    expect(await ctx.db.prisma.run.count()).toBe(0);
  });

  it('does not accept a signed-in session cookie instead of a token', async () => {
    const { agent, csrf } = await signIn(built.app, admin.email);
    const res = await agent.post('/api/v1/runs').set('x-csrf-token', csrf).send(validRun());
    expect(res.status).toBe(401);
    expect(await ctx.db.prisma.run.count()).toBe(0);
  });

  it('needs no CSRF token and records when the token was last used', async () => {
    const res = await post(validRun());
    expect(res.status).toBe(201);
    expect((await ctx.db.prisma.apiToken.findFirstOrThrow()).lastUsedAt).not.toBeNull();
  });
});
