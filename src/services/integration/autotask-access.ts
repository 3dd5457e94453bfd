import {
  createAutotaskClient,
  type AutotaskClient,
  type StartDeadline,
  type WriteRetryOptions,
} from '../../autotask/client.ts';
import type { AutotaskCredentials } from '../../autotask/types.ts';
import { createDbApiCallRecorder, createDbZoneCache, primedZoneCache } from '../../db/autotask-store.ts';
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
}

export function createAutotaskAccess(options: AutotaskAccessOptions): AutotaskAccess {
  const zoneCache = createDbZoneCache(options.db);
  const recorder = createDbApiCallRecorder(options.db);
  const logger = options.logger.child({ component: 'autotask' });

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
      recorder,
      logLevel: settings.apiLogLevel,
      logger,
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
