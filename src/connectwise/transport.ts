import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import {
  ConnectWiseUnavailableError,
  errorFromResponse,
  type ConnectWiseError,
  type ConnectWiseErrorContext,
} from './errors.ts';
import type { ConnectWiseCredentials } from './types.ts';

/**
 * One HTTP exchange with ConnectWise, and nothing more: the request as it goes on the wire, a
 * deadline on the whole exchange, and the answer read into a result or one of the errors of
 * `errors.ts`. Retries and the API call log are `http.ts`'s business.
 */

export type HttpMethod = 'GET' | 'POST' | 'PATCH';

/**
 * The model version asked for in `Accept`. Without one, each endpoint answers with its newest model,
 * and ConnectWise tells production integrations to pin one (docs/connectwise.md, Base URL and
 * versions). 2025.1 is the version of the OpenAPI description the field names here were checked
 * against; every field the client reads is older than that. Unverified: how a site older than the
 * pinned version answers it. Replaceable per client (`modelVersion`).
 */
export const DEFAULT_MODEL_VERSION = '2025.1';

/**
 * An axios instance that leaves every judgement of the answer to us. No axios `timeout`: the
 * deadline of the whole exchange (`sendWithDeadline`) alone decides when a request is given up.
 */
export function createAxios(): AxiosInstance {
  return axios.create({
    // Statuses are ours to judge; axios must not build errors that carry the request headers.
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    // A redirect would carry the Authorization header to wherever it points.
    maxRedirects: 0,
  });
}

/** `Basic base64(companyId+publicKey:privateKey)` (docs/connectwise.md, Authentication). */
export function basicAuthorization(credentials: ConnectWiseCredentials): string {
  const user = `${credentials.companyId}+${credentials.publicKey}`;
  return `Basic ${Buffer.from(`${user}:${credentials.privateKey}`, 'utf8').toString('base64')}`;
}

/** The headers of every request. */
export function requestHeaders(
  credentials: ConnectWiseCredentials,
  modelVersion: string,
): Readonly<Record<string, string>> {
  return {
    Authorization: basicAuthorization(credentials),
    clientId: credentials.clientId,
    Accept: `application/vnd.connectwise.com+json; version=${modelVersion}`,
    'Content-Type': 'application/json',
  };
}

export interface WireRequest {
  readonly url: string;
  readonly method: HttpMethod;
  readonly headers: Readonly<Record<string, string>>;
  /** Sent as JSON; undefined sends no body. */
  readonly body: unknown;
}

/** ConnectWise's answer as it came, whatever the status. */
export interface RawAnswer {
  readonly status: number;
  readonly text: string;
  readonly retryAfter: string | undefined;
  /** The `Link` header (paging), when there was one. */
  readonly link: string | undefined;
}

/** The deadline of one exchange: `signal` aborts it; `clear` once it ended before that. */
export interface Deadline {
  readonly signal: AbortSignal;
  clear(): void;
}

/**
 * Starts the deadline of one exchange as it is sent. The app's is `timerDeadline`; a test may end
 * an exchange at a point of its choosing instead, where a wall-clock timer would race the machine.
 */
export type StartDeadline = (request: WireRequest, timeoutMs: number) => Deadline;

/** `timeoutMs` after the request is sent. */
export const timerDeadline: StartDeadline = (_request, timeoutMs) => {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
};

/**
 * Sends one request and waits at most until the deadline for the whole exchange. Resolves with the
 * answer, or with what was thrown instead of one (a connection error, the deadline).
 */
export async function sendWithDeadline(
  instance: AxiosInstance,
  request: WireRequest,
  timeoutMs: number,
  startDeadline: StartDeadline = timerDeadline,
): Promise<{ readonly answer: RawAnswer } | { readonly failure: unknown }> {
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

/** What one exchange came to. */
export type Outcome =
  | { readonly ok: true; readonly status: number; readonly data: unknown; readonly link: string | undefined }
  | { readonly ok: false; readonly status: number | null; readonly error: ConnectWiseError };

/** Reads an answer into the parsed JSON (2xx) or the error it stands for. Pure. */
export function readAnswer(
  answer: RawAnswer,
  context: ConnectWiseErrorContext,
  redact: (text: string) => string,
): Outcome {
  const { status } = answer;
  const json = parseJson(answer.text);
  if (status >= 200 && status < 300) {
    if (json !== NOT_JSON) return { ok: true, status, data: json, link: answer.link };
    const error = new ConnectWiseUnavailableError(
      'bad_response',
      status,
      { code: null, messages: [], fieldErrors: [] },
      context,
      'ConnectWise answered with something that is not JSON.',
    );
    return { ok: false, status, error };
  }
  const body = json === NOT_JSON ? undefined : json;
  const error = errorFromResponse({ status, body, retryAfter: answer.retryAfter, redact }, context);
  return { ok: false, status, error };
}

/** A failure before any HTTP answer. The axios error is dropped: its config holds the Authorization header. */
export function transportError(e: unknown, context: ConnectWiseErrorContext, timeoutMs: number): ConnectWiseError {
  const code = typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : undefined;
  const empty = { code: null, messages: [], fieldErrors: [] };
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED' || axios.isCancel(e)) {
    const limit = timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} seconds` : `${timeoutMs} ms`;
    return new ConnectWiseUnavailableError(
      'timeout',
      null,
      empty,
      context,
      `ConnectWise did not answer within ${limit}.`,
    );
  }
  return new ConnectWiseUnavailableError(
    'network',
    null,
    empty,
    context,
    `ConnectWise could not be reached${code ? ` (${code})` : ''}.`,
  );
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
