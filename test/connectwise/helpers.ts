import { afterAll, afterEach, beforeAll } from 'vitest';
import nock from 'nock';
import {
  createConnectWiseClient,
  InMemoryApiCallRecorder,
  type ConnectWiseClient,
  type ConnectWiseClientOptions,
} from '../../src/connectwise/client.ts';

/** Shared fixtures for the ConnectWise client tests: fake credentials, the site, nock scopes. */

export const CREDENTIALS = {
  companyId: 'backupmsp',
  publicKey: 'PubKey7xQ2mN4pL9',
  privateKey: 'Priv8$ecret-Key_42zz',
  clientId: '3f1c0b7e-9a2d-4c55-8e61-0d2b7a9c4e11',
} as const;

export const HOST = 'https://api-eu.myconnectwise.net';
export const API = '/v4_6_release/apis/3.0';
export const BASE_URL = `${HOST}${API}`;

/** `Basic base64("backupmsp+PubKey7xQ2mN4pL9:Priv8$ecret-Key_42zz")`, written out. */
export const AUTHORIZATION = 'Basic YmFja3VwbXNwK1B1YktleTd4UTJtTjRwTDk6UHJpdjgkZWNyZXQtS2V5XzQyeno=';
export const ACCEPT = 'application/vnd.connectwise.com+json; version=2025.1';

/** A scope on the site that only matches requests carrying every expected header. */
export function api(): nock.Scope {
  return nock(HOST, {
    reqheaders: {
      Authorization: AUTHORIZATION,
      clientId: CREDENTIALS.clientId,
      Accept: ACCEPT,
      'Content-Type': 'application/json',
    },
  });
}

export interface TestClient {
  readonly client: ConnectWiseClient;
  readonly recorder: InMemoryApiCallRecorder;
  /** The waits the retry loop asked for (the sleep itself returns at once). */
  readonly sleeps: number[];
}

/** A client with every call recorded and instant retry sleeps. */
export function makeClient(overrides: Partial<ConnectWiseClientOptions> = {}): TestClient {
  const recorder = new InMemoryApiCallRecorder();
  const sleeps: number[] = [];
  const client = createConnectWiseClient({
    baseUrl: BASE_URL,
    credentials: CREDENTIALS,
    recorder,
    logLevel: 'all',
    retry: {
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      random: () => 0.5,
    },
    ...overrides,
  });
  return { client, recorder, sleeps };
}

/** Captures the rejection of a promise, failing when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error('expected the promise to reject');
}

/** An Error as a socket would raise it; nock 14 needs an Error instance to fail the request. */
export function socketError(code: string, message = 'socket hang up'): Error {
  return Object.assign(new Error(message), { code });
}

/** Counts the requests that reach a scope. */
export function countRequests(scope: nock.Scope): { readonly count: number } {
  const counter = { count: 0 };
  scope.on('request', () => counter.count++);
  return counter;
}

/** The raw query string (as sent, still percent-encoded) of each request that reaches a scope. */
export function rawQueries(scope: nock.Scope): string[] {
  const seen: string[] = [];
  scope.on('request', (req: { path: string }) => seen.push(req.path.split('?')[1] ?? ''));
  return seen;
}

/** Every client test runs with the network shut: only what nock answers is reachable. */
export function useNock(): void {
  beforeAll(() => {
    // Nock hooks into http when it is imported; an earlier file in this worker (vitest.config.ts:
    // isolate: false) may have unhooked it again.
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => {
    nock.enableNetConnect();
    // The worker's next file may talk plain HTTP.
    nock.restore();
  });
}
