import type { PGlite } from '@electric-sql/pglite';
import type PgBoss from 'pg-boss';

/**
 * pg-boss on the embedded database: pg-boss accepts any object that runs SQL, so the queue uses the
 * same in-process PGlite as Prisma instead of a pool of its own. PGlite runs one statement at a
 * time and waits for an open transaction, so the two never interleave.
 *
 * pg-boss sends two shapes: one statement with parameters (extended protocol, PGlite's `query`),
 * and scripts of several statements without parameters (its schema install, its advisory-locked
 * maintenance: `exec`), whose answer is the last statement's rows.
 */
export function embeddedQueueConnection(lite: PGlite): PgBoss.Db {
  return {
    async executeSql(text: string, values?: unknown[]) {
      if (values && values.length > 0) return { rows: (await lite.query(text, values)).rows };
      const results = await lite.exec(text);
      return { rows: results.at(-1)?.rows ?? [] };
    },
  };
}
