import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { applyMigrations, MigrationError } from '../../src/db/migrate.ts';
import { createTestDatabase, resetData, useTestDatabase, type TestDatabase } from '../support/db.ts';

const migrationsDir = path.resolve(import.meta.dirname, '../../prisma/migrations');
const migrationNames = (await fs.readdir(migrationsDir, { withFileTypes: true }))
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

/** A copy of the migrations folder that a test may change. */
async function copyMigrations(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bc-migrations-'));
  await fs.cp(migrationsDir, dir, { recursive: true });
  return dir;
}

async function historyOf(db: Database) {
  return db.sql.query<{
    migration_name: string;
    checksum: string;
    finished_at: Date | null;
    applied_steps_count: number;
  }>(
    'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
  );
}

// PGlite always; the TEST_DATABASE_URL server as well when there is one.
const emptyDatabases: [string, () => Promise<TestDatabase>][] = [
  ['PGlite', () => openDatabase({ kind: 'pglite', dir: 'memory://' })],
];
if (process.env.TEST_DATABASE_URL) emptyDatabases.push(['PostgreSQL', () => createTestDatabase({ empty: true })]);

describe.each(emptyDatabases)('applyMigrations on an empty %s database', (_kind, createEmpty) => {
  let db: TestDatabase;
  const scratchDirs: string[] = [];
  beforeAll(async () => {
    db = await createEmpty();
  });
  afterAll(async () => {
    await db?.close();
    await Promise.all(scratchDirs.map((dir) => fs.rm(dir, { recursive: true, force: true })));
  });

  it('applies every migration and records it as Prisma does', async () => {
    expect(await applyMigrations(db.sql)).toEqual({ applied: migrationNames });
    const history = await historyOf(db);
    expect(history.map((row) => row.migration_name)).toEqual(migrationNames);
    for (const row of history) {
      const script = await fs.readFile(path.join(migrationsDir, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(script).digest('hex'));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
    }
    expect(await db.prisma.customer.count()).toBe(0);
  });

  it('does nothing the second time', async () => {
    expect(await applyMigrations(db.sql)).toEqual({ applied: [] });
    expect(await historyOf(db)).toHaveLength(migrationNames.length);
  });

  it('refuses a migration that was edited after it was applied', async () => {
    const dir = await copyMigrations();
    scratchDirs.push(dir);
    await fs.appendFile(path.join(dir, migrationNames[0]!, 'migration.sql'), '\n-- edited\n');
    await expect(applyMigrations(db.sql, { migrationsDir: dir })).rejects.toThrow(
      new RegExp(`Migration ${migrationNames[0]} was changed after it was applied`),
    );
  });

  it('rolls a failing migration back entirely and records nothing', async () => {
    const dir = await copyMigrations();
    scratchDirs.push(dir);
    await fs.mkdir(path.join(dir, '99990101000000_broken'));
    await fs.writeFile(
      path.join(dir, '99990101000000_broken', 'migration.sql'),
      'CREATE TABLE "Half" ("id" INTEGER);\nSELECT 1 / 0;\n',
    );
    const failure = applyMigrations(db.sql, { migrationsDir: dir });
    await expect(failure).rejects.toBeInstanceOf(MigrationError);
    await expect(failure).rejects.toThrow(/99990101000000_broken failed and was rolled back: division by zero/);
    expect(await db.sql.query(`SELECT to_regclass('"Half"') AS t`)).toEqual([{ t: null }]);
    expect(await historyOf(db)).toHaveLength(migrationNames.length);
  });
});

/** The migration that made run tickets their own records (`Ticket`) that runs point at. */
const TICKETS_SERVE_RUNS = '20261202074000_tickets_serve_runs';

/** A copy of the migrations folder holding only those before `name`: a database "as it was" then. */
async function migrationsBefore(name: string): Promise<string> {
  const dir = await copyMigrations();
  for (const later of migrationNames.filter((m) => m >= name)) {
    await fs.rm(path.join(dir, later), { recursive: true, force: true });
  }
  return dir;
}

describe.each(emptyDatabases)(
  '%s: a database with run tickets, migrated to tickets that serve runs',
  (_kind, createEmpty) => {
    let db: TestDatabase;
    let before: string;
    beforeAll(async () => {
      db = await createEmpty();
      before = await migrationsBefore(TICKETS_SERVE_RUNS);
    });
    afterAll(async () => {
      await db?.close();
      await fs.rm(before, { recursive: true, force: true });
    });

    it('keeps every run ticket: same id and fields, its run pointing at it, linked when and by whom it was created', async () => {
      expect(migrationNames).toContain(TICKETS_SERVE_RUNS);
      await applyMigrations(db.sql, { migrationsDir: before });
      // Rows written with the previous schema, in plain SQL: three runs of one job, two with a ticket.
      await db.sql.exec(`
      INSERT INTO "User" (id, email, name, "passwordHash", role, "updatedAt")
        VALUES (1, 'olga@example.com', 'Olga Operator', 'x', 'operator', now());
      INSERT INTO "Customer" (id, name, "nameKey", "updatedAt") VALUES (1, 'Acme', 'acme', now());
      INSERT INTO "Job" (id, "customerId", name, "backupSoftware", "backupType") VALUES (1, 1, 'Nightly', 'Veeam', 'Full');
      INSERT INTO "Run" (id, "jobId", "runAt", status) VALUES
        (1, 1, '2026-01-01T01:00:00Z', 'error'), (2, 1, '2026-01-02T01:00:00Z', 'warning'),
        (3, 1, '2026-01-03T01:00:00Z', 'error');
      SELECT setval('"Run_id_seq"', 3);
      INSERT INTO "RunTicket" ("runId", state, reference, "ticketId", "ticketNumber", url, "createdById", "createdAt",
                               "updatedAt", "statusId", "statusLabel", "closingNoteId", "resolvedById", "resolvedAt")
        VALUES (1, 'created', 'BC-RUN-1-0a0a0a0a', 7001, 'T20260101.0001', 'https://ww5.example/t/7001', 1,
                '2026-01-01T10:00:00Z', now(), 5, 'Complete', 9001, 1, '2026-01-05T09:00:00Z'),
               (2, 'failed', 'BC-RUN-2-0b0b0b0b', NULL, NULL, NULL, NULL, '2026-01-02T10:00:00Z', now(), NULL, NULL,
                NULL, NULL, NULL);
    `);

      await applyMigrations(db.sql);

      const tickets = await db.prisma.ticket.findMany({
        orderBy: { id: 'asc' },
        include: { runs: { select: { id: true } } },
      });
      expect(tickets).toMatchObject([
        {
          id: 1,
          originRunId: 1,
          jobId: 1,
          origin: 'created',
          state: 'created',
          reference: 'BC-RUN-1-0a0a0a0a',
          ticketId: 7001,
          ticketNumber: 'T20260101.0001',
          url: 'https://ww5.example/t/7001',
          createdById: 1,
          createdAt: new Date('2026-01-01T10:00:00Z'),
          statusId: 5,
          closingNoteId: 9001,
          resolvedById: 1,
          resolvedAt: new Date('2026-01-05T09:00:00Z'),
          runs: [{ id: 1 }],
        },
        {
          id: 2,
          originRunId: 2,
          jobId: 1,
          origin: 'created',
          state: 'failed',
          reference: 'BC-RUN-2-0b0b0b0b',
          runs: [{ id: 2 }],
        },
      ]);
      const runs = await db.prisma.run.findMany({
        orderBy: { id: 'asc' },
        select: { id: true, ticketRecordId: true, ticketLinkedAt: true, ticketLinkedById: true },
      });
      expect(runs).toEqual([
        { id: 1, ticketRecordId: 1, ticketLinkedAt: new Date('2026-01-01T10:00:00Z'), ticketLinkedById: 1 },
        { id: 2, ticketRecordId: 2, ticketLinkedAt: new Date('2026-01-02T10:00:00Z'), ticketLinkedById: null },
        { id: 3, ticketRecordId: null, ticketLinkedAt: null, ticketLinkedById: null },
      ]);
      // The renamed sequence goes on where RunTicket's stopped, and a run of the job can join a ticket.
      const next = await db.prisma.ticket.create({
        data: { originRunId: 3, jobId: 1, reference: 'BC-RUN-3-0c0c0c0c' },
      });
      expect(next.id).toBe(3);
      await db.prisma.run.update({ where: { id: 3 }, data: { ticketRecordId: 1 } });
      expect(await db.prisma.run.count({ where: { ticketRecordId: 1 } })).toBe(2);
    });
  },
);

describe.runIf(process.env.TEST_DATABASE_URL)('applyMigrations from two processes at once', () => {
  it('applies each migration exactly once', async () => {
    const first = await createTestDatabase({ empty: true });
    const second = await openDatabase({ kind: 'postgres', url: first.url! });
    try {
      const results = await Promise.all([applyMigrations(first.sql), applyMigrations(second.sql)]);
      expect(results.flatMap((r) => r.applied).sort()).toEqual(migrationNames);
      expect((await historyOf(first)).map((row) => row.migration_name)).toEqual(migrationNames);
    } finally {
      await second.close();
      await first.close();
    }
  });
});

describe('database constraints', () => {
  const ctx = useTestDatabase();
  beforeEach(() => resetData(ctx.db));

  async function aRun(externalId?: string) {
    const { prisma } = ctx.db;
    const customer = await prisma.customer.create({ data: { name: 'Acme', nameKey: `acme-${Math.random()}` } });
    const job = await prisma.job.create({
      data: { customerId: customer.id, name: 'Nightly', backupSoftware: 'Veeam', backupType: 'Full' },
    });
    return prisma.run.create({ data: { jobId: job.id, runAt: new Date(), status: 'error', externalId } });
  }

  const uniqueViolation = { code: 'P2002' };

  it('resetData empties the tables and restarts ids', async () => {
    await ctx.db.prisma.customer.create({ data: { name: 'A', nameKey: 'a' } });
    await resetData(ctx.db);
    expect(await ctx.db.prisma.customer.count()).toBe(0);
    expect((await ctx.db.prisma.customer.create({ data: { name: 'B', nameKey: 'b' } })).id).toBe(1);
  });

  it('allows one ticket per run', async () => {
    const run = await aRun();
    await ctx.db.prisma.ticket.create({ data: { originRunId: run.id, jobId: run.jobId, reference: 'BC-1' } });
    await expect(
      ctx.db.prisma.ticket.create({ data: { originRunId: run.id, jobId: run.jobId, reference: 'BC-2' } }),
    ).rejects.toMatchObject(uniqueViolation);
  });

  it('maps an Autotask company to one customer at most', async () => {
    const { prisma } = ctx.db;
    const [a, b] = await Promise.all([
      prisma.customer.create({ data: { name: 'A', nameKey: 'a' } }),
      prisma.customer.create({ data: { name: 'B', nameKey: 'b' } }),
    ]);
    await prisma.companyMapping.create({ data: { customerId: a.id, companyId: 42 } });
    await expect(prisma.companyMapping.create({ data: { customerId: b.id, companyId: 42 } })).rejects.toMatchObject(
      uniqueViolation,
    );
  });

  it('keeps customer name keys unique', async () => {
    await ctx.db.prisma.customer.create({ data: { name: 'Acme', nameKey: 'acme' } });
    await expect(ctx.db.prisma.customer.create({ data: { name: 'ACME ', nameKey: 'acme' } })).rejects.toMatchObject(
      uniqueViolation,
    );
  });

  it('keeps run external ids unique', async () => {
    await aRun('ext-1');
    await expect(aRun('ext-1')).rejects.toMatchObject(uniqueViolation);
  });

  it('keeps API token hashes unique', async () => {
    const { prisma } = ctx.db;
    const user = await prisma.user.create({
      data: { email: 'a@example.com', name: 'A', passwordHash: 'x', role: 'admin' },
    });
    const token = { name: 'ci', tokenHash: 'f'.repeat(64), prefix: 'bc_', createdById: user.id };
    await prisma.apiToken.create({ data: token });
    await expect(prisma.apiToken.create({ data: { ...token, name: 'other' } })).rejects.toMatchObject(uniqueViolation);
  });
});
