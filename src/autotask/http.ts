import {
  createExchanger,
  exchangeOnce,
  withRetries as retried,
  type Exchanger,
  type PsaClientOptions,
} from '../psa-http/exchange.ts';
import { pathOf } from '../psa-http/transport.ts';
import { endpointBucket, ThreadWaitTimeoutError, type EndpointLimiter } from './concurrency.ts';
import {
  AutotaskAuthenticationError,
  AutotaskThreadWaitError,
  type AutotaskErrorContext,
  type AutotaskErrorKind,
} from './errors.ts';
import { decideRetry, mayFollowZoneMove } from './retry-policy.ts';
import {
  ANONYMOUS_HEADERS,
  credentialHeaders,
  readAnswer,
  transportError,
  type HttpMethod,
  type Outcome,
} from './transport.ts';
import type { AutotaskCredentials, AutotaskEnvironment, AutotaskLogger, AutotaskZone } from './types.ts';
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

/**
 * The one place that sends HTTP to Autotask. Entity modules describe a request; this module
 * decides how it travels, in these steps:
 *
 *   send            credentials present? → the zone → the retry loop; once more to a new zone on 401
 *   withRetries     the thread-limit slot, one try, and `retry-policy.ts` deciding about another
 *   inSlot          waits for the slot; none in time is the "busy" error, and nothing is sent
 *   tryOnce         the wire request → its outcome → the debug log and API call log
 *
 * The retry loop and the single try are every PSA client's (`src/psa-http/exchange.ts`): each try
 * its own API log entry, seeing our mapped errors (the thread threshold arrives as a 500). What is
 * Autotask's is around them: the zone, and the thread slot, given back while waiting between tries.
 */

interface AutotaskRequest {
  /** Client operation name for errors and the API log, e.g. `companies.get`. */
  readonly operation: string;
  readonly method: HttpMethod;
  /** Relative to the versioned API root (`Tickets/123`), or an absolute URL (`nextPageUrl`). */
  readonly path: string;
  readonly body?: unknown;
  /** True for GET and POST queries: safe to send again. False for every create and update. */
  readonly read: boolean;
}

/** The client's options, with its defaults for zone cache, zone TTL and limiter applied. */
interface HttpOptions extends PsaClientOptions<AutotaskErrorKind, HttpMethod> {
  readonly credentials: AutotaskCredentials;
  readonly environment: AutotaskEnvironment;
  readonly zoneLookupUrl?: string | undefined;
  readonly zoneCache: ZoneCache;
  readonly zoneTtlMs: number;
  readonly limiter: EndpointLimiter;
}

export interface AutotaskHttp {
  /** Sends one request (with the retries it is allowed) and returns the parsed JSON answer. */
  send(request: AutotaskRequest): Promise<unknown>;
  readonly zones: ZoneResolver;
}

/** How one try travels: with credentials or anonymously, and whether it is the zone lookup. */
interface Route {
  readonly auth: boolean;
  readonly isZoneLookup: boolean;
}

/** Everything the steps below share; built once per client. */
interface Wiring {
  readonly options: HttpOptions;
  readonly exchanger: Exchanger<AutotaskErrorKind, HttpMethod>;
  readonly authHeaders: Readonly<Record<string, string>>;
}

export function createHttp(options: HttpOptions): AutotaskHttp {
  const wiring = wiringFor(options);
  const zones = createZoneResolver({
    username: options.credentials.username,
    cache: options.zoneCache,
    ttlMs: options.zoneTtlMs,
    logger: options.logger,
    lookup: () => lookUpZone(wiring),
  });
  return { zones, send: (request) => send(wiring, zones, request) };
}

function wiringFor(options: HttpOptions): Wiring {
  const { credentials } = options;
  return {
    options,
    exchanger: createExchanger('autotask', [credentials.secret, credentials.integrationCode], options),
    authHeaders: credentialHeaders(credentials),
  };
}

/** An authenticated request to the current zone; once more to a new zone when the tenant moved. */
async function send(wiring: Wiring, zones: ZoneResolver, request: AutotaskRequest): Promise<unknown> {
  const incomplete = missingCredentials(wiring.options.credentials, request);
  if (incomplete) throw incomplete;
  const { logger } = wiring.options;
  const route: Route = { auth: true, isZoneLookup: false };
  let zone = await zones.current();
  let zoneFollowed = false;
  for (;;) {
    try {
      return await withRetries(wiring, request, urlFor(request.path, zone, logger), route, true);
    } catch (e) {
      if (!mayFollowZoneMove(e, zoneFollowed)) throw e;
      zoneFollowed = true;
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
}

/** `GET zoneInformation`: anonymous, and exempt from the thread limit. */
async function lookUpZone(wiring: Wiring): Promise<AutotaskZone> {
  const { credentials, environment } = wiring.options;
  const request: AutotaskRequest = { operation: 'zone.lookup', method: 'GET', path: '', read: true };
  const url = zoneLookupUrl(environment, credentials.username, wiring.options.zoneLookupUrl);
  const data = await withRetries(wiring, request, url, { auth: false, isZoneLookup: true }, false);
  const answer = parseAnswer(zoneInformationSchema, data, {
    operation: request.operation,
    method: 'GET',
    path: pathOf(url),
    read: true,
  });
  return zoneFromAnswer(answer, new Date());
}

/** Tries until one succeeds or the retry policy says stop; waits between tries outside the thread slot. */
async function withRetries(
  wiring: Wiring,
  request: AutotaskRequest,
  url: string,
  route: Route,
  limited: boolean,
): Promise<unknown> {
  const { exchanger } = wiring;
  const kind = request.read ? 'read' : 'write';
  const answer = await retried(
    exchanger,
    request.operation,
    () => (limited ? inSlot(wiring, request, url, route) : tryOnce(wiring, request, url, route)),
    (attempt, { error, retryAfterSeconds }) =>
      decideRetry({ kind, attempt, error, retryAfterSeconds }, exchanger.tuning, exchanger.random),
  );
  return answer.data;
}

/**
 * One try in a thread slot of the URL's endpoint. A limiter that finds no slot in time never starts
 * the try: that is the thread limit's "busy" answer, given here without asking Autotask.
 */
async function inSlot(wiring: Wiring, request: AutotaskRequest, url: string, route: Route): Promise<Outcome> {
  const bucket = endpointBucket(url);
  try {
    return await wiring.options.limiter.run(bucket, () => tryOnce(wiring, request, url, route));
  } catch (e) {
    if (!(e instanceof ThreadWaitTimeoutError)) throw e;
    const { operation, method, read } = request;
    wiring.options.logger?.warn(
      { operation, bucket, waitedMs: e.waitedMs },
      'autotask: no thread slot came free in time; the request was not sent',
    );
    const error = new AutotaskThreadWaitError({ operation, method, path: pathOf(url), read }, e.waitedMs);
    return { ok: false, status: null, error, retryAfterSeconds: null };
  }
}

/** One request on the wire, its outcome, and the log entries for it. */
async function tryOnce(wiring: Wiring, request: AutotaskRequest, url: string, route: Route): Promise<Outcome> {
  const { exchanger } = wiring;
  const context: AutotaskErrorContext = {
    operation: request.operation,
    method: request.method,
    path: pathOf(url),
    read: request.read,
  };
  const call = {
    operation: request.operation,
    method: request.method,
    url,
    headers: route.auth ? wiring.authHeaders : ANONYMOUS_HEADERS,
    body: request.body,
  };
  return exchangeOnce(exchanger, call, {
    answer: (raw) => readAnswer(raw, context, { isZoneLookup: route.isZoneLookup, redact: exchanger.redact }),
    failure: (thrown) => transportError(thrown, context, exchanger.timeoutMs),
  });
}

/** Checked before anything is sent, so the operator learns which setting is empty rather than getting Autotask's refusal. */
function missingCredentials(
  credentials: AutotaskCredentials,
  request: AutotaskRequest,
): AutotaskAuthenticationError | null {
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

/**
 * The URL for a request path in a zone. Absolute URLs (`nextPageUrl`) keep their path and query but
 * always go to the zone's own host: credentials are only ever sent there, and a page link from
 * before a zone move still works.
 */
function urlFor(path: string, zone: AutotaskZone, logger?: AutotaskLogger): string {
  const base = apiBaseUrl(zone);
  if (!/^https?:\/\//i.test(path)) return `${base}${path.replace(/^\/+/, '')}`;
  const target = new URL(path);
  const origin = new URL(base).origin;
  if (target.origin === origin) return target.toString();
  logger?.debug({ from: target.origin, to: origin }, 'autotask: page link points to another host; using the zone host');
  return `${origin}${target.pathname}${target.search}`;
}
