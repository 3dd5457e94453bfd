/**
 * `npm run seed:large`: adds the large benchmark data set (500 customers, 2,000 jobs, 20,000
 * unreviewed runs) to the configured database: DATABASE_URL, or the embedded one in DATA_DIR.
 * Stop the app first when it uses the embedded database: PGlite allows one process per folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { ConfigError, loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { applyMigrations } from '../src/db/migrate.ts';
import { nameKeyOf } from '../src/services/customers/customers.ts';
import { demoSeed, planLargeData, seedLargeData } from '../src/services/demo/seed-demo-data.ts';

let config;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}

// The same lock file as the app (src/boot.ts): never two processes on one embedded database.
let unlock = async () => {};
if (!config.databaseUrl) {
  fs.mkdirSync(config.dataDir, { recursive: true });
  try {
    unlock = await lockfile.lock(config.dataDir, {
      lockfilePath: path.join(config.dataDir, 'backupchecks.lock'),
      stale: 15_000,
      update: 5_000,
    });
  } catch (e) {
    if ((e as { code?: string }).code === 'ELOCKED') {
      console.error(
        `Backupchecks is running on the data folder "${config.dataDir}". Stop it first, then run this again.`,
      );
      process.exit(1);
    }
    throw e;
  }
}

const database = await openDatabase(
  config.databaseUrl
    ? { kind: 'postgres', url: config.databaseUrl }
    : { kind: 'pglite', dir: path.join(config.dataDir, 'pglite') },
);
try {
  await applyMigrations(database.sql);
  const now = new Date();
  const first = planLargeData(demoSeed + 1, now, { customers: 1, jobsPerCustomer: 1, runsPerJob: 1 })[0]!;
  if (await database.prisma.customer.findUnique({ where: { nameKey: nameKeyOf(first.name) } })) {
    console.log('The large data set is already in this database; nothing to do.');
  } else {
    const started = Date.now();
    console.log(`Seeding the large data set into ${database.kind === 'postgres' ? 'PostgreSQL' : config.dataDir}…`);
    const result = await seedLargeData(database.prisma, { now });
    console.log(
      `Added ${result.customers} customers, ${result.jobs} jobs, ${result.runs} runs (${result.unreviewed} unreviewed) ` +
        `and ${result.objects} objects in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
    );
  }
} finally {
  await database.close();
  await unlock();
}
