import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { createApiLog, createRedactor, type ApiCallRecorder } from './api-log.ts';
import { endpointBucket, type EndpointLimiter } from './concurrency.ts';
import {
  AutotaskAuthenticationError,
  AutotaskError,
  AutotaskRateLimitedError,
  AutotaskUnavailableError,
  errorFromResponse,
  parseRetryAfter,
  type AutotaskErrorContext,
} from './errors.ts';
import { parseAnswer } from './wire.ts';
import {
  apiBaseUrl,
  createZoneResolver,
  zoneFromAnswer,
  zoneInformationSchema,
  zoneLookupUrl,
  type ZoneCache,
  type ZoneResolver,
} from './zone.ts';
import type { ApiLogLevel, AutotaskCredentials, AutotaskEnvironment, AutotaskLogger, AutotaskZone } from './types.ts';

/**
 * The one place that sends HTTP to Autotask: axios instance, credential headers, timeout, the
 * per-endpoint thread limit, retries of reads, the 401 zone re-resolve, error mapping and the API
 * call log. Entity modules describe a request; this module decides how it travels.
 *
 * Retry rules (stripe-node's: retry only what is safe): reads (GET, POST queries) are retried on a
 * dropped connection, 429/thread threshold and 503, at most 3 tries, with exponential backoff and
 * jitter, honouring `Retry-After`. Writes are never retried: Autotask has no idempotency key, so a
 * second POST makes a second ticket. The one exception is a 401, which Autotask answers before
 * doing anything: the zone is looked up again and, if it moved, the request goes once more to the
 * new zone.
 *
 * A small loop rather than axios-retry: each try must be its own API log entry, must give its
 * thread slot back while waiting, and must see our mapped errors (thread threshold arrives as a
 * 500), which axios-retry's interceptor cannot do without the same amount of glue.
 */

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT';

export interface AutotaskRequest {
  /** Client operation name for errors and the API log, e.g. `companies.get`. */
  readonly operation: string;
  readonly method: HttpMethod;
  /** Relative to the versioned API root (`Tickets/123`), or an absolute URL (`nextPageUrl`). */
  readonly path: string;
  readonly body?: unknown;
  /** True for GET and POST queries: safe to send again. False for every create and update. */
  readonly read: boolean;
}

export interface RetryOptions {
  /** Tries in total for a read, first one included. Default 3. */
  readonly maxAttempts?: number;
  /** First backoff step; doubles per try, with jitter. Default 500 ms. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** A `Retry-After` longer than this is not waited for: the rate-limited error goes to the caller. Default 30 s. */
  readonly maxRetryAfterMs?: number;
  /** Replaceable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export interface HttpOptions {
  readonly credentials: AutotaskCredentials;
  readonly environment: AutotaskEnvironment;
  readonly zoneLookupUrl: string | undefined;
  readonly timeoutMs: number;
  readonly zoneCache: ZoneCache;
  readonly zoneTtlMs: number;
  readonly recorder: ApiCallRecorder | undefined;
  readonly logLevel: ApiLogLevel;
  readonly logger: AutotaskLogger | undefined;
  readonly limiter: EndpointLimiter;
  readonly retry: RetryOptions | undefined;
}

export interface AutotaskHttp {
  /** Sends one request (with the retries it is allowed) and returns the parsed JSON answer. */
  send(request: AutotaskRequest): Promise<unknown>;
  readonly zones: ZoneResolver;
}

export function createHttp(options: HttpOptions): AutotaskHttp {
  const { credentials, timeoutMs, logger, limiter } = options;
  const retry = {
    maxAttempts: options.retry?.maxAttempts ?? 3,
    baseDelayMs: options.retry?.baseDelayMs ?? 500,
    maxDelayMs: options.retry?.maxDelayMs ?? 8_000,
    maxRetryAfterMs: options.retry?.maxRetryAfterMs ?? 30_000,
    sleep: options.retry?.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
    random: options.retry?.random ?? Math.random,
  };
  const redact = createRedactor([credentials.secret, credentials.integrationCode]);
  const apiLog = createApiLog({ recorder: options.recorder, level: options.logLevel, redact, logger });
  // Retry-After of a 503 (not a rate-limit error, so not on the error itself).
  const retryAfterHints = new WeakMap<AutotaskError, number>();

  const instance: AxiosInstance = axios.create({
    timeout: timeoutMs,
    // Statuses are ours to judge; axios must not build errors that carry the request headers.
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    // A redirect would carry the Secret header to wherever it points.
    maxRedirects: 0,
  });

  const authHeaders = {
    ApiIntegrationCode: credentials.integrationCode,
    UserName: credentials.username,
    Secret: credentials.secret,
    'Content-Type': 'application/json',
    Accept: 'application/json',
  };

  interface Attempt {
    readonly auth: boolean;
    readonly isZoneLookup: boolean;
  }

  async function sendOnce(request: AutotaskRequest, url: string, attempt: Attempt): Promise<unknown> {
    const path = pathOf(url);
    const context: AutotaskErrorContext = {
      operation: request.operation,
      method: request.method,
      path,
      read: request.read,
    };
    const at = new Date();
    const started = performance.now();
    const controller = new AbortController();
    // axios' timeout is a socket idle timeout in Node; this one bounds the whole exchange.
    const deadline = setTimeout(() => controller.abort(), timeoutMs);
    let response: AxiosResponse<string> | undefined;
    let error: AutotaskError | undefined;
    let result: unknown;
    try {
      response = await instance.request<string>({
        url,
        method: request.method,
        headers: attempt.auth ? authHeaders : { Accept: 'application/json' },
        data: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: controller.signal,
      });
    } catch (e) {
      error = transportError(e, context, timeoutMs);
    } finally {
      clearTimeout(deadline);
    }

    if (response) {
      const text = typeof response.data === 'string' ? response.data : '';
      const json = parseJson(text);
      if (response.status >= 200 && response.status < 300) {
        if (json === NOT_JSON) {
          error = new AutotaskUnavailableError(
            'bad_response',
            response.status,
            [],
            context,
            'Autotask answered with something that is not JSON.',
          );
        } else {
          result = json;
        }
      } else {
        const retryAfter = headerValue(response, 'retry-after');
        error = errorFromResponse(
          {
            status: response.status,
            body: json === NOT_JSON ? undefined : json,
            retryAfter,
            isZoneLookup: attempt.isZoneLookup,
            redact,
          },
          context,
        );
        const hint = parseRetryAfter(retryAfter);
        if (hint !== null) retryAfterHints.set(error, hint);
      }
    }

    const durationMs = Math.round(performance.now() - started);
    const status = response?.status ?? null;
    logger?.debug({ operation: request.operation, method: request.method, path, status, durationMs }, 'autotask call');
    await apiLog.write({
      at,
      operation: request.operation,
      method: request.method,
      path,
      status,
      ok: error === undefined,
      durationMs,
      error: error ? describe(error) : null,
    });
    if (error) throw error;
    return result;
  }

  /** The delay before another try of a read, or null when it must not be tried again. */
  function retryDelay(error: unknown, tryNumber: number): number | null {
    let retryAfterSeconds: number | null;
    if (error instanceof AutotaskRateLimitedError) retryAfterSeconds = error.retryAfterSeconds;
    else if (error instanceof AutotaskUnavailableError && (error.reason === 'network' || error.status === 503)) {
      retryAfterSeconds = retryAfterHints.get(error) ?? null;
    } else return null;

    const jitterSpan = retry.baseDelayMs / 2;
    if (retryAfterSeconds !== null && retryAfterSeconds > 0) {
      const ms = retryAfterSeconds * 1000;
      if (ms > retry.maxRetryAfterMs) return null;
      return Math.round(ms + retry.random() * jitterSpan);
    }
    const step = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (tryNumber - 1));
    return Math.round(step / 2 + (retry.random() * step) / 2);
  }

  async function withRetries(
    request: AutotaskRequest,
    url: string,
    attempt: Attempt,
    limited: boolean,
  ): Promise<unknown> {
    const tries = request.read ? Math.max(1, retry.maxAttempts) : 1;
    const bucket = endpointBucket(url);
    for (let tryNumber = 1; ; tryNumber++) {
      try {
        return limited
          ? await limiter.run(bucket, () => sendOnce(request, url, attempt))
          : await sendOnce(request, url, attempt);
      } catch (e) {
        const delay = tryNumber < tries ? retryDelay(e, tryNumber) : null;
        if (delay === null) throw e;
        logger?.warn(
          {
            operation: request.operation,
            try: tryNumber,
            delayMs: delay,
            status: e instanceof AutotaskError ? e.status : null,
          },
          'autotask: read failed, trying again',
        );
        await retry.sleep(delay);
      }
    }
  }

  const zones = createZoneResolver({
    username: credentials.username,
    cache: options.zoneCache,
    ttlMs: options.zoneTtlMs,
    logger,
    lookup: async () => {
      const request: AutotaskRequest = { operation: 'zone.lookup', method: 'GET', path: '', read: true };
      const url = zoneLookupUrl(options.environment, credentials.username, options.zoneLookupUrl);
      // The lookup is anonymous and exempt from the thread limit.
      const data = await withRetries(request, url, { auth: false, isZoneLookup: true }, false);
      const answer = parseAnswer(zoneInformationSchema, data, {
        operation: request.operation,
        method: 'GET',
        path: pathOf(url),
        read: true,
      });
      return zoneFromAnswer(answer, new Date());
    },
  });

  function missingCredentials(request: AutotaskRequest): AutotaskAuthenticationError | null {
    const missing = [
      credentials.username.trim() ? null : 'API username',
      credentials.secret ? null : 'secret',
      credentials.integrationCode.trim() ? null : 'integration code',
    ].filter((m): m is string => m !== null);
    if (missing.length === 0) return null;
    return new AutotaskAuthenticationError(
      null,
      [],
      { operation: request.operation, method: request.method },
      `The Autotask ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not filled in. Complete the Autotask settings.`,
    );
  }

  return {
    zones,
    async send(request) {
      const incomplete = missingCredentials(request);
      if (incomplete) throw incomplete;
      let zone = await zones.current();
      let zoneRetried = false;
      for (;;) {
        try {
          return await withRetries(
            request,
            urlFor(request.path, zone, logger),
            { auth: true, isZoneLookup: false },
            true,
          );
        } catch (e) {
          if (zoneRetried || !(e instanceof AutotaskAuthenticationError) || e.status !== 401) throw e;
          zoneRetried = true;
          const next = await zones.refresh(zone);
          // Same zone: the credentials are wrong. Sending them again only risks locking the account.
          if (next.apiUrl === zone.apiUrl) throw e;
          logger?.warn(
            { from: zone.zoneName, to: next.zoneName },
            'autotask: the tenant moved zones; sending the request to the new zone',
          );
          zone = next;
        }
      }
    },
  };
}

/**
 * The URL for a request path in a zone. Absolute URLs (`nextPageUrl`) keep their path and query but
 * always go to the zone's own host: credentials are only ever sent there, and a page link from
 * before a zone move still works.
 */
export function urlFor(path: string, zone: AutotaskZone, logger?: AutotaskLogger): string {
  const base = apiBaseUrl(zone);
  if (!/^https?:\/\//i.test(path)) return `${base}${path.replace(/^\/+/, '')}`;
  const target = new URL(path);
  const origin = new URL(base).origin;
  if (target.origin === origin) return target.toString();
  logger?.debug({ from: target.origin, to: origin }, 'autotask: page link points to another host; using the zone host');
  return `${origin}${target.pathname}${target.search}`;
}

/** Path without host and query string: what the API log and errors show. */
function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}

const NOT_JSON = Symbol('not-json');

function parseJson(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

function headerValue(response: AxiosResponse, name: string): string | undefined {
  const value: unknown = (response.headers as Record<string, unknown>)[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** A failure before any HTTP answer. The axios error is dropped: its config holds the Secret header. */
function transportError(e: unknown, context: AutotaskErrorContext, timeoutMs: number): AutotaskUnavailableError {
  const code = typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : undefined;
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED' || axios.isCancel(e)) {
    return new AutotaskUnavailableError(
      'timeout',
      null,
      [],
      context,
      `Autotask did not answer within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} seconds` : `${timeoutMs} ms`}.`,
    );
  }
  return new AutotaskUnavailableError(
    'network',
    null,
    [],
    context,
    `Autotask could not be reached${code ? ` (${code})` : ''}.`,
  );
}

function describe(error: AutotaskError): string {
  return error.messages.length > 0 ? `${error.message} ${error.messages.join(' | ')}` : error.message;
}
