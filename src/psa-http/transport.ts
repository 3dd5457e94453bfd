import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { parseRetryAfter } from './retry-after.ts';

/**
 * One HTTP exchange with a PSA, and nothing more: the request as it goes on the wire, a deadline on
 * the whole exchange, and the answer read into a result or the client's error. Which error an
 * answer stands for is the client's (`AnswerReading`); retries and the API call log are
 * `exchange.ts`'s and the client's `http.ts`'s business.
 */

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
    // A redirect would carry the credential headers (Autotask's Secret, ConnectWise's
    // Authorization) to wherever it points.
    maxRedirects: 0,
  });
}

/** `Method` is the client's own list of the verbs it sends. */
export interface WireRequest<Method extends string = string> {
  readonly url: string;
  readonly method: Method;
  readonly headers: Readonly<Record<string, string>>;
  /** Sent as JSON; undefined sends no body. */
  readonly body: unknown;
}

/** The PSA's answer as it came, whatever the status. */
export interface RawAnswer {
  readonly status: number;
  readonly text: string;
  readonly retryAfter: string | undefined;
  /** The `Link` header (ConnectWise's paging), when there was one. */
  readonly link: string | undefined;
}

/** The deadline of one exchange: `signal` aborts it; `clear` once it ended before that. */
export interface Deadline {
  readonly signal: AbortSignal;
  clear(): void;
}

/**
 * Starts the deadline of one exchange as it is sent. The app's is `timerDeadline`; a test may end
 * an exchange at a point of its choosing instead (after a simulator applied a request it never
 * answers), where a wall-clock timer would race the machine's speed.
 */
export type StartDeadline<Method extends string = string> = (
  request: WireRequest<Method>,
  timeoutMs: number,
) => Deadline;

/** `timeoutMs` after the request is sent. */
export const timerDeadline: StartDeadline = (_request, timeoutMs) => {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
};

/** What `sendWithDeadline` came back with: the answer, or what was thrown instead of one. */
export type Sent = { readonly answer: RawAnswer } | { readonly failure: unknown };

/**
 * Sends one request and waits at most `timeoutMs` for the whole exchange. Resolves with the answer,
 * or with what was thrown instead of one (a connection error, the deadline).
 */
export async function sendWithDeadline<Method extends string>(
  instance: AxiosInstance,
  request: WireRequest<Method>,
  timeoutMs: number,
  startDeadline: StartDeadline<Method> = timerDeadline,
): Promise<Sent> {
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
        link: headerValue(response, 'link'),
      },
    };
  } catch (e) {
    return { failure: e };
  } finally {
    deadline.clear();
  }
}

/**
 * What one exchange came to. `link` is the answer's `Link` header; `retryAfterSeconds` the failed
 * answer's `Retry-After`, for a retry policy whose errors do not carry it.
 */
export type Outcome<E> =
  | { readonly ok: true; readonly status: number; readonly data: unknown; readonly link: string | undefined }
  | {
      readonly ok: false;
      readonly status: number | null;
      readonly error: E;
      readonly retryAfterSeconds: number | null;
    };

/** A failed outcome. */
export type Failure<E> = Extract<Outcome<E>, { readonly ok: false }>;

/** How the client turns an answer into its errors. */
export interface AnswerReading<E> {
  /** A 2xx answer whose body is not JSON. */
  notJson(status: number): E;
  /** Any other status; `body` is the parsed JSON, or undefined when it was not JSON. */
  failed(failure: { readonly status: number; readonly body: unknown; readonly retryAfter: string | undefined }): E;
}

/** Reads an answer into the parsed JSON (2xx) or the error it stands for. Pure. */
export function readAnswer<E>(answer: RawAnswer, reading: AnswerReading<E>): Outcome<E> {
  const { status } = answer;
  const json = parseJson(answer.text);
  if (status >= 200 && status < 300) {
    if (json !== NOT_JSON) return { ok: true, status, data: json, link: answer.link };
    return { ok: false, status, error: reading.notJson(status), retryAfterSeconds: null };
  }
  const body = json === NOT_JSON ? undefined : json;
  const error = reading.failed({ status, body, retryAfter: answer.retryAfter });
  return { ok: false, status, error, retryAfterSeconds: parseRetryAfter(answer.retryAfter) };
}

/** A failure before any HTTP answer, as the client's unavailable error needs it. */
export interface TransportFailure {
  readonly reason: 'timeout' | 'network';
  /** `<psa> did not answer within 30 seconds.`, `<psa> could not be reached (ECONNRESET).` */
  readonly message: string;
}

/**
 * Which way an exchange failed without an answer. Only the error's `code` is read: the axios error
 * itself is dropped, its config holds the credential headers.
 */
export function transportFailure(e: unknown, psa: string, timeoutMs: number): TransportFailure {
  const code = typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : undefined;
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED' || axios.isCancel(e)) {
    const limit = timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} seconds` : `${timeoutMs} ms`;
    return { reason: 'timeout', message: `${psa} did not answer within ${limit}.` };
  }
  return { reason: 'network', message: `${psa} could not be reached${code ? ` (${code})` : ''}.` };
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
  if (Array.isArray(value)) return value.filter((v) => typeof v === 'string').join(', ');
  return undefined;
}
