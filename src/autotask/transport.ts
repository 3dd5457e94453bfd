import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import {
  AutotaskUnavailableError,
  errorFromResponse,
  parseRetryAfter,
  type AutotaskError,
  type AutotaskErrorContext,
} from './errors.ts';
import type { AutotaskCredentials } from './types.ts';

/**
 * One HTTP exchange with Autotask, and nothing more: the request as it goes on the wire, a deadline
 * on the whole exchange, and the answer read into a result or one of the errors of `errors.ts`.
 * Retries, the thread limit, zones and the API call log are `http.ts`'s business.
 */

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT';

/**
 * An axios instance that leaves every judgement of the answer to us. No axios `timeout`: in Node
 * that is a socket idle timer, which the deadline of the whole exchange (`sendWithDeadline`)
 * always beats, so the deadline alone decides when a request is given up.
 */
export function createAxios(): AxiosInstance {
  return axios.create({
    // Statuses are ours to judge; axios must not build errors that carry the request headers.
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    // A redirect would carry the Secret header to wherever it points.
    maxRedirects: 0,
  });
}

/** The headers of every authenticated request. */
export function credentialHeaders(credentials: AutotaskCredentials): Readonly<Record<string, string>> {
  return {
    ApiIntegrationCode: credentials.integrationCode,
    UserName: credentials.username,
    Secret: credentials.secret,
    'Content-Type': 'application/json',
    Accept: 'application/json',
  };
}

/** The zone lookup is anonymous: it must never see the credentials. */
export const ANONYMOUS_HEADERS: Readonly<Record<string, string>> = { Accept: 'application/json' };

export interface WireRequest {
  readonly url: string;
  readonly method: HttpMethod;
  readonly headers: Readonly<Record<string, string>>;
  /** Sent as JSON; undefined sends no body. */
  readonly body: unknown;
}

/** Autotask's answer as it came, whatever the status. */
export interface RawAnswer {
  readonly status: number;
  readonly text: string;
  readonly retryAfter: string | undefined;
}

/** The deadline of one exchange: `signal` aborts it; `clear` once it ended before that. */
export interface Deadline {
  readonly signal: AbortSignal;
  clear(): void;
}

/**
 * Starts the deadline of one exchange as it is sent. The app's is `timerDeadline`; a test may end
 * an exchange at a point of its choosing instead (after the simulator applied a request it never
 * answers), where a wall-clock timer would race the machine's speed.
 */
export type StartDeadline = (request: WireRequest, timeoutMs: number) => Deadline;

/** `timeoutMs` after the request is sent. */
export const timerDeadline: StartDeadline = (_request, timeoutMs) => {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
};

/**
 * Sends one request and waits at most `timeoutMs` for the whole exchange. Resolves with the answer,
 * or with what was thrown instead of one (a connection error, the deadline).
 */
export async function sendWithDeadline(
  instance: AxiosInstance,
  request: WireRequest,
  timeoutMs: number,
  startDeadline: StartDeadline = timerDeadline,
): Promise<{ readonly answer: RawAnswer } | { readonly failure: unknown }> {
  // The whole exchange, from the moment it is sent (not a socket idle timeout).
  const deadline = startDeadline(request, timeoutMs);
  try {
    const response = await instance.request<string>({
      url: request.url,
      method: request.method,
      headers: { ...request.headers },
      data: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: deadline.signal,
    });
    return {
      answer: {
        status: response.status,
        text: typeof response.data === 'string' ? response.data : '',
        retryAfter: headerValue(response, 'retry-after'),
      },
    };
  } catch (e) {
    return { failure: e };
  } finally {
    deadline.clear();
  }
}

/** What one exchange came to. `retryAfterSeconds` is the answer's `Retry-After`, for the retry policy. */
export type Outcome =
  | { readonly ok: true; readonly status: number; readonly data: unknown }
  | {
      readonly ok: false;
      readonly status: number | null;
      readonly error: AutotaskError;
      readonly retryAfterSeconds: number | null;
    };

/** Reads an answer into the parsed JSON (2xx) or the error it stands for. Pure. */
export function readAnswer(
  answer: RawAnswer,
  context: AutotaskErrorContext,
  options: { readonly isZoneLookup: boolean; readonly redact: (text: string) => string },
): Outcome {
  const { status } = answer;
  const json = parseJson(answer.text);
  if (status >= 200 && status < 300) {
    if (json !== NOT_JSON) return { ok: true, status, data: json };
    const error = new AutotaskUnavailableError(
      'bad_response',
      status,
      [],
      context,
      'Autotask answered with something that is not JSON.',
    );
    return { ok: false, status, error, retryAfterSeconds: null };
  }
  const error = errorFromResponse(
    {
      status,
      body: json === NOT_JSON ? undefined : json,
      retryAfter: answer.retryAfter,
      isZoneLookup: options.isZoneLookup,
      redact: options.redact,
    },
    context,
  );
  return { ok: false, status, error, retryAfterSeconds: parseRetryAfter(answer.retryAfter) };
}

/** A failure before any HTTP answer. The axios error is dropped: its config holds the Secret header. */
export function transportError(e: unknown, context: AutotaskErrorContext, timeoutMs: number): AutotaskUnavailableError {
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

/** Path without host and query string: what the API log and errors show. */
export function pathOf(url: string): string {
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
