import {
  connectWiseApiUrl,
  createConnectWiseClient,
  DEFAULT_CODEBASE,
  isLogged,
  type ApiCallRecorder,
  type ApiLogLevel,
  type ConnectWiseClient,
  type ConnectWiseCredentials,
  type RetryOptions,
  type StartDeadline,
} from '../../connectwise/client.ts';
import { createDbApiCallRecorder } from '../../db/autotask-store.ts';
import type { ConnectWiseSettings, Db } from '../../db/database.ts';
import { RuleError } from '../../errors/catalogue.ts';
import type { Logger } from '../../logger.ts';
import { paths } from '../../paths.ts';
import { decryptSecret, SecretDecryptError } from '../../shared/secret-box.ts';

export {
  CONNECTWISE_SETTINGS_ID,
  getConnectWiseSettings,
  hasConnectWiseCredentials,
  missingConnectWiseCredentials,
} from './settings.ts';

/**
 * Builds ConnectWise clients from the saved settings (ConnectWiseSettings, id 1): the one place
 * that decrypts the API member's private key. Calls go to `https://<siteHost>/<codebase>/apis/3.0`
 * (docs/connectwise.md, Base URL and versions), or to `siteOrigin` when the demo's or a test's
 * simulator stands in.
 */
export interface ConnectWiseAccess {
  /** A client with the saved credentials; RuleError when they are incomplete or undecryptable. */
  client(settings: ConnectWiseSite): ConnectWiseClient;
  /**
   * A client with credentials typed into the settings form (Test connection before saving); the
   * site and codebase come from `settings`, so pass the typed-in ones there.
   */
  clientWith(settings: ConnectWiseSite, credentials: ConnectWiseCredentials): ConnectWiseClient;
  /** Where a person opens ConnectWise (`https://<login host>`), or null when no site is saved. */
  webOrigin(settings: Pick<ConnectWiseSettings, 'siteHost'>): string | null;
}

/** The columns of the settings row a client is built from. */
export type ConnectWiseSite = Pick<
  ConnectWiseSettings,
  'siteHost' | 'codebase' | 'companyId' | 'publicKey' | 'privateKeyEncrypted' | 'clientId' | 'apiLogLevel'
>;

export interface ConnectWiseAccessOptions {
  readonly db: Db;
  readonly encryptionKey: string;
  /** Deadline of one request (the caller's PSA timeout from config). */
  readonly timeoutMs: number;
  readonly logger: Logger;
  /**
   * A stand-in's origin (`http://127.0.0.1:PORT`) used instead of `https://<siteHost>`, for the
   * demo's simulator and tests; the codebase still comes from the settings.
   */
  readonly siteOrigin?: string | undefined;
  /** When a request is given up. Default: `timeoutMs` after it is sent; tests end requests themselves. */
  readonly startDeadline?: StartDeadline | undefined;
  /** Retry waits of reads; tests pass an instant sleep. */
  readonly retry?: RetryOptions | undefined;
  /**
   * Sees every call, whatever the settings' API log level (the app's metrics). Must not throw or
   * wait: it runs before the log row is written.
   */
  readonly observer?: ApiCallRecorder | undefined;
}

export function createConnectWiseAccess(options: ConnectWiseAccessOptions): ConnectWiseAccess {
  const apiCallLog = createDbApiCallRecorder(options.db, 'connectwise');
  const logger = options.logger.child({ component: 'connectwise' });
  // The client hands every call over (level `all`): the observer sees each one, and the API call
  // log keeps what the settings' level asks for.
  const recorderFor = (level: ApiLogLevel): ApiCallRecorder => ({
    async record(entry) {
      void options.observer?.record(entry);
      if (isLogged(level, entry)) await apiCallLog.record(entry);
    },
  });

  const build = (settings: ConnectWiseSite, credentials: ConnectWiseCredentials) =>
    createConnectWiseClient({
      baseUrl: apiUrlOf(settings, options.siteOrigin),
      credentials,
      timeoutMs: options.timeoutMs,
      startDeadline: options.startDeadline,
      retry: options.retry,
      recorder: recorderFor(settings.apiLogLevel),
      logLevel: 'all',
      logger,
    });

  return {
    client(settings) {
      const { siteHost, companyId, publicKey, privateKeyEncrypted, clientId } = settings;
      if (!siteHost || !companyId || !publicKey || !privateKeyEncrypted || !clientId) {
        throw new RuleError('ConnectWise API credentials are not configured.', paths.settings.connectwise);
      }
      const privateKey = decryptPrivateKey(privateKeyEncrypted, options.encryptionKey);
      return build(settings, { companyId, publicKey, privateKey, clientId });
    },
    clientWith(settings, credentials) {
      return build(settings, credentials);
    },
    webOrigin(settings) {
      if (options.siteOrigin !== undefined) return options.siteOrigin.replace(/\/+$/, '');
      return settings.siteHost ? `https://${loginHost(settings.siteHost)}` : null;
    },
  };
}

function decryptPrivateKey(stored: string, encryptionKey: string): string {
  try {
    return decryptSecret(stored, encryptionKey);
  } catch (e) {
    if (e instanceof SecretDecryptError) {
      throw new RuleError(
        'The stored ConnectWise private key cannot be decrypted with the current APP_ENCRYPTION_KEY. Enter the private key again.',
        paths.settings.connectwise,
      );
    }
    throw e;
  }
}

/** The API root; a site host that is not a host name is the admin's to fix on the settings page. */
function apiUrlOf(
  settings: Pick<ConnectWiseSettings, 'siteHost' | 'codebase'>,
  siteOrigin: string | undefined,
): string {
  const codebase = settings.codebase?.trim() || DEFAULT_CODEBASE;
  if (siteOrigin !== undefined)
    return `${siteOrigin.replace(/\/+$/, '')}/${codebase.replace(/^\/+|\/+$/g, '')}/apis/3.0`;
  if (!settings.siteHost) {
    throw new RuleError('No ConnectWise site is set.', paths.settings.connectwise);
  }
  try {
    return connectWiseApiUrl(settings.siteHost, codebase);
  } catch (e) {
    if (e instanceof TypeError) throw new RuleError(`${e.message}.`, paths.settings.connectwise);
    throw e;
  }
}

/**
 * The host people sign in at: cloud API hosts put `api-` in front of it (`api-eu.myconnectwise.net`
 * → `eu.myconnectwise.net`, docs/connectwise.md, Base URL and versions); an on-premises host is
 * both.
 */
export function loginHost(siteHost: string): string {
  const host = siteHost
    .trim()
    .replace(/^https?:\/\//i, '')
    .replace(/\/+$/, '');
  return host.replace(/^api-/i, '');
}
