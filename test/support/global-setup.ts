import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { pgliteExtensions } from '../../src/db/database.ts';
import { applyMigrations } from '../../src/db/migrate.ts';

/**
 * Runs once per `vitest run`, in vitest's main process: migrates one database that every test file
 * then copies (test/support/db.ts), so no file pays for running the migrations itself.
 * No `vitest` runtime import here: it fails outside the test workers.
 */

export type TestDatabaseSource =
  /** Each file copies `template` on the TEST_DATABASE_URL server into `${prefix}<random>`. */
  | { kind: 'postgres'; serverUrl: string; template: string; prefix: string }
  /** Each file loads this PGlite data-directory dump into an in-memory PGlite. */
  | { kind: 'pglite'; snapshotPath: string };

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabase: TestDatabaseSource;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  return serverUrl ? setupPostgres(project, serverUrl) : setupPglite(project);
}

async function setupPostgres(project: TestProject, serverUrl: string): Promise<() => Promise<void>> {
  // Random per run: engineers run the suite at the same time on one server, and each run must
  // only ever drop its own databases.
  const runId = randomBytes(4).toString('hex');
  const template = `bc_tpl_${runId}`;
  const prefix = `bc_test_${runId}_`;
  const teardown = async () => {
    const leftovers = await adminQuery<{ datname: string }>(
      serverUrl,
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [prefix],
    );
    for (const { datname } of leftovers)
      await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
  };

  await adminQuery(serverUrl, `CREATE DATABASE "${template}" TEMPLATE template0`);
  try {
    // A plain client, closed before the copies start: CREATE DATABASE … TEMPLATE refuses while
    // anyone is connected to the template.
    const client = new pg.Client({ connectionString: databaseUrl(serverUrl, template) });
    await client.connect();
    try {
      await applyMigrations({
        exec: async (sql) => void (await client.query(sql)),
        query: async <T extends Record<string, unknown>>(sql: string, params?: unknown[]) =>
          (await client.query<T>(sql, params)).rows,
      });
    } finally {
      await client.end();
    }
  } catch (error) {
    await teardown();
    throw error;
  }
  project.provide('testDatabase', { kind: 'postgres', serverUrl, template, prefix });
  return teardown;
}

async function setupPglite(project: TestProject): Promise<() => Promise<void>> {
  const snapshotPath = await migratedPgliteSnapshot();
  project.provide('testDatabase', { kind: 'pglite', snapshotPath });
  return async () => {};
}

const root = path.resolve(import.meta.dirname, '../..');

/**
 * A dump of a migrated in-memory PGlite (uncompressed: loading skips the gunzip in every file).
 * Kept in node_modules/.cache under a key of everything it is made from (the PGlite version, the
 * migrations and the code that applies them), because creating the database (initdb) and migrating
 * it takes seconds before any test can start; a changed migration makes a new one.
 */
async function migratedPgliteSnapshot(): Promise<string> {
  const hash = createHash('sha256');
  hash.update(await fs.readFile(path.join(root, 'node_modules/@electric-sql/pglite/package.json')));
  hash.update(await fs.readFile(path.join(root, 'src/db/migrate.ts')));
  const migrationsDir = path.join(root, 'prisma/migrations');
  for (const name of (await fs.readdir(migrationsDir)).sort()) {
    const file = path.join(migrationsDir, name, 'migration.sql');
    const sql = await fs.readFile(file).catch(() => null);
    if (sql) hash.update(name).update(sql);
  }
  const cacheDir = path.join(root, 'node_modules/.cache/backupchecks-tests');
  const snapshotPath = path.join(cacheDir, `pglite-migrated-${hash.digest('hex').slice(0, 16)}.tar`);
  const cached = await fs.stat(snapshotPath).catch(() => null);
  if (cached) return snapshotPath;

  const lite = await PGlite.create('memory://', { extensions: pgliteExtensions });
  try {
    await applyMigrations({
      exec: async (sql) => void (await lite.exec(sql)),
      query: async (sql, params) => (await lite.query(sql, params)).rows as never,
    });
    const snapshot = Buffer.from(await (await lite.dumpDataDir('none')).arrayBuffer());
    await fs.mkdir(cacheDir, { recursive: true });
    // Written aside and renamed: another run starting at the same moment never reads half a file.
    const partial = `${snapshotPath}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await fs.writeFile(partial, snapshot);
    await fs.rename(partial, snapshotPath);
    // Snapshots of earlier migrations are not needed again (unless a run started within the hour
    // still loads one).
    for (const name of await fs.readdir(cacheDir)) {
      const file = path.join(cacheDir, name);
      if (!/^pglite-migrated-[0-9a-f]+\.tar$/.test(name) || file === snapshotPath) continue;
      const stat = await fs.stat(file).catch(() => null);
      if (stat && Date.now() - stat.mtimeMs > 3_600_000) await fs.rm(file, { force: true });
    }
  } finally {
    await lite.close();
  }
  return snapshotPath;
}

/** The server URL pointed at another database on the same server. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** CREATE/DROP DATABASE need a connection to some other database; a short-lived one does. */
export async function adminQuery<T extends Record<string, unknown>>(
  serverUrl: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
