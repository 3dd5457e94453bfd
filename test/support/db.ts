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
export async function createTestDatabase(
  options: { empty?: boolean; logQueries?: boolean } = {},
): Promise<TestDatabase> {
  const source = inject('testDatabase');
  // With logQueries Prisma emits a 'query' event per statement (for tests that count them).
  const logging = { logQueries: options.logQueries ?? false };
  if (source.kind === 'pglite') {
    if (options.empty) return openDatabase({ kind: 'pglite', dir: 'memory://' }, logging);
    const snapshot = new Blob([await fs.readFile(source.snapshotPath)]);
    return openDatabase({ kind: 'pglite', dir: 'memory://', loadDataDir: snapshot }, logging);
  }

  // The run's prefix lets its global teardown drop whatever a crashed file left behind.
  const name = `${source.prefix}${randomBytes(4).toString('hex')}`;
  await adminQuery(
    source.serverUrl,
    `CREATE DATABASE "${name}" TEMPLATE "${options.empty ? 'template0' : source.template}"`,
  );
  // A throwaway database need not wait for each commit to reach the disk (a crash loses only it).
  await adminQuery(source.serverUrl, `ALTER DATABASE "${name}" SET synchronous_commit = off`);
  const url = databaseUrl(source.serverUrl, name);
  const db = await openDatabase({ kind: 'postgres', url }, logging);
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

/**
 * Empties every app table and restarts ids at 1; the migration history stays. DELETEs, children
 * before parents, and sequence restarts in one transaction: on PostgreSQL that is a few ms where
 * TRUNCATE (new files for every table) takes ~80 ms, and the suite resets before most tests.
 */
export async function resetData(db: Database): Promise<void> {
  let script = resetScripts.get(db.sql);
  if (script === undefined) {
    script = await resetScript(db);
    resetScripts.set(db.sql, script);
  }
  if (script) await db.sql.exec(script);
}

/** Per database (its SQL connection): the schema does not change while tests use it. */
const resetScripts = new WeakMap<Database['sql'], string>();

async function resetScript(db: Database): Promise<string> {
  const tables = (
    await db.sql.query<{ name: string }>(
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'",
    )
  ).map((t) => t.name);
  if (tables.length === 0) return '';
  const references = await db.sql.query<{ child: string; parent: string }>(
    `SELECT c.relname AS child, p.relname AS parent FROM pg_constraint f
       JOIN pg_class c ON c.oid = f.conrelid JOIN pg_class p ON p.oid = f.confrelid
     WHERE f.contype = 'f' AND f.connamespace = current_schema()::regnamespace AND c.oid <> p.oid`,
  );
  const sequences = (
    await db.sql.query<{ name: string }>(
      'SELECT sequencename AS name FROM pg_sequences WHERE schemaname = current_schema()',
    )
  ).map((s) => s.name);
  // Children first: a table is emptied once no table still to be emptied references it.
  const order: string[] = [];
  let left = [...tables];
  while (left.length > 0) {
    const free = left.filter((t) => !references.some((r) => r.parent === t && left.includes(r.child)));
    // References in a circle: TRUNCATE … CASCADE copes with those.
    if (free.length === 0) {
      const all = tables.map((t) => `"${t}"`).join(', ');
      return `TRUNCATE TABLE ${all} RESTART IDENTITY CASCADE`;
    }
    order.push(...free);
    left = left.filter((t) => !free.includes(t));
  }
  return [
    'BEGIN;',
    ...order.map((t) => `DELETE FROM "${t}";`),
    ...sequences.map((q) => `ALTER SEQUENCE "${q}" RESTART;`),
    'COMMIT;',
  ].join('\n');
}
