import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { SqlExecutor } from './database.ts';

/**
 * Applies prisma/migrations/*\/migration.sql at start-up, the way `prisma migrate deploy` does, and
 * records each one in `_prisma_migrations` exactly as Prisma does so that Prisma's own tooling
 * (scripts/migrate.mjs) later sees a clean history. The Prisma CLI cannot run on every machine the
 * app runs on, and PGlite has no server for it to connect to anyway.
 */

// Prisma's own advisory-lock key for migrations: the app and scripts/migrate.mjs never overlap.
const LOCK_KEY = 72707369;
// Raised by the guard when another process applied the migration while this one waited.
const ALREADY_APPLIED = 'BCM01';

const DEFAULT_DIR = path.resolve(import.meta.dirname, '..', '..', 'prisma', 'migrations');

// The table as Prisma's schema engine creates it on PostgreSQL.
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export class MigrationError extends Error {
  override name = 'MigrationError';
}

interface Migration {
  name: string;
  script: string;
  checksum: string;
}

interface AppliedRow extends Record<string, unknown> {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
}

export async function applyMigrations(
  sql: SqlExecutor,
  options: { migrationsDir?: string; log?: (msg: string) => void } = {},
): Promise<{ applied: string[] }> {
  const log = options.log ?? (() => {});
  const migrations = await readMigrations(options.migrationsDir ?? DEFAULT_DIR);

  // Statements sent in one exec() run as one implicit transaction on one connection, which the
  // pool-backed executor otherwise does not promise; the xact lock is held until it ends.
  await sql.exec(`SELECT pg_advisory_xact_lock(${LOCK_KEY});\n${CREATE_TABLE}`);
  const rows = await sql.query<AppliedRow>(
    'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
  );
  checkHistory(migrations, rows, log);

  const done = new Set(rows.map((row) => row.migration_name));
  const applied: string[] = [];
  for (const migration of migrations.filter((m) => !done.has(m.name))) {
    try {
      await sql.exec(applyScript(migration));
    } catch (error) {
      if ((error as { code?: unknown }).code === ALREADY_APPLIED) continue;
      throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${(error as Error).message}`, {
        cause: error,
      });
    }
    log(`Applied migration ${migration.name}`);
    applied.push(migration.name);
  }
  return { applied };
}

async function readMigrations(dir: string): Promise<Migration[]> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new MigrationError(`Cannot read the migrations folder ${dir}: ${(error as Error).message}`, { cause: error });
  }
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      // Names are spliced into SQL below; Prisma only ever makes <timestamp>_<words>.
      if (!/^\w+$/.test(name)) throw new MigrationError(`Unexpected migration folder name: ${name}`);
      const script = await fs.readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, script, checksum: sha256(script) };
    }),
  );
}

/** Refuses what `prisma migrate deploy` refuses: failed and edited migrations. */
function checkHistory(migrations: Migration[], rows: AppliedRow[], log: (msg: string) => void): void {
  const byName = new Map(migrations.map((m) => [m.name, m]));
  for (const row of rows) {
    const migration = byName.get(row.migration_name);
    if (row.finished_at === null) {
      throw new MigrationError(
        `Migration ${row.migration_name} failed earlier and is still marked as failed in _prisma_migrations. ` +
          'Fix the database by hand, then mark the migration as rolled back (set rolled_back_at) or delete its row.',
      );
    }
    if (!migration) {
      log(`Migration ${row.migration_name} is applied to the database but missing from the migrations folder`);
    } else if (!checksumMatches(migration.script, row.checksum)) {
      throw new MigrationError(
        `Migration ${row.migration_name} was changed after it was applied (checksum mismatch). ` +
          'Restore the original migration.sql and put the change in a new migration.',
      );
    }
  }
}

/**
 * Migration SQL, a guard and the history row as one implicit transaction: it all happens or none
 * of it does. The guard runs after the lock is granted, so a process that waited on another one
 * applying the same migration stops with ALREADY_APPLIED instead of running it twice.
 * The "\n;\n" separators survive a last line that is a comment or lacks its semicolon.
 */
function applyScript({ name, script, checksum }: Migration): string {
  return [
    `SELECT pg_advisory_xact_lock(${LOCK_KEY})`,
    `DO $guard$ BEGIN
  IF EXISTS (SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '${name}' AND rolled_back_at IS NULL) THEN
    RAISE EXCEPTION 'migration ${name} is already applied' USING ERRCODE = '${ALREADY_APPLIED}';
  END IF;
END $guard$`,
    script,
    `INSERT INTO "_prisma_migrations" (id, checksum, started_at, finished_at, migration_name, logs, applied_steps_count)
VALUES ('${randomUUID()}', '${checksum}', now(), clock_timestamp(), '${name}', NULL, 1)`,
  ].join('\n;\n');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** As Prisma does: also accept the file after git converted its line endings. */
function checksumMatches(script: string, checksum: string): boolean {
  return [script, script.replaceAll('\r\n', '\n'), script.replaceAll('\n', '\r\n')].some(
    (variant) => sha256(variant) === checksum,
  );
}
