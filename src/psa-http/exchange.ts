import type { AxiosInstance } from 'axios';
import { createApiLog, createRedactor, type ApiCallRecorder, type ApiLog, type ApiLogLevel } from './api-log.ts';
import type { PsaCallError } from './errors.ts';
import type { PsaLogger } from './logger.ts';
import { retrying, type RetryDecision, type Retrying, type RetryOptions } from './retry.ts';
import {
  createAxios,
  pathOf,
  sendWithDeadline,
  timerDeadline,
  type Failure,
  type Outcome,
  type RawAnswer,
  type StartDeadline,
} from './transport.ts';

/**
 * The steps every PSA client takes with each request, whatever the PSA:
 *
 *   withRetries    one try, and the client's retry policy deciding about another (reads only)
 *   exchangeOnce   the wire request (`transport.ts`) → its outcome → the debug log and API call log
 *
 * A small loop rather than an axios retry interceptor: each try must be its own API log entry and
 * must see the client's mapped errors, which an interceptor cannot do without the same amount of
 * glue. What travels around these steps (credentials, URLs, zones, thread slots) is the client's.
 */

/** The options every PSA client takes for its HTTP, next to its own (credentials, site or zone, …). */
export interface PsaClientOptions<Kind extends string, Method extends string> {
  /** Deadline of one request, from sending to the whole answer. Default 30 s. */
  readonly timeoutMs?: number | undefined;
  readonly recorder?: ApiCallRecorder<Kind> | undefined;
  /** What goes to `recorder`. Default `errors`. */
  readonly logLevel?: ApiLogLevel | undefined;
  readonly logger?: PsaLogger | undefined;
  /** Retry tuning for reads, with the sleep and random to use; tests shorten or record the waits. */
  readonly retry?: RetryOptions | undefined;
  /** When a request is given up. Default: `timeoutMs` after it is sent (`timerDeadline`). */
  readonly startDeadline?: StartDeadline<Method> | undefined;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Everything the steps share; built once per client. */
export interface Exchanger<Kind extends string, Method extends string> extends Retrying {
  readonly label: string;
  readonly timeoutMs: number;
  readonly logger: PsaLogger | undefined;
  readonly startDeadline: StartDeadline<Method>;
  readonly instance: AxiosInstance;
  readonly redact: (text: string) => string;
  readonly apiLog: ApiLog<Kind>;
}

/**
 * The client's HTTP set up from its options. `label` starts its log messages (`autotask`,
 * `connectwise`); `secrets` are blanked in every text the API call log keeps.
 */
export function createExchanger<Kind extends string, Method extends string>(
  label: string,
  secrets: readonly string[],
  options: PsaClientOptions<Kind, Method>,
): Exchanger<Kind, Method> {
  const { recorder, logger } = options;
  const redact = createRedactor(secrets);
  return {
    label,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    logger,
    startDeadline: options.startDeadline ?? timerDeadline,
    instance: createAxios(),
    redact,
    apiLog: createApiLog({ recorder, level: options.logLevel ?? 'errors', redact, logger, label }),
    ...retrying(options.retry),
  };
}

/** One request as it goes on the wire, named for the logs. */
export interface Call<Method extends string> {
  /** Client operation name for errors and the API log, e.g. `companies.get`. */
  readonly operation: string;
  readonly method: Method;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Sent as JSON; undefined sends no body. */
  readonly body: unknown;
}

/** How the client reads what came back into its outcome and errors. */
export interface Reading<E> {
  /** An answer, whatever its status. */
  answer(raw: RawAnswer): Outcome<E>;
  /** What was thrown instead of an answer (a connection error, the deadline). */
  failure(thrown: unknown): E;
}

/** One request on the wire, its outcome, and the log entries for it. */
export async function exchangeOnce<Kind extends string, Method extends string, E extends PsaCallError<Kind>>(
  exchanger: Exchanger<Kind, Method>,
  call: Call<Method>,
  reading: Reading<E>,
): Promise<Outcome<E>> {
  const { url, method, headers, body } = call;
  const at = new Date();
  const started = performance.now();
  const sent = await sendWithDeadline(
    exchanger.instance,
    { url, method, headers, body },
    exchanger.timeoutMs,
    exchanger.startDeadline,
  );
  const outcome: Outcome<E> =
    'answer' in sent
      ? reading.answer(sent.answer)
      : { ok: false, status: null, error: reading.failure(sent.failure), retryAfterSeconds: null };
  await logTry(exchanger, call, at, Math.round(performance.now() - started), outcome);
  return outcome;
}

async function logTry<Kind extends string, Method extends string, E extends PsaCallError<Kind>>(
  exchanger: Exchanger<Kind, Method>,
  call: Call<Method>,
  at: Date,
  durationMs: number,
  outcome: Outcome<E>,
): Promise<void> {
  const { operation, method } = call;
  const path = pathOf(call.url);
  const { status } = outcome;
  exchanger.logger?.debug({ operation, method, path, status, durationMs }, `${exchanger.label} call`);
  await exchanger.apiLog.write({
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

/**
 * Tries until one succeeds or the client's policy says stop: `decide` gets the number of the try
 * that failed (1 for the first) and its outcome. The last failure's error is thrown.
 */
export async function withRetries<E extends PsaCallError<string>>(
  exchanger: Pick<Exchanger<string, string>, 'label' | 'logger' | 'sleep'>,
  operation: string,
  tryOnce: () => Promise<Outcome<E>>,
  decide: (attempt: number, failed: Failure<E>) => RetryDecision,
): Promise<Extract<Outcome<E>, { readonly ok: true }>> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await tryOnce();
    if (outcome.ok) return outcome;
    const decision = decide(attempt, outcome);
    if (!decision.retry) throw outcome.error;
    exchanger.logger?.warn(
      { operation, try: attempt, delayMs: decision.delayMs, status: outcome.error.status },
      `${exchanger.label}: read failed, trying again`,
    );
    await exchanger.sleep(decision.delayMs);
  }
}
