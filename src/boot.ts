import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createApp, type BuiltApp } from './app.ts';
import type { Config } from './config.ts';
import { DataFolderLockedError, lockDataFolder } from './db/data-folder-lock.ts';
import { openDatabase, type Database } from './db/database.ts';
import { applyMigrations, MigrationError } from './db/migrate.ts';
import { DatabaseUnreachableError, waitForDatabase } from './db/wait-for-database.ts';
import { finishDemoPsa, startDemoPsa } from './services/demo/demo-psa.ts';
import type { Logger } from './logger.ts';
import { resolveSecrets } from './secrets.ts';
import { createContext, type AppContext } from './context.ts';
import { backgroundJobs } from './jobs/background-jobs.ts';
import { createJobQueue, type JobQueue } from './jobs/queue.ts';
import { seedDemoDataIfEmpty } from './services/demo/seed-demo-data.ts';
import { ensureAdmin } from './services/accounts/users.ts';

export interface Running {
  /** Where the app answers; null for a worker-only process (ROLE=worker), which serves no HTTP. */
  readonly url: string | null;
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

  // Demo: the local simulator of the PSA DEMO_PSA names stands in for it. It is a development
  // package that startDemoPsa imports on demand; an install without it (the production image) gets
  // one warning and no demo PSA.
  const demoPsa = await startDemoPsa({
    config,
    db: database.prisma,
    encryptionKey: secrets.encryptionKey,
    logger,
  });
  const deps = { config, database, logger, secrets, ...demoPsa?.deps };
  const serves = config.role !== 'worker';
  const built = serves ? createApp(deps) : null;
  const queue = await startJobQueue(config, built?.context ?? createContext(deps));
  const server = built ? await listen(built, config) : null;
  const url = server ? `http://localhost:${(server.address() as AddressInfo).port}` : null;

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
  // Needs the real port for ticket links, so only now; a failure leaves the app usable, just unconfigured.
  if (demoPsa) await finishDemoPsa(demoPsa, database.prisma, config.baseUrl ?? url ?? '', logger);
  if (url) logger.info({ url, database: database.kind, role: config.role }, `listening on ${url}`);
  else logger.info({ database: database.kind, role: config.role }, 'worker started: running background jobs');

  let closed = false;
  return {
    url,
    database,
    async close() {
      if (closed) return;
      closed = true;
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      // Running jobs finish before the database goes away.
      await queue.stop();
      await built?.close();
      await demoPsa?.close();
      await database.close();
      await unlock();
    },
  };
}

/** The background jobs (src/jobs/): worked here unless this process only serves (ROLE=web). */
async function startJobQueue(config: Config, context: AppContext): Promise<JobQueue> {
  const jobs = backgroundJobs({
    db: context.database.prisma,
    autotask: context.autotask,
    psa: context.psa,
    logger: context.logger,
    timezone: config.timezone,
    autotaskTimeoutMs: config.autotask.timeoutMs,
    ticketStatusRefreshMinutes: config.autotask.ticketStatusRefreshMinutes,
    missedRunCheckMinutes: config.missedRunCheckMinutes,
  });
  const queue = createJobQueue({
    database: context.database,
    jobs,
    logger: context.logger.child({ component: 'jobs' }),
    mode: config.role === 'web' ? 'serve' : 'work',
    pollSeconds: config.jobPollSeconds,
    onFailure: (name) => context.metrics.jobFailed(name),
  });
  await queue.start();
  return queue;
}

async function listen(built: BuiltApp, config: Config) {
  const server = built.app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return server;
}
