/**
 * `npm run seed:large`: adds the large benchmark data set (500 customers, 2,000 jobs, 20,000
 * unreviewed runs and 200,000 reviewed ones before them: src/services/demo/large-data.ts) to the
 * configured database: DATABASE_URL, or the embedded one in DATA_DIR. Run again, it adds nothing;
 * on a database that got the set before it had a history, it adds the history.
 * Stop the app first when it uses the embedded database: PGlite allows one process per folder.
 */
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config.ts';
import { DataFolderLockedError, lockDataFolder } from '../src/db/data-folder-lock.ts';
import { openDatabase } from '../src/db/database.ts';
import { applyMigrations } from '../src/db/migrate.ts';
import { largeDataState, seedLargeData } from '../src/services/demo/large-data.ts';

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

// The same lock as the app (src/db/data-folder-lock.ts): never two processes on one embedded database.
let unlock = async () => {};
if (!config.databaseUrl) {
  try {
    unlock = await lockDataFolder(config.dataDir, { log: (line) => console.log(line) });
  } catch (e) {
    if (e instanceof DataFolderLockedError) {
      console.error(e.message);
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
  const state = await largeDataState(database.prisma);
  if (state === 'complete') {
    console.log('The large data set is already in this database; nothing to do.');
  } else {
    const started = Date.now();
    const what = state === 'absent' ? 'the large data set' : 'the history of the large data set';
    console.log(`Seeding ${what} into ${database.kind === 'postgres' ? 'PostgreSQL' : config.dataDir}…`);
    const result = await seedLargeData(database.prisma, { historyOnly: state === 'without history' });
    console.log(
      `Added ${result.customers} customers, ${result.jobs} jobs, ${result.runs} runs (${result.unreviewed} unreviewed, ` +
        `${result.reviewed} reviewed) and ${result.objects} objects in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
    );
  }
} finally {
  await database.close();
  await unlock();
}
