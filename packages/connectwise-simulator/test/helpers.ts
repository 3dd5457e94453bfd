/**
 * Shared helpers for the simulator tests: a simulator on an ephemeral port and a tiny HTTP client, on the simulator
 * kit's (`@backupchecks/simulator-kit/testing`), with ConnectWise's URLs, credentials and answer shapes.
 */
import {
  callApi,
  sharedSimulator,
  testClock,
  type CallOptions,
  type CallResult,
} from '@backupchecks/simulator-kit/testing';
import {
  startConnectWiseSimulator,
  type ConnectWiseSimulator,
  type StartConnectWiseSimulatorOptions,
} from '../src/index.ts';

export { testClock, type CallOptions, type CallResult, type TestClock } from '@backupchecks/simulator-kit/testing';

export async function startTestSimulator(
  options: StartConnectWiseSimulatorOptions = {},
): Promise<ConnectWiseSimulator> {
  return startConnectWiseSimulator({ clock: testClock(), ...options });
}

/** The simulator a test file shares (see sharedSimulator), reset before each test. */
export function useTestSimulator(options: StartConnectWiseSimulatorOptions = {}) {
  return sharedSimulator(startTestSimulator(options));
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

export function authHeaders(sim: ConnectWiseSimulator): Record<string, string> {
  const { companyId, publicKey, privateKey, clientId } = sim.credentials;
  return {
    Authorization: `Basic ${Buffer.from(`${companyId}+${publicKey}:${privateKey}`).toString('base64')}`,
    clientId,
  };
}

/** `path` is relative to the API base (`service/tickets/1001`) or absolute (a Link URL); anonymous: no Authorization and no clientId. */
export function call<T = unknown>(
  sim: ConnectWiseSimulator,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<CallResult<T>> {
  return callApi<T>(method, /^https?:/.test(path) ? path : `${sim.baseUrl}/${path}`, authHeaders(sim), options);
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
