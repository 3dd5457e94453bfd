import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import { DataFolderLockedError, lockDataFolder } from './db/data-folder-lock.ts';
import { openDatabase, type Database } from './db/database.ts';
import { applyMigrations, MigrationError } from './db/migrate.ts';
import { DatabaseUnreachableError, waitForDatabase } from './db/wait-for-database.ts';
import { startDemoAutotask } from './services/demo/autotask-simulator.ts';
import type { Logger } from './logger.ts';
import { resolveSecrets } from './secrets.ts';
import { startPeriodicCompanySync } from './services/mapping/background-sync.ts';
import { startPeriodicMissedRunDetection } from './services/schedules/background-detection.ts';
import { startPeriodicStatusRefresh } from './services/tickets/background-status-refresh.ts';
import { seedDemoDataIfEmpty } from './services/demo/seed-demo-data.ts';
import { ensureAdmin } from './services/accounts/users.ts';

export interface Running {
  readonly url: string;
  readonly database: Database;
  close(): Promise<void>;
}

export class StartupError extends Error {}

/** Failures an operator fixes outside the app end start-up with their one line, not a stack trace. */
function asStartupError(error: unknown): never {
  if (
    error instanceof DataFolderLockedError ||
    error instanceof DatabaseUnreachableError ||
    error instanceof MigrationError
  ) {
    throw new StartupError(error.message, { cause: error });
  }
  throw error;
}

/** PostgreSQL: wait for the server (src/db/wait-for-database.ts). Embedded: lock its folder first. */
async function prepareDatabase(config: Config, logger: Logger): Promise<() => Promise<void>> {
  if (config.databaseUrl) {
    const { attempts } = await waitForDatabase(config.databaseUrl, {
      waitSeconds: config.databaseWaitSeconds,
      log: (line) => logger.warn(line),
    }).catch(asStartupError);
    if (attempts > 1) logger.info(`Database reachable after ${attempts} attempts`);
    return async () => {};
  }
  return lockDataFolder(config.dataDir, { log: (line) => logger.warn(line) }).catch(asStartupError);
}

/** Config → database → migrations → first admin → HTTP. Used by server.ts, tests and e2e. */
export async function boot(config: Config, logger: Logger): Promise<Running> {
  const secrets = resolveSecrets(config.dataDir, {
    sessionSecret: config.sessionSecret,
    encryptionKey: config.encryptionKey,
  });
  const unlock = await prepareDatabase(config, logger);
  const database = await openDatabase(
    config.databaseUrl
      ? { kind: 'postgres', url: config.databaseUrl }
      : { kind: 'pglite', dir: path.join(config.dataDir, 'pglite') },
  ).catch(async (e: unknown) => {
    await unlock();
    throw e;
  });

  const { applied } = await applyMigrations(database.sql, { log: (m) => logger.info(m) }).catch(async (e: unknown) => {
    await database.close();
    await unlock();
    return asStartupError(e);
  });
  if (applied.length) logger.info({ applied }, 'database migrations applied');

  const admin = await ensureAdmin(database.prisma, {
    email: config.adminEmail,
    password: config.adminPassword,
    bcryptCost: config.bcryptCost,
  });
  if (config.demoData) {
    const seeded = await seedDemoDataIfEmpty(database.prisma);
    if (seeded) logger.info(seeded, 'demo customers, jobs and runs seeded');
  }

  // Demo without AUTOTASK_ZONE_LOOKUP_URL: the local Autotask simulator stands in for Autotask. It is
  // a development package that startDemoAutotask imports on demand; an install without it (the
  // production image) gets one warning and no demo Autotask.
  const demoAutotask = await startDemoAutotask({
    config,
    db: database.prisma,
    encryptionKey: secrets.encryptionKey,
    logger,
  });
  const built = createApp({ config, database, logger, secrets, autotaskZoneLookupUrl: demoAutotask?.zoneLookupUrl });
  // Optional periodic refresh of mapped Autotask company names (Settings: sync interval; off by default).
  const companySync = startPeriodicCompanySync({ db: database.prisma, access: built.context.autotask, logger });
  // Open tickets' statuses, read in the background so closures in Autotask show without a page view.
  const statusRefresh = startPeriodicStatusRefresh(
    { db: database.prisma, access: built.context.autotask, logger },
    { intervalMinutes: config.autotask.ticketStatusRefreshMinutes },
  );
  // Scheduled jobs whose run did not arrive in its window get a missed run (docs/missed-runs.md).
  const missedRuns = startPeriodicMissedRunDetection(
    { db: database.prisma, timezone: config.timezone, logger },
    { intervalMinutes: config.missedRunCheckMinutes },
  );
  const server = built.app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://localhost:${port}`;

  if (admin) {
    // Printed once, on the console only: the first admin's credentials on a new installation.
    const lines = [
      '',
      '  Backupchecks is ready. First admin account:',
      `    e-mail:   ${admin.email}`,
      admin.password ? `    password: ${admin.password}` : '    password: (from ADMIN_PASSWORD)',
      '  Change it under Users after signing in. This is shown only once.',
      '',
    ];
    process.stdout.write(lines.join('\n') + '\n');
  }
  if (demoAutotask) {
    // Needs the real port for ticket links, so only now; a failure leaves the app usable, just unconfigured.
    const configured = await demoAutotask.configure(config.baseUrl ?? url).catch((err: unknown) => {
      logger.warn({ err }, 'demo Autotask: configuring the integration against the simulator failed');
      return false;
    });
    if (configured) logger.info('demo Autotask: integration configured against the local simulator');
    process.stdout.write(`  Autotask simulator (demo): ${demoAutotask.controlUrl}\n`);
  }
  logger.info({ url, database: database.kind }, `listening on ${url}`);

  let closed = false;
  return {
    url,
    database,
    async close() {
      if (closed) return;
      closed = true;
      companySync.stop();
      statusRefresh.stop();
      missedRuns.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await built.close();
      await demoAutotask?.close();
      await database.close();
      await unlock();
    },
  };
}
