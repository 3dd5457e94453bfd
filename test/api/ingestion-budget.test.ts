import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/app.ts';
import { createApiToken } from '../../src/services/accounts/api-tokens.ts';
import { addUser, buildTestApp } from '../support/app.ts';
import { createTestDatabase, resetData, type TestDatabase } from '../support/db.ts';
import { countStatements } from '../support/statement-count.ts';

/**
 * The token API is what senders call a thousand times in a row: a run for a known job costs two
 * SQL statements, the token's and one that looks everything up and stores the run with its
 * objects. Counts, not timings (those are bench/ingestion.ts's).
 */

let db: TestDatabase;
let built: BuiltApp;
let counter: ReturnType<typeof countStatements>;
let token: string;

beforeAll(async () => {
  db = await createTestDatabase({ logQueries: true });
  built = buildTestApp(db);
  counter = countStatements(db, built.app);
});
afterAll(async () => {
  await built?.close();
  await db?.close();
});
beforeEach(async () => {
  await resetData(db);
  const admin = await addUser(db, 'admin');
  token = (await createApiToken(db.prisma, admin, 'Mail parser')).token;
  await db.prisma.customer.create({ data: { name: 'Acme Dental', nameKey: 'acme dental' } });
});

const run = (i: number, objects = 10) => ({
  customer: 'Acme Dental',
  job: { name: 'Practice servers', backupSoftware: 'Veeam Backup & Replication', backupType: 'VM backup' },
  runAt: new Date(Date.UTC(2026, 2, 1, 22, i)).toISOString(),
  status: 'warning',
  remark: 'Completed With Warnings',
  objects: Array.from({ length: objects }, (_, n) => ({
    name: `VM-${n}`,
    type: 'VM',
    status: n === 3 ? 'warning' : 'success',
    message: n === 3 ? 'CBT Disabled' : null,
  })),
  externalId: `mail-${i}`,
});

const post = (body: object) =>
  request(counter.handler).post('/api/v1/runs').set('Authorization', `Bearer ${token}`).send(body);
const listed = (statements: string[]) => `\n${statements.map((s) => `  ${s.slice(0, 160)}`).join('\n')}`;

describe('POST /api/v1/runs: what a run costs', () => {
  it('stores a run of a known job with its objects in two statements', async () => {
    expect((await post(run(0))).status).toBe(201);
    const res = await post(run(1));
    expect(res.status).toBe(201);
    const { statements } = counter.last('POST', '/api/v1/runs');
    expect(statements.length, listed(statements)).toBe(2);
    expect(await db.prisma.runObject.count({ where: { runId: (res.body as { id: number }).id } })).toBe(10);
  });

  it('keeps the search text of the run: remark and objects in reported order, each once', async () => {
    const res = await post(run(2, 5));
    const [row] = await db.sql.query<{ searchText: string }>('SELECT "searchText" FROM "Run" WHERE id = $1', [
      (res.body as { id: number }).id,
    ]);
    expect(row!.searchText).toBe('completed with warnings vm-0  vm-1  vm-2  vm-3 cbt disabled vm-4 ');
  });

  it('answers a resend from what was stored, changing nothing', async () => {
    const first = await post(run(3));
    const again = await post({ ...run(3), status: 'error' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: (first.body as { id: number }).id, created: false });
    const { statements } = counter.last('POST', '/api/v1/runs');
    // The token, the statement that found the externalId taken, and the read of the stored run.
    expect(statements.length, listed(statements)).toBe(3);
    expect(await db.prisma.run.count()).toBe(1);
    expect(await db.prisma.runObject.count()).toBe(10);
    expect((await db.prisma.run.findFirstOrThrow()).status).toBe('warning');
  });

  it('stores the first run of a new job once the job is made', async () => {
    const res = await post({ ...run(4), job: { name: 'New job', backupSoftware: 'Veeam', backupType: 'VM backup' } });
    expect(res.status).toBe(201);
    const stored = await db.prisma.run.findUniqueOrThrow({
      where: { id: (res.body as { id: number }).id },
      include: { job: true },
    });
    expect(stored.job.name).toBe('New job');
    expect(await db.prisma.runObject.count({ where: { runId: stored.id } })).toBe(10);
  });
});
