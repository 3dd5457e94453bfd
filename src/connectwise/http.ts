import type { AxiosInstance } from 'axios';
import { createApiLog, createRedactor, type ApiCallRecorder, type ApiLog } from './api-log.ts';
import { ConnectWiseAuthenticationError, type ConnectWiseErrorBody, type ConnectWiseErrorContext } from './errors.ts';
import { decideRetry, DEFAULT_RETRY_TUNING, type RetryTuning } from './retry-policy.ts';
import {
  basicAuthorization,
  createAxios,
  readAnswer,
  requestHeaders,
  sendWithDeadline,
  transportError,
  type HttpMethod,
  type Outcome,
  type StartDeadline,
} from './transport.ts';
import type { ApiLogLevel, ConnectWiseCredentials, ConnectWiseLogger } from './types.ts';
import { buildUrl, pathOf, type QueryValue } from './url.ts';

/**
 * The one place that sends HTTP to ConnectWise. Entity modules describe a request; this module
 * decides how it travels:
 *
 *   send         credentials present? → the retry loop → the answer's JSON and `Link` header
 *   withRetries  one try, and `retry-policy.ts` deciding about another (reads only)
 *   tryOnce      the wire request (`transport.ts`) → its outcome → the debug log and API call log
 *
 * A small loop rather than an axios retry interceptor: each try must be its own API log entry and
 * must see our mapped errors, which an interceptor cannot do without the same amount of glue.
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

export interface RetryOptions extends Partial<RetryTuning> {
  /** Replaceable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export interface HttpOptions {
  readonly baseUrl: string;
  readonly credentials: ConnectWiseCredentials;
  readonly modelVersion: string;
  readonly timeoutMs: number;
  readonly recorder: ApiCallRecorder | undefined;
  readonly logLevel: ApiLogLevel;
  readonly logger: ConnectWiseLogger | undefined;
  readonly retry: RetryOptions | undefined;
  readonly startDeadline: StartDeadline;
}

export interface ConnectWiseHttp {
  /** Sends one request (with the retries it is allowed) and returns the parsed JSON answer. */
  send(request: ConnectWiseRequest): Promise<ConnectWiseAnswer>;
}

/** Everything the steps below share; built once per client. */
interface Wiring {
  readonly options: HttpOptions;
  readonly instance: AxiosInstance;
  readonly headers: Readonly<Record<string, string>>;
  readonly redact: (text: string) => string;
  readonly apiLog: ApiLog;
  readonly tuning: RetryTuning;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

const NO_BODY: ConnectWiseErrorBody = { code: null, messages: [], fieldErrors: [] };

export function createHttp(options: HttpOptions): ConnectWiseHttp {
  const wiring = wiringFor(options);
  return { send: (request) => send(wiring, request) };
}

function wiringFor(options: HttpOptions): Wiring {
  const { credentials, retry } = options;
  // The clientId is to be kept secret too (docs/connectwise.md, Authentication); the public key is
  // half of the user name, which never belongs in a log either.
  const redact = createRedactor([
    credentials.privateKey,
    credentials.publicKey,
    credentials.clientId,
    basicAuthorization(credentials).slice('Basic '.length),
  ]);
  return {
    options,
    instance: createAxios(),
    headers: requestHeaders(credentials, options.modelVersion),
    redact,
    apiLog: createApiLog({ recorder: options.recorder, level: options.logLevel, redact, logger: options.logger }),
    tuning: {
      maxAttempts: retry?.maxAttempts ?? DEFAULT_RETRY_TUNING.maxAttempts,
      baseDelayMs: retry?.baseDelayMs ?? DEFAULT_RETRY_TUNING.baseDelayMs,
      maxDelayMs: retry?.maxDelayMs ?? DEFAULT_RETRY_TUNING.maxDelayMs,
      maxRetryAfterMs: retry?.maxRetryAfterMs ?? DEFAULT_RETRY_TUNING.maxRetryAfterMs,
    },
    sleep: retry?.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))),
    random: retry?.random ?? Math.random,
  };
}

async function send(wiring: Wiring, request: ConnectWiseRequest): Promise<ConnectWiseAnswer> {
  const incomplete = missingCredentials(wiring.options.credentials, request);
  if (incomplete) throw incomplete;
  return withRetries(wiring, request, buildUrl(wiring.options.baseUrl, request.path, request.query));
}

/** Tries until one succeeds or the retry policy says stop. */
async function withRetries(wiring: Wiring, request: ConnectWiseRequest, url: string): Promise<ConnectWiseAnswer> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await tryOnce(wiring, request, url);
    if (outcome.ok) return { data: outcome.data, link: outcome.link };
    const kind = request.read ? 'read' : 'write';
    const decision = decideRetry({ kind, attempt, error: outcome.error }, wiring.tuning, wiring.random);
    if (!decision.retry) throw outcome.error;
    wiring.options.logger?.warn(
      { operation: request.operation, try: attempt, delayMs: decision.delayMs, status: outcome.error.status },
      'connectwise: read failed, trying again',
    );
    await wiring.sleep(decision.delayMs);
  }
}

/** One request on the wire, its outcome, and the log entries for it. */
async function tryOnce(wiring: Wiring, request: ConnectWiseRequest, url: string): Promise<Outcome> {
  const { timeoutMs, startDeadline } = wiring.options;
  const path = pathOf(url);
  const context: ConnectWiseErrorContext = {
    operation: request.operation,
    method: request.method,
    path,
    read: request.read,
  };
  const at = new Date();
  const started = performance.now();
  const wire = { url, method: request.method, headers: wiring.headers, body: request.body };
  const sent = await sendWithDeadline(wiring.instance, wire, timeoutMs, startDeadline);
  const outcome: Outcome =
    'answer' in sent
      ? readAnswer(sent.answer, context, wiring.redact)
      : { ok: false, status: null, error: transportError(sent.failure, context, timeoutMs) };
  await logTry(wiring, request, path, at, Math.round(performance.now() - started), outcome);
  return outcome;
}

async function logTry(
  wiring: Wiring,
  request: ConnectWiseRequest,
  path: string,
  at: Date,
  durationMs: number,
  outcome: Outcome,
): Promise<void> {
  const { operation, method } = request;
  const { status } = outcome;
  wiring.options.logger?.debug({ operation, method, path, status, durationMs }, 'connectwise call');
  await wiring.apiLog.write({
    at,
    operation,
    method,
    path,
    status,
    ok: outcome.ok,
    durationMs,
    error: outcome.ok ? null : describe(outcome.error),
    errorKind: outcome.ok ? null : outcome.error.kind,
  });
}

function describe(error: { readonly message: string; readonly messages: readonly string[] }): string {
  return error.messages.length > 0 ? `${error.message} ${error.messages.join(' | ')}` : error.message;
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
