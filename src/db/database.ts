import fs from 'node:fs';
import path from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export type Db = PrismaClient;

/**
 * Every embedded database is opened with the extensions the migrations create (pg_trgm for the
 * Run Checks search); a PGlite opened without one cannot read an index that uses it. The other
 * places that open PGlite (scripts/schema-engine.mjs, test/support/global-setup.ts) pass the same.
 */
export const pgliteExtensions = { pg_trgm } satisfies PGliteOptions['extensions'];
export * from '../generated/prisma/client.ts';
/** Backupchecks' record of an Autotask ticket (the client's `Ticket` is Autotask's own shape). */
export type { Ticket as TicketRecord } from '../generated/prisma/client.ts';

/**
 * Runs plain SQL outside Prisma: migration files hold several statements, which Prisma's
 * parameterised queries refuse, so the runner needs the driver's own multi-statement call.
 */
export interface SqlExecutor {
  exec(sql: string): Promise<void>;
  query<T extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Database {
  readonly prisma: Db;
  readonly sql: SqlExecutor;
  readonly kind: 'postgres' | 'pglite';
  /** PostgreSQL only: the connection URL, for libraries that keep their own pool (src/jobs/). */
  readonly url?: string;
  /**
   * PGlite only: the embedded database itself, for the job queue, which runs in-process on it
   * through the same single connection as Prisma (src/jobs/embedded-connection.ts).
   */
  readonly lite?: PGlite;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolSize?: number }
  /** dir: a folder on disk, or 'memory://' for a throwaway database. */
  | { kind: 'pglite'; dir: string; loadDataDir?: Blob };

export async function openDatabase(target: DatabaseTarget, options: { logQueries?: boolean } = {}): Promise<Database> {
  const log = options.logQueries ? [{ emit: 'event' as const, level: 'query' as const }] : [];
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: target.url, max: 2 });
    // A server restart or a terminated backend makes an idle client emit 'error'; pg drops that
    // client and the next query connects afresh. Without a listener Node would crash instead.
    pool.on('error', () => undefined);
    const prisma = new PrismaClient({
      adapter: new PrismaPg({ connectionString: target.url, max: target.poolSize ?? 10 }),
      log,
    });
    return {
      prisma,
      kind: 'postgres',
      url: target.url,
      sql: {
        async exec(text) {
          await pool.query(text);
        },
        async query<T extends Record<string, unknown>>(text: string, params?: unknown[]) {
          return (await pool.query<T>(text, params)).rows;
        },
      },
      async close() {
        await prisma.$disconnect();
        await pool.end();
      },
    };
  }

  if (target.dir !== 'memory://') fs.mkdirSync(path.dirname(path.resolve(target.dir)), { recursive: true });
  const lite = await PGlite.create(target.dir, {
    extensions: pgliteExtensions,
    ...(target.loadDataDir ? { loadDataDir: target.loadDataDir } : {}),
  });
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(lite), log });
  return {
    prisma,
    kind: 'pglite',
    lite,
    sql: {
      async exec(text) {
        await lite.exec(text);
      },
      async query(text, params) {
        return (await lite.query(text, params)).rows as never;
      },
    },
    async close() {
      await prisma.$disconnect();
      await lite.close();
    },
  };
}
