/** Shared helpers for the simulator tests: a simulator on an ephemeral port and a tiny HTTP client. */
import { startSimulator, type Simulator, type StartSimulatorOptions } from '../src/index.ts';

export interface TestClock {
  (): Date;
  set(iso: string): void;
  advance(ms: number): void;
}

/** A settable clock, so ticket numbers and completedDate are predictable. */
export function testClock(start = '2026-03-04T10:00:00.000Z'): TestClock {
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

export async function startTestSimulator(options: StartSimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ clock: testClock(), ...options });
}

export interface CallResult<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  /**
   * Parsed JSON body in the shape the caller names (one of the bodies below; not checked: the
   * assertions do that), or undefined when the body is not JSON.
   */
  json: T;
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

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Send no credential headers. */
  anonymous?: boolean;
  timeoutMs?: number;
}

export function authHeaders(sim: Simulator): Record<string, string> {
  return {
    ApiIntegrationCode: sim.credentials.integrationCode,
    UserName: sim.credentials.username,
    Secret: sim.credentials.secret,
  };
}

/** `path` is relative to the API URL (`V1.0/Tickets/1`) or absolute (a nextPageUrl). */
export async function call<T = unknown>(
  sim: Simulator,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<CallResult<T>> {
  const url = /^https?:/.test(path) ? path : `${sim.apiUrl}${path}`;
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
