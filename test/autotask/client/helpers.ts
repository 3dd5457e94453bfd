import nock from 'nock';
import {
  createAutotaskClient,
  createEndpointLimiter,
  InMemoryApiCallRecorder,
  InMemoryZoneCache,
  type AutotaskClient,
  type AutotaskClientOptions,
} from '../../../src/autotask/client.ts';
import { instantSleep } from '../../psa-http/helpers.ts';

export { rejection, socketError, useNock } from '../../psa-http/helpers.ts';

/** Shared fixtures for the Autotask client tests: fake credentials, a zone, nock scopes. */

export const CREDENTIALS = {
  username: 'api.user+bc@example.com',
  secret: 'Zq8$topSecret-Value_42',
  integrationCode: 'TESTINTEGRATIONCODE12345678',
} as const;

export const LOOKUP_HOST = 'https://webservices.autotask.net';
export const LOOKUP_PATH = '/ATServicesRest/V1.0/zoneInformation';
export const ZONE_HOST = 'https://webservices5.autotask.net';
export const API = '/ATServicesRest/V1.0';

/** The official example shape: trailing slashes, plus `ci`. */
export const ZONE_ANSWER = {
  zoneName: 'America West',
  url: `${ZONE_HOST}/ATServicesRest/`,
  webUrl: 'https://ww5.autotask.net/',
  ci: 30595,
};

/** The zone lookup, answered `times` times. */
export function mockZoneLookup(answer: object = ZONE_ANSWER, times = 1): nock.Scope {
  return nock(LOOKUP_HOST).get(LOOKUP_PATH).query({ user: CREDENTIALS.username }).times(times).reply(200, answer);
}

/** A scope on the zone's API host that only matches requests carrying all credential headers. */
export function api(host: string = ZONE_HOST): nock.Scope {
  return nock(host, {
    reqheaders: {
      ApiIntegrationCode: CREDENTIALS.integrationCode,
      UserName: CREDENTIALS.username,
      Secret: CREDENTIALS.secret,
      'Content-Type': 'application/json',
    },
  });
}

/** A zone cache that already knows the zone: for tests with very short timeouts, which a lookup could exceed. */
export function seededZoneCache(): InMemoryZoneCache {
  const cache = new InMemoryZoneCache();
  void cache.set(CREDENTIALS.username, {
    zoneName: ZONE_ANSWER.zoneName,
    apiUrl: ZONE_ANSWER.url,
    webUrl: ZONE_ANSWER.webUrl,
    checkedAt: new Date(),
  });
  return cache;
}

export interface TestClient {
  readonly client: AutotaskClient;
  readonly recorder: InMemoryApiCallRecorder;
  readonly zoneCache: InMemoryZoneCache;
  readonly sleeps: number[];
}

/** A client with its own limiter and instant retry sleeps (the requested delays are kept in `sleeps`). */
export function makeClient(overrides: Partial<AutotaskClientOptions> = {}): TestClient {
  const recorder = new InMemoryApiCallRecorder();
  const zoneCache = overrides.zoneCache instanceof InMemoryZoneCache ? overrides.zoneCache : new InMemoryZoneCache();
  const { sleeps, sleep } = instantSleep();
  const client = createAutotaskClient({
    credentials: CREDENTIALS,
    environment: 'production',
    recorder,
    zoneCache,
    logLevel: 'all',
    limiter: createEndpointLimiter(),
    retry: { sleep },
    ...overrides,
  });
  return { client, recorder, zoneCache, sleeps };
}
