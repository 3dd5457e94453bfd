import {
  createAutotaskClient,
  isLogged,
  type ApiCallRecorder,
  type AutotaskClient,
  type EndpointLimiter,
  sharedEndpointLimiter,
  type StartDeadline,
  type WriteRetryOptions,
} from '../../autotask/client.ts';
import type { ApiLogLevel, AutotaskCredentials } from '../../autotask/types.ts';
import { createDbApiCallRecorder, createDbZoneCache, primedZoneCache } from '../../db/autotask-store.ts';
import { createDbThreadLimiter } from '../../db/autotask-threads.ts';
import type { Db, IntegrationSettings } from '../../db/database.ts';
import { RuleError } from '../../errors/catalogue.ts';
import type { Logger } from '../../logger.ts';
import { paths } from '../../paths.ts';
import { decryptSecret, SecretDecryptError } from '../../shared/secret-box.ts';

/**
 * Builds Autotask clients from the saved settings: the one place that decrypts the API secret.
 * The zone lookup goes to AUTOTASK_ZONE_LOOKUP_URL, or the demo simulator, or Autotask itself.
 */
export interface AutotaskAccess {
  /** A client with the saved credentials; RuleError when they are incomplete or undecryptable. */
  client(settings: IntegrationSettings): AutotaskClient;
  /** A client with credentials typed into the settings form (for Test connection before saving). */
  clientWith(settings: IntegrationSettings, credentials: AutotaskCredentials): AutotaskClient;
  /** Waits before a write refused by the thread threshold is sent again (`src/services/tickets/retry-write.ts`). */
  readonly writeRetry: WriteRetryOptions;
}

export interface AutotaskAccessOptions {
  readonly db: Db;
  readonly encryptionKey: string;
  readonly zoneLookupUrl: string | undefined;
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Default: 1 s, 2 s, 4 s with jitter, real timers; tests pass an instant sleep. */
  readonly writeRetry?: WriteRetryOptions | undefined;
  /** When a request is given up. Default: `timeoutMs` after it is sent; tests end requests themselves. */
  readonly startDeadline?: StartDeadline | undefined;
  /**
   * Sees every call, whatever the settings' API log level (the app's metrics,
   * src/metrics/autotask-calls.ts). Must not throw or wait: it runs before the log row is written.
   */
  readonly observer?: ApiCallRecorder | undefined;
  /**
   * The longest wait for a thread slot (AUTOTASK_THREAD_WAIT_MS); past it the request is not sent
   * and ends in the thread limit's "busy" error. Default 30 s.
   */
  readonly threadWaitMs?: number | undefined;
  /** Between looks at the tenant-wide thread line (`src/db/autotask-threads.ts`); tests pass their own. */
  readonly threadPollSleep?: ((ms: number) => Promise<void>) | undefined;
}

const DEFAULT_THREAD_WAIT_MS = 30_000;

export function createAutotaskAccess(options: AutotaskAccessOptions): AutotaskAccess {
  const zoneCache = createDbZoneCache(options.db);
  const apiCallLog = createDbApiCallRecorder(options.db);
  const logger = options.logger.child({ component: 'autotask' });
  const limiterOf = threadLimiters(options, logger);
  // The client hands every call over (level `all`): the observer counts each one, and the API call
  // log keeps what the settings' level asks for.
  const recorderFor = (level: ApiLogLevel): ApiCallRecorder => ({
    async record(entry) {
      void options.observer?.record(entry);
      if (isLogged(level, entry)) await apiCallLog.record(entry);
    },
  });

  const build = (settings: IntegrationSettings, credentials: AutotaskCredentials, sharedZone: boolean) =>
    createAutotaskClient({
      credentials,
      environment: settings.environment,
      zoneLookupUrl: options.zoneLookupUrl,
      timeoutMs: options.timeoutMs,
      startDeadline: options.startDeadline,
      // Typed-in credentials must not read or overwrite the saved user's cached zone. The settings
      // row in hand holds the cached zone already: the client's first zone read costs no query.
      ...(sharedZone ? { zoneCache: primedZoneCache(zoneCache, settings) } : {}),
      recorder: recorderFor(settings.apiLogLevel),
      logLevel: 'all',
      logger,
      limiter: limiterOf(credentials.integrationCode),
    });

  return {
    writeRetry: options.writeRetry ?? {},
    client(settings) {
      if (!settings.apiUsername || !settings.secretEncrypted || !settings.integrationCode) {
        throw new RuleError('Autotask API credentials are not configured.', paths.settings.autotask);
      }
      let secret: string;
      try {
        secret = decryptSecret(settings.secretEncrypted, options.encryptionKey);
      } catch (e) {
        if (e instanceof SecretDecryptError) throw new RuleError(e.message, paths.settings.autotask);
        throw e;
      }
      return build(
        settings,
        { username: settings.apiUsername, secret, integrationCode: settings.integrationCode },
        true,
      );
    },
    clientWith(settings, credentials) {
      return build(settings, credentials, credentials.username === settings.apiUsername);
    },
  };
}

/**
 * One thread limiter per integration code, counting across every instance that shares the database
 * (docs/autotask.md, Thread limit), with the process-wide line of that code in front of it: every
 * client of this process, saved or typed-in credentials, waits in the same line.
 */
function threadLimiters(options: AutotaskAccessOptions, logger: Logger): (integrationCode: string) => EndpointLimiter {
  const limiters = new Map<string, EndpointLimiter>();
  return (integrationCode) => {
    let limiter = limiters.get(integrationCode);
    if (!limiter) {
      limiter = createDbThreadLimiter({
        db: options.db,
        integrationCode,
        waitMs: options.threadWaitMs ?? DEFAULT_THREAD_WAIT_MS,
        requestTimeoutMs: options.timeoutMs,
        local: sharedEndpointLimiter(integrationCode),
        logger,
        sleep: options.threadPollSleep,
      });
      limiters.set(integrationCode, limiter);
    }
    return limiter;
  };
}
