/** Shared helpers for the simulator tests: a simulator on an ephemeral port and a tiny HTTP client. */
import {
  startConnectWiseSimulator,
  type ConnectWiseSimulator,
  type StartConnectWiseSimulatorOptions,
} from '../src/index.ts';

export interface TestClock {
  (): Date;
  set(iso: string): void;
  advance(ms: number): void;
}

/** A settable clock, so dates in answers are predictable. */
export function testClock(start = '2026-03-04T10:00:00Z'): TestClock {
  let now = new Date(start);
  const clock = (() => new Date(now)) as TestClock;
  clock.set = (iso) => {
    now = new Date(iso);
  };
  clock.advance = (ms) => {
    now = new Date(now.getTime() + ms);
  };
  return clock;
}

export async function startTestSimulator(
  options: StartConnectWiseSimulatorOptions = {},
): Promise<ConnectWiseSimulator> {
  return startConnectWiseSimulator({ clock: testClock(), ...options });
}

/** ConnectWise's answers as far as the tests read them (docs/connectwise.md). */
export type WireRecord = Record<string, unknown> & { id: number };
export interface ErrorBody {
  code: string;
  message: string;
  errors?: { code: string; message: string; resource: string; field: string }[];
}
export interface CountBody {
  count: number;
}

export interface CallResult<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body in the shape the caller names (not checked: the assertions do that); undefined if not JSON. */
  json: T;
}

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Send no Authorization and no clientId. */
  anonymous?: boolean;
  timeoutMs?: number;
}

export function authHeaders(sim: ConnectWiseSimulator): Record<string, string> {
  const { companyId, publicKey, privateKey, clientId } = sim.credentials;
  return {
    Authorization: `Basic ${Buffer.from(`${companyId}+${publicKey}:${privateKey}`).toString('base64')}`,
    clientId,
  };
}

/** `path` is relative to the API base (`service/tickets/1001`) or absolute (a Link URL). */
export async function call<T = unknown>(
  sim: ConnectWiseSimulator,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<CallResult<T>> {
  const url = /^https?:/.test(path) ? path : `${sim.baseUrl}/${path}`;
  const headers: Record<string, string> = {
    ...(options.anonymous ? {} : authHeaders(sim)),
    ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
    ...options.headers,
  };
  const response = await fetch(url, {
    method,
    headers,
    ...(options.body === undefined
      ? {}
      : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
    signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json: json as T };
}

export const get = <T = unknown>(sim: ConnectWiseSimulator, path: string, options: CallOptions = {}) =>
  call<T>(sim, 'GET', path, options);
export const post = <T = unknown>(sim: ConnectWiseSimulator, path: string, body: unknown, options: CallOptions = {}) =>
  call<T>(sim, 'POST', path, { ...options, body });
export const patch = <T = unknown>(sim: ConnectWiseSimulator, path: string, body: unknown, options: CallOptions = {}) =>
  call<T>(sim, 'PATCH', path, { ...options, body });

/** `GET {resource}?conditions=…` (plus other parameters); the ids returned, in order. */
export async function ids(
  sim: ConnectWiseSimulator,
  resource: string,
  conditions: string,
  extra: Record<string, string> = {},
): Promise<number[]> {
  const query = new URLSearchParams({ conditions, ...extra });
  const result = await get<WireRecord[]>(sim, `${resource}?${query.toString()}`);
  if (result.status !== 200) throw new Error(`query failed: ${result.status} ${result.text}`);
  return result.json.map((r) => r.id);
}

/** POST to the control API. */
export async function control<T = unknown>(sim: ConnectWiseSimulator, path: string, body: unknown = {}) {
  const response = await fetch(`${sim.controlUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5_000),
  });
  return { status: response.status, json: (await response.json()) as T };
}

export const validTicket = {
  summary: 'Backup failed on FS01',
  board: { id: 1 },
  company: { id: 250 },
  externalXRef: 'bc-run-1',
};
