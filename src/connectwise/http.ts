import {
  createExchanger,
  exchangeOnce,
  withRetries as retried,
  type Exchanger,
  type PsaClientOptions,
} from '../psa-http/exchange.ts';
import { pathOf } from '../psa-http/transport.ts';
import {
  ConnectWiseAuthenticationError,
  type ConnectWiseErrorBody,
  type ConnectWiseErrorContext,
  type ConnectWiseErrorKind,
} from './errors.ts';
import { decideRetry } from './retry-policy.ts';
import {
  basicAuthorization,
  readAnswer,
  requestHeaders,
  transportError,
  type HttpMethod,
  type Outcome,
} from './transport.ts';
import type { ConnectWiseCredentials } from './types.ts';
import { buildUrl, type QueryValue } from './url.ts';

/**
 * The one place that sends HTTP to ConnectWise. Entity modules describe a request; this module
 * decides how it travels:
 *
 *   send         credentials present? → the retry loop → the answer's JSON and `Link` header
 *   withRetries  one try, and `retry-policy.ts` deciding about another (reads only)
 *   tryOnce      the wire request → its outcome → the debug log and API call log
 *
 * The retry loop and the single try are every PSA client's (`src/psa-http/exchange.ts`): each try
 * its own API log entry, seeing our mapped errors. What is ConnectWise's is around them: the
 * Authorization and clientId headers, the URL with its conditions, the `Link` header for paging.
 */

export interface ConnectWiseRequest {
  /** Client operation name for errors and the API log, e.g. `companies.get`. */
  readonly operation: string;
  readonly method: HttpMethod;
  /** Relative to the API root, e.g. `service/tickets/12`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue>>;
  readonly body?: unknown;
  /** True for GETs: safe to send again. False for every create and update. */
  readonly read: boolean;
}

/** A 2xx answer: its JSON and its `Link` header (paging). */
export interface ConnectWiseAnswer {
  readonly data: unknown;
  readonly link: string | undefined;
}

/** The client's options, with the API root checked and the model version's default applied. */
export interface HttpOptions extends PsaClientOptions<ConnectWiseErrorKind, HttpMethod> {
  readonly baseUrl: string;
  readonly credentials: ConnectWiseCredentials;
  readonly modelVersion: string;
}

export interface ConnectWiseHttp {
  /** Sends one request (with the retries it is allowed) and returns the parsed JSON answer. */
  send(request: ConnectWiseRequest): Promise<ConnectWiseAnswer>;
}

/** Everything the steps below share; built once per client. */
interface Wiring {
  readonly options: HttpOptions;
  readonly exchanger: Exchanger<ConnectWiseErrorKind, HttpMethod>;
  readonly headers: Readonly<Record<string, string>>;
}

const NO_BODY: ConnectWiseErrorBody = { code: null, messages: [], fieldErrors: [] };

export function createHttp(options: HttpOptions): ConnectWiseHttp {
  const wiring = wiringFor(options);
  return { send: (request) => send(wiring, request) };
}

function wiringFor(options: HttpOptions): Wiring {
  const { credentials } = options;
  return {
    options,
    // The clientId is to be kept secret too (docs/connectwise.md, Authentication); the public key is
    // half of the user name, which never belongs in a log either.
    exchanger: createExchanger(
      'connectwise',
      [
        credentials.privateKey,
        credentials.publicKey,
        credentials.clientId,
        basicAuthorization(credentials).slice('Basic '.length),
      ],
      options,
    ),
    headers: requestHeaders(credentials, options.modelVersion),
  };
}

async function send(wiring: Wiring, request: ConnectWiseRequest): Promise<ConnectWiseAnswer> {
  const incomplete = missingCredentials(wiring.options.credentials, request);
  if (incomplete) throw incomplete;
  return withRetries(wiring, request, buildUrl(wiring.options.baseUrl, request.path, request.query));
}

/** Tries until one succeeds or the retry policy says stop. */
async function withRetries(wiring: Wiring, request: ConnectWiseRequest, url: string): Promise<ConnectWiseAnswer> {
  const { exchanger } = wiring;
  const kind = request.read ? 'read' : 'write';
  const answer = await retried(
    exchanger,
    request.operation,
    () => tryOnce(wiring, request, url),
    (attempt, { error }) => decideRetry({ kind, attempt, error }, exchanger.tuning, exchanger.random),
  );
  return { data: answer.data, link: answer.link };
}

/** One request on the wire, its outcome, and the log entries for it. */
async function tryOnce(wiring: Wiring, request: ConnectWiseRequest, url: string): Promise<Outcome> {
  const { exchanger } = wiring;
  const context: ConnectWiseErrorContext = {
    operation: request.operation,
    method: request.method,
    path: pathOf(url),
    read: request.read,
  };
  const { operation, method, body } = request;
  return exchangeOnce(
    exchanger,
    { operation, method, url, headers: wiring.headers, body },
    {
      answer: (raw) => readAnswer(raw, context, exchanger.redact),
      failure: (thrown) => transportError(thrown, context, exchanger.timeoutMs),
    },
  );
}

/** Checked before anything is sent, so the operator learns which setting is empty rather than getting a 401. */
function missingCredentials(
  credentials: ConnectWiseCredentials,
  request: ConnectWiseRequest,
): ConnectWiseAuthenticationError | null {
  const missing = [
    credentials.companyId.trim() ? null : 'company id',
    credentials.publicKey.trim() ? null : 'public key',
    credentials.privateKey ? null : 'private key',
    credentials.clientId.trim() ? null : 'client id',
  ].filter((m): m is string => m !== null);
  if (missing.length === 0) return null;
  return new ConnectWiseAuthenticationError(
    null,
    NO_BODY,
    { operation: request.operation, method: request.method, read: request.read },
    `The ConnectWise ${listed(missing)} ${missing.length === 1 ? 'is' : 'are'} not filled in. Complete the ConnectWise settings.`,
  );
}

/** `a`, `a and b`, `a, b and c`. */
function listed(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)!}`;
}
