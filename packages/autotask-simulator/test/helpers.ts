/**
 * Shared helpers for the simulator tests: a simulator on an ephemeral port and a tiny HTTP client, on the simulator
 * kit's (`@backupchecks/simulator-kit/testing`), with Autotask's URLs, credentials and answer shapes.
 */
import {
  callApi,
  sharedSimulator,
  testClock,
  type CallOptions,
  type CallResult,
} from '@backupchecks/simulator-kit/testing';
import { startSimulator, type Simulator, type StartSimulatorOptions } from '../src/index.ts';

export { testClock, type CallOptions, type CallResult, type TestClock } from '@backupchecks/simulator-kit/testing';

export async function startTestSimulator(options: StartSimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ clock: testClock(), ...options });
}

/** The simulator a test file shares (see sharedSimulator): reset before each test unless `reset` is false. */
export function useTestSimulator(options: StartSimulatorOptions = {}, lifecycle: { reset?: boolean } = {}) {
  return sharedSimulator(startTestSimulator(options), lifecycle);
}

/** The API's response bodies (docs/autotask.md), as far as the tests read them. */
export type WireRecord = Record<string, unknown>;
export interface ItemBody {
  item: WireRecord;
}
export interface ItemsBody {
  items: WireRecord[];
  pageDetails: { count: number; requestCount: number; prevPageUrl: string | null; nextPageUrl: string | null };
}
export interface ItemIdBody {
  itemId: number;
}
export interface CountBody {
  queryCount: number;
}
export interface ErrorsBody {
  errors: string[];
}
/** A supertest response's JSON body in the shape the caller names (supertest types it `any`). */
export function bodyOf<T>(res: { body: unknown }): T {
  return res.body as T;
}

export interface ThresholdBody {
  externalRequestThreshold: number;
  requestThresholdTimeframe: number;
  currentTimeframeRequestCount: number;
}

export function authHeaders(sim: Simulator): Record<string, string> {
  return {
    ApiIntegrationCode: sim.credentials.integrationCode,
    UserName: sim.credentials.username,
    Secret: sim.credentials.secret,
  };
}

/** `path` is relative to the API URL (`V1.0/Tickets/1`) or absolute (a nextPageUrl). */
export function call<T = unknown>(
  sim: Simulator,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<CallResult<T>> {
  return callApi<T>(method, /^https?:/.test(path) ? path : `${sim.apiUrl}${path}`, authHeaders(sim), options);
}

export const post = <T = unknown>(sim: Simulator, path: string, body: unknown, options: CallOptions = {}) =>
  call<T>(sim, 'POST', path, { ...options, body });
export const get = <T = unknown>(sim: Simulator, path: string, options: CallOptions = {}) =>
  call<T>(sim, 'GET', path, options);

/** GET query with `?search=`. */
export const getQuery = <T = unknown>(sim: Simulator, entity: string, search: unknown) =>
  get<T>(sim, `V1.0/${entity}/query?search=${encodeURIComponent(JSON.stringify(search))}`);

/** Ids returned by a POST query with the given filter. */
export async function queryIds(sim: Simulator, entity: string, filter: unknown[]): Promise<number[]> {
  const result = await post<ItemsBody>(sim, `V1.0/${entity}/query`, { filter });
  if (result.status !== 200) throw new Error(`query failed: ${result.status} ${result.text}`);
  return (result.json.items as { id: number }[]).map((i) => i.id);
}

export const validTicket = {
  companyID: 105,
  title: 'Backup failed on FS01',
  status: 1,
  priority: 2,
  queueID: 29683482,
};
