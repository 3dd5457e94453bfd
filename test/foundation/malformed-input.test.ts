import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/app.ts';
import { ConflictError, NotFoundError } from '../../src/errors/catalogue.ts';
import { asAppError } from '../../src/middleware/errors.ts';
import { NUL_MESSAGE, nulFields } from '../../src/middleware/nul-characters.ts';
import { nameKeyOf } from '../../src/services/customers/customers.ts';
import { settingsFormSchema } from '../../src/services/integration/settings-form.ts';
import { addUser, buildTestApp, csrfFrom, signInAs, type Agent } from '../support/app.ts';
import { useTestDatabase } from '../support/db.ts';
import { addRun } from '../runs/fixtures.ts';

/**
 * Malformed input found to fail with a 500 (test/foundation/route-sweep.test.ts sends it to every
 * route): each case here is one of those findings, with the answer it gets now.
 */

const ctx = useTestDatabase();
let built: BuiltApp;
let admin: { agent: Agent; csrf: string };
let acmeRun: number;

beforeAll(async () => {
  built = buildTestApp(ctx.db);
  admin = await signInAs(built.app, ctx.db, 'admin');
  acmeRun = (
    await addRun(ctx.db, { customer: 'Acme Dental', job: 'Servers', status: 'error', runAt: '2026-03-01T22:00:00Z' })
  ).id;
  await addRun(ctx.db, { customer: 'Tailspin Toys', job: 'Webshop', status: 'warning', runAt: '2026-03-01T23:00:00Z' });
});
afterAll(() => built.close());

describe('ids in the address', () => {
  it.each([
    '/runs/2147483648',
    '/runs/%',
    '/customers/2147483648/mapping',
    '/customers/%20%201/mapping',
    '/links/autotask/ticket-numbers/a%00b',
  ])('%s is a missing page (404)', async (url) => {
    const res = await admin.agent.get(url);
    expect(res.status).toBe(404);
    expect(res.text).toMatch(/does not exist|not an Autotask ticket number/);
  });

  it('/run-checks?customer=2147483648 ignores the filter: every customer, the filter shown unset', async () => {
    const res = await admin.agent.get('/run-checks?customer=2147483648');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Acme Dental');
    expect(res.text).toContain('Tailspin Toys');
    expect(res.text).toMatch(/<option value="" selected>|<option value="">All customers/);
    expect(res.text).not.toMatch(/value="\d+" selected>/);
  });

  it('a malformed "up to" refuses "Mark job as reviewed" instead of reviewing runs nobody saw', async () => {
    const { jobId } = await ctx.db.prisma.run.findUniqueOrThrow({ where: { id: acmeRun } });
    const res = await admin.agent
      .post(`/run-checks/jobs/${jobId}/review`)
      .type('form')
      .send({ _csrf: admin.csrf, upTo: '1e3' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('nothing was marked reviewed');
    expect((await ctx.db.prisma.run.findUniqueOrThrow({ where: { id: acmeRun } })).reviewedAt).toBeNull();
  });
});

describe('NUL characters (PostgreSQL text cannot hold them)', () => {
  it('in search text: 422 naming the field', async () => {
    const res = await admin.agent.get('/run-checks?q=a%00b');
    expect(res.status).toBe(422);
    expect(res.text).toContain(NUL_MESSAGE);
    expect(res.text).toContain('<code>q</code>');
  });

  it('in a form field: 422, and nothing is stored', async () => {
    const res = await admin.agent.post('/customers').type('form').send({ _csrf: admin.csrf, name: 'Evil\u0000Corp' });
    expect(res.status).toBe(422);
    expect(res.text).toContain(NUL_MESSAGE);
    expect(await ctx.db.prisma.customer.count({ where: { name: { startsWith: 'Evil' } } })).toBe(0);
  });

  it('in the sign-in form: 422 for the anonymous visitor, who can then sign in', async () => {
    const user = await addUser(ctx.db, 'operator');
    const agent = request.agent(built.app);
    const csrf = csrfFrom((await agent.get('/login')).text);
    const res = await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrf, email: `${user.email}\u0000`, password: 'x' });
    expect(res.status).toBe(422);
    expect(res.text).toContain(NUL_MESSAGE);
  });

  it('does not come before the sign-in guard: an anonymous visitor is sent to sign in', async () => {
    const res = await request(built.app).get('/run-checks?q=%00');
    expect(res.status).toBe(302);
    expect(res.headers.location).toMatch(/^\/login\?next=/);
  });

  it('are found in nested JSON and in keys, by the paths field errors use', () => {
    expect(nulFields({ customer: 'a\u0000', objects: [{ name: 'ok' }, { message: '\u0000' }], 'k\u0000': 1 })).toEqual({
      customer: NUL_MESSAGE,
      'objects.1.message': NUL_MESSAGE,
      'k␀': NUL_MESSAGE,
    });
  });

  it('are looked for without recursion, so a deeply nested body cannot overflow the stack', () => {
    let deep: unknown = 'end\u0000';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(Object.keys(nulFields({ deep }))).toHaveLength(1);
  });
});

describe('search text and page numbers', () => {
  it('a 10 kB search is cut to its first 200 characters, not refused or ignored', async () => {
    await ctx.db.prisma.run.update({ where: { id: acmeRun }, data: { remark: 'x'.repeat(300) } });
    const res = await admin.agent.get(`/run-checks?q=${'x'.repeat(10_000)}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain(`value="${'x'.repeat(200)}"`);
    expect(res.text).toContain('Servers');
    expect(res.text).not.toContain('Webshop');
  });

  it.each(['99999999999', '99999999999999999999', '100000'])(
    'page=%s of Customers shows the last page',
    async (page) => {
      await ctx.db.prisma.customer.createMany({
        data: Array.from({ length: 60 }, (_, i) => ({ name: `Zeta ${i}`, nameKey: nameKeyOf(`Zeta ${i} ${page}`) })),
      });
      const total = await ctx.db.prisma.customer.count();
      const res = await admin.agent.get(`/customers?page=${page}`);
      expect(res.status).toBe(200);
      expect(res.text).toContain(`Page ${Math.ceil(total / 50)} of ${Math.ceil(total / 50)}`);
    },
  );
});

describe('ids typed into forms', () => {
  const form = { environment: 'sandbox', apiLogLevel: 'errors' };
  it.each(['0x10', '1e3', '-1', '0', '1.5', '2147483648'])('a picklist value %s is refused', (value) => {
    const parsed = settingsFormSchema.safeParse({ ...form, queueId: value });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['queueId'], message: 'Choose a value from the list.' });
  });

  it('a sync interval is digits only', () => {
    expect(settingsFormSchema.safeParse({ ...form, syncIntervalMinutes: '1e3' }).success).toBe(false);
    expect(settingsFormSchema.parse({ ...form, syncIntervalMinutes: '60', queueId: '29683481' })).toMatchObject({
      syncIntervalMinutes: 60,
      queueId: 29683481,
    });
  });
});

describe('the error ladder', () => {
  it('turns Prisma’s "record not found" into a 404, and a broken reference into a 409', async () => {
    const missing = await ctx.db.prisma.customer
      .update({ where: { id: 999_999 }, data: { name: 'x' } })
      .catch((e: unknown) => e);
    expect(asAppError(missing)).toBeInstanceOf(NotFoundError);
    const dangling = await ctx.db.prisma.job
      .create({ data: { customerId: 999_999, name: 'j', backupSoftware: 'b', backupType: 't' } })
      .catch((e: unknown) => e);
    expect(asAppError(dangling)).toBeInstanceOf(ConflictError);
  });

  it('leaves other database failures alone: they are gaps to fix, logged as 500s', async () => {
    const outOfRange = await ctx.db.prisma.customer
      .findUnique({ where: { id: 2_147_483_648 } })
      .catch((e: unknown) => e);
    expect(asAppError(outOfRange)).toBe(outOfRange);
  });
});
