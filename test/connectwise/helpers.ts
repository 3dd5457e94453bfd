import nock from 'nock';
import {
  createConnectWiseClient,
  InMemoryApiCallRecorder,
  type ConnectWiseClient,
  type ConnectWiseClientOptions,
} from '../../src/connectwise/client.ts';
import { instantSleep } from '../psa-http/helpers.ts';

export { rejection, socketError, useNock } from '../psa-http/helpers.ts';

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
  const { sleeps, sleep } = instantSleep();
  const client = createConnectWiseClient({
    baseUrl: BASE_URL,
    credentials: CREDENTIALS,
    recorder,
    logLevel: 'all',
    retry: { sleep, random: () => 0.5 },
    ...overrides,
  });
  return { client, recorder, sleeps };
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
