import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
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
  const lite = await PGlite.create('memory://');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bc-test-pglite-'));
  try {
    await applyMigrations({
      exec: async (sql) => void (await lite.exec(sql)),
      query: async (sql, params) => (await lite.query(sql, params)).rows as never,
    });
    // Uncompressed: loading skips the gunzip in every test file.
    const snapshot = await lite.dumpDataDir('none');
    const snapshotPath = path.join(dir, 'migrated.tar');
    await fs.writeFile(snapshotPath, Buffer.from(await snapshot.arrayBuffer()));
    project.provide('testDatabase', { kind: 'pglite', snapshotPath });
  } catch (error) {
    await fs.rm(dir, { recursive: true, force: true });
    throw error;
  } finally {
    await lite.close();
  }
  return () => fs.rm(dir, { recursive: true, force: true });
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
