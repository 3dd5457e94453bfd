import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { applyMigrations } from '../../src/db/migrate.ts';

/**
 * A throwaway, migrated database for one bench run, with SQL query events switched on: on the
 * PostgreSQL server in BENCH_DATABASE_URL or TEST_DATABASE_URL (a new bc_bench_<random> database,
 * dropped at the end), else an in-memory PGlite.
 */
export async function openScratchDatabase(): Promise<{ database: Database; label: string; drop(): Promise<void> }> {
  const serverUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const database = await openDatabase({ kind: 'pglite', dir: 'memory://' }, { logQueries: true });
    await applyMigrations(database.sql);
    return { database, label: 'PGlite (in memory)', drop: () => database.close() };
  }
  const name = `bc_bench_${randomBytes(4).toString('hex')}`;
  await admin(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    const database = await openDatabase({ kind: 'postgres', url: url.toString() }, { logQueries: true });
    await applyMigrations(database.sql);
    return {
      database,
      label: `PostgreSQL (${url.host}, scratch database ${name})`,
      async drop() {
        await database.close();
        await admin(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      },
    };
  } catch (e) {
    await admin(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    throw e;
  }
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
