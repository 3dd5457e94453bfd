import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { afterAll, beforeAll, inject } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { settleDeferredWork } from '../../src/shared/deferred-work.ts';
import { adminQuery, databaseUrl } from './global-setup.ts';

/** `url` is set on PostgreSQL, for tests that need a second connection or process. */
export type TestDatabase = Database & { url?: string };

/**
 * A fresh database of this test file's own, migrated (a copy of the one global-setup.ts made) or,
 * with `empty`, without even the migrations table. close() also throws it away.
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const source = inject('testDatabase');
  if (source.kind === 'pglite') {
    if (options.empty) return openDatabase({ kind: 'pglite', dir: 'memory://' });
    const snapshot = new Blob([await fs.readFile(source.snapshotPath)]);
    return openDatabase({ kind: 'pglite', dir: 'memory://', loadDataDir: snapshot });
  }

  // The run's prefix lets its global teardown drop whatever a crashed file left behind.
  const name = `${source.prefix}${randomBytes(4).toString('hex')}`;
  await adminQuery(
    source.serverUrl,
    `CREATE DATABASE "${name}" TEMPLATE "${options.empty ? 'template0' : source.template}"`,
  );
  const url = databaseUrl(source.serverUrl, name);
  const db = await openDatabase({ kind: 'postgres', url });
  return {
    ...db,
    url,
    async close() {
      await db.close();
      await adminQuery(source.serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/**
 * Migrated databases this worker process opened for earlier test files and no file uses now.
 * Vitest runs a worker's files one after another in the same process (`isolate: false` in
 * vitest.config.ts), and opening a database (starting an embedded PGlite above all) costs seconds
 * where emptying one costs milliseconds. They go away with the process; on PostgreSQL the global
 * teardown drops them with the run's other databases.
 */
const idle: TestDatabase[] = [];

/**
 * One migrated, empty database for the whole test file: `const ctx = useTestDatabase()`, then
 * `ctx.db`. Borrowed (borrowTestDatabase), so it is emptied before the file gets it: the state a
 * fresh copy would be in. Leave its schema alone; createTestDatabase() is for a database to break
 * or one without migrations.
 */
export function useTestDatabase(): { readonly db: TestDatabase } {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await borrowTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
    db = undefined;
  });
  return {
    get db() {
      if (!db) throw new Error('useTestDatabase(): the database exists only inside hooks and tests');
      return db;
    },
  };
}

/**
 * A migrated, empty database like createTestDatabase()'s, but one this worker process has open
 * already when it can: close() empties nothing and closes nothing, it hands the database back for
 * the next file or test (which empties it). For a second database a test does not break.
 */
export async function borrowTestDatabase(): Promise<TestDatabase> {
  const reused = idle.pop();
  if (reused) await resetData(reused);
  const db = reused ?? (await createTestDatabase());
  let returned = false;
  return {
    ...db,
    async close() {
      if (returned) return;
      returned = true;
      // Work started after a response (status refreshes, …) must not reach into the next user.
      await settleDeferredWork();
      idle.push(db);
    },
  };
}

/** Empties every app table and restarts ids at 1; the migration history stays. */
export async function resetData(db: Database): Promise<void> {
  const tables = await db.sql.query<{ name: string }>(
    "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'",
  );
  if (tables.length === 0) return;
  await db.sql.exec(`TRUNCATE TABLE ${tables.map((t) => `"${t.name}"`).join(', ')} RESTART IDENTITY CASCADE`);
}
