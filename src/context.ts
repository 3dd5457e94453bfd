import type { StartDeadline, WriteRetryOptions } from './autotask/client.ts';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { Logger } from './logger.ts';
import type { QueueSource } from './metrics/jobs.ts';
import { createMetrics, type AppMetrics } from './metrics/metrics.ts';
import { createScrapeGuard, type ScrapeGuard } from './metrics/scrape-guard.ts';
import type { LocalSecrets } from './secrets.ts';
import { createAutotaskAccess, type AutotaskAccess } from './services/integration/autotask-access.ts';
import { createConnectWiseAccess, type ConnectWiseAccess } from './psa/connectwise/access.ts';
import { connectWiseProfiles } from './psa/connectwise/profile.ts';
import { createPsaAccess, type PsaAccess } from './psa/access.ts';
import { createAttemptLimiter, type AttemptLimiter } from './services/accounts/sign-in-limiter.ts';

/**
 * What the app is built from, and what every route and controller receives. Its own module so that
 * routes depend on this type and not on `app.ts`, which imports them.
 */
export interface AppDeps {
  readonly config: Config;
  readonly database: Database;
  readonly logger: Logger;
  readonly secrets: LocalSecrets;
  /** Zone lookup of the demo's built-in simulator; else config's AUTOTASK_ZONE_LOOKUP_URL applies. */
  readonly autotaskZoneLookupUrl?: string | undefined;
  /** Waits before a write refused by Autotask's thread threshold is sent again; tests make them instant. */
  readonly autotaskWriteRetry?: WriteRetryOptions | undefined;
  /**
   * When an Autotask request is given up. Default: AUTOTASK_TIMEOUT_MS after it is sent. Tests end
   * requests at a point they choose instead of racing a timer (test/support/autotask-deadlines.ts).
   */
  readonly autotaskDeadline?: StartDeadline | undefined;
  /** What /metrics reports of the job queue; default: the shared queue table (src/jobs/report.ts). Tests pass their own. */
  readonly queueSource?: QueueSource | undefined;
  /**
   * A ConnectWise stand-in's origin (`http://127.0.0.1:PORT`, the demo's or a test's simulator),
   * called instead of `https://<siteHost>` of the settings.
   */
  readonly connectwiseSiteOrigin?: string | undefined;
}

export interface AppContext extends AppDeps {
  /** Password attempts at sign-in. */
  readonly loginLimiter: AttemptLimiter;
  /** Two-factor codes (and recovery codes) at sign-in, counted apart from passwords. */
  readonly twoFactorLimiter: AttemptLimiter;
  readonly autotask: AutotaskAccess;
  readonly connectwise: ConnectWiseAccess;
  /** The services' way to the active PSA (or a ticket's PSA) behind the PSA port (src/psa/port.ts). */
  readonly psa: PsaAccess;
  /** The app's own metrics registry and what feeds it (src/metrics/metrics.ts). */
  readonly metrics: AppMetrics;
  /** Checks METRICS_TOKEN on GET /metrics; null when no token is configured (then /metrics is a 404). */
  readonly metricsGuard: ScrapeGuard | null;
}

/** `metrics`: the app's registry (createApp makes one); a process without HTTP (ROLE=worker) gets one of its own. */
export function createContext(
  deps: AppDeps,
  metrics: AppMetrics = createMetrics({ db: deps.database.prisma, logger: deps.logger }),
): AppContext {
  const { config, database, logger } = deps;
  const autotask = createAutotaskAccess({
    db: database.prisma,
    encryptionKey: deps.secrets.encryptionKey,
    zoneLookupUrl: deps.autotaskZoneLookupUrl ?? config.autotask.zoneLookupUrl,
    timeoutMs: config.autotask.timeoutMs,
    threadWaitMs: config.autotask.threadWaitMs,
    logger,
    writeRetry: deps.autotaskWriteRetry,
    startDeadline: deps.autotaskDeadline,
    observer: metrics.autotaskCalls,
  });
  const connectwise = createConnectWiseAccess({
    db: database.prisma,
    encryptionKey: deps.secrets.encryptionKey,
    timeoutMs: config.autotask.timeoutMs,
    logger,
    siteOrigin: deps.connectwiseSiteOrigin,
  });
  return {
    ...deps,
    metrics,
    metricsGuard: config.metricsToken ? createScrapeGuard(config.metricsToken) : null,
    loginLimiter: createAttemptLimiter(database.prisma, { step: 'login', ...config.login }),
    twoFactorLimiter: createAttemptLimiter(database.prisma, { step: 'two-factor', ...config.login }),
    autotask,
    connectwise,
    psa: createPsaAccess({ autotask, connectwise: connectWiseProfiles(connectwise) }),
  };
}

/**
 * The app's context inside a controller. `createApp` puts it on `app.locals`, so controllers can be
 * plain `get`/`post` functions instead of closures built per router.
 */
export function contextOf(req: { app: { locals: Record<string, unknown> } }): AppContext {
  const context = req.app.locals['context'] as AppContext | undefined;
  if (!context) throw new Error('contextOf(): createApp() did not set app.locals.context');
  return context;
}
