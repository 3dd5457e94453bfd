/**
 * Test helpers the simulators' tests share (`@backupchecks/simulator-kit/testing`): a settable clock, one simulator
 * per test file, and a tiny HTTP client. Each simulator's test/helpers.ts adds its URLs, credentials and answer shapes.
 */
import { afterAll, beforeEach } from 'vitest';

export interface TestClock {
  (): Date;
  set(iso: string): void;
  advance(ms: number): void;
}

/** A settable clock, so dates in answers (ticket numbers, completion dates) are predictable. */
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

/**
 * The simulator a test file's tests share, started as the file loads (`await` it at the top of the file): reset to
 * its seed before each test unless `reset` is false, closed after the last.
 */
export async function sharedSimulator<Sim extends { reset(): void; close(): Promise<void> }>(
  started: Promise<Sim>,
  options: { reset?: boolean } = {},
): Promise<Sim> {
  const sim = await started;
  afterAll(() => sim.close());
  if (options.reset ?? true) {
    beforeEach(() => {
      sim.reset();
    });
  }
  return sim;
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
  /** Send no credentials. */
  anonymous?: boolean;
  timeoutMs?: number;
}

/** One HTTP call with the simulator's credential headers (`auth`) unless anonymous; a string body is sent as is. */
export async function callApi<T = unknown>(
  method: string,
  url: string,
  auth: Record<string, string>,
  options: CallOptions = {},
): Promise<CallResult<T>> {
  const headers: Record<string, string> = {
    ...(options.anonymous ? {} : auth),
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
