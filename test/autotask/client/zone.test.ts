import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { AutotaskAuthenticationError, AutotaskZoneLookupError } from '../../../src/autotask/client.ts';
import { zoneLookupUrl } from '../../../src/autotask/zone.ts';
import {
  API,
  api,
  CREDENTIALS,
  LOOKUP_HOST,
  LOOKUP_PATH,
  makeClient,
  mockZoneLookup,
  rejection,
  ZONE_ANSWER,
  ZONE_HOST,
  useNock,
} from './helpers.ts';

useNock();

const company = { id: 0, companyName: 'Our MSP', isActive: true };

describe('zone lookup', () => {
  it('GETs {lookup}/V1.0/zoneInformation?user=<encoded> without any credential header', async () => {
    let headers: Record<string, unknown> = {};
    let rawPath = '';
    const lookup = nock(LOOKUP_HOST)
      .get(LOOKUP_PATH)
      .query(true)
      .reply(function () {
        headers = this.req.headers;
        rawPath = this.req.path;
        return [200, ZONE_ANSWER];
      });
    const scope = api().get(`${API}/Companies/0`).reply(200, { item: company });
    const { client } = makeClient();
    await client.getCompany(0);
    expect(rawPath).toBe(`${LOOKUP_PATH}?user=${encodeURIComponent(CREDENTIALS.username)}`);
    expect(rawPath).toContain('api.user%2Bbc%40example.com');
    expect(Object.keys(headers).map((h) => h.toLowerCase())).not.toEqual(expect.arrayContaining(['secret']));
    expect(headers).not.toHaveProperty('secret');
    expect(headers).not.toHaveProperty('username');
    expect(headers).not.toHaveProperty('apiintegrationcode');
    lookup.done();
    scope.done();
  });

  it('uses webservices for production and webservices2 for sandbox, unless overridden', () => {
    const user = 'a@b.c';
    expect(zoneLookupUrl('production', user)).toBe(
      'https://webservices.autotask.net/ATServicesRest/V1.0/zoneInformation?user=a%40b.c',
    );
    expect(zoneLookupUrl('sandbox', user)).toBe(
      'https://webservices2.autotask.net/ATServicesRest/V1.0/zoneInformation?user=a%40b.c',
    );
    expect(zoneLookupUrl('sandbox', user, 'http://127.0.0.1:4010/ATServicesRest/')).toBe(
      'http://127.0.0.1:4010/ATServicesRest/V1.0/zoneInformation?user=a%40b.c',
    );
    expect(zoneLookupUrl('sandbox', user, 'http://127.0.0.1:4010/atservicesrest/v1.0')).toBe(
      'http://127.0.0.1:4010/atservicesrest/v1.0/zoneInformation?user=a%40b.c',
    );
    expect(zoneLookupUrl('sandbox', user, 'http://127.0.0.1:4010/ATServicesRest/V1.0/zoneInformation')).toBe(
      'http://127.0.0.1:4010/ATServicesRest/V1.0/zoneInformation?user=a%40b.c',
    );
  });

  it('sends requests to returned url + V1.0/, also when the zone url lacks a trailing slash', async () => {
    mockZoneLookup({ zoneName: 'Sim', url: 'http://127.0.0.1:4010/ATServicesRest', webUrl: 'http://127.0.0.1:4010' });
    const scope = api('http://127.0.0.1:4010').get('/ATServicesRest/V1.0/Companies/0').reply(200, { item: company });
    const { client } = makeClient();
    await client.getCompany(0);
    expect((await client.getZone()).webUrl).toBe('http://127.0.0.1:4010/');
    expect(await client.ticketUrl(12)).toBe(
      'http://127.0.0.1:4010/Autotask/AutotaskExtend/ExecuteCommand.aspx?Code=OpenTicketDetail&TicketID=12',
    );
    scope.done();
  });

  it('maps "Zone information could not be determined" to AutotaskZoneLookupError (an authentication error)', async () => {
    nock(LOOKUP_HOST)
      .get(LOOKUP_PATH)
      .query(true)
      .reply(500, { errors: ['Zone information could not be determined'] });
    const { client } = makeClient();
    const err = await rejection(client.getCompany(0));
    expect(err).toBeInstanceOf(AutotaskZoneLookupError);
    expect(err).toBeInstanceOf(AutotaskAuthenticationError);
    expect(err).toMatchObject({
      status: 500,
      messages: ['Zone information could not be determined'],
      operation: 'zone.lookup',
    });
  });
});

describe('zone cache', () => {
  it('looks the zone up once and shares one lookup between parallel calls', async () => {
    const lookup = mockZoneLookup();
    const scope = api().get(`${API}/Companies/0`).times(4).reply(200, { item: company });
    const { client, zoneCache } = makeClient();
    await Promise.all([client.getCompany(0), client.getCompany(0), client.getCompany(0)]);
    await client.getCompany(0);
    expect(await zoneCache.get(CREDENTIALS.username)).toMatchObject({ apiUrl: `${ZONE_HOST}/ATServicesRest/` });
    lookup.done();
    scope.done();
  });

  it('uses a fresh cached zone without a lookup, and looks up again once it is older than the TTL', async () => {
    const { client, zoneCache } = makeClient({ zoneTtlMs: 60_000 });
    await zoneCache.set(CREDENTIALS.username, {
      zoneName: 'Cached',
      apiUrl: 'https://webservices14.autotask.net/ATServicesRest/',
      webUrl: 'https://ww14.autotask.net/',
      checkedAt: new Date(),
    });
    const cachedZone = api('https://webservices14.autotask.net')
      .get(`${API}/Companies/0`)
      .reply(200, { item: company });
    await client.getCompany(0);
    cachedZone.done();

    const { client: later, zoneCache: staleCache } = makeClient({ zoneTtlMs: 60_000 });
    await staleCache.set(CREDENTIALS.username, {
      zoneName: 'Old',
      apiUrl: 'https://webservices14.autotask.net/ATServicesRest/',
      webUrl: 'https://ww14.autotask.net/',
      checkedAt: new Date(Date.now() - 120_000),
    });
    const lookup = mockZoneLookup();
    const fresh = api().get(`${API}/Companies/0`).reply(200, { item: company });
    await later.getCompany(0);
    lookup.done();
    fresh.done();
    expect((await staleCache.get(CREDENTIALS.username))?.zoneName).toBe('America West');
  });
});

describe('401: zone re-resolve', () => {
  const oldZone = 'https://webservices6.autotask.net';

  function startInOldZone() {
    return mockZoneLookup({
      zoneName: 'old Australian',
      url: `${oldZone}/ATServicesRest/`,
      webUrl: 'https://ww6.autotask.net/',
    });
  }

  it('zone moved: looks the zone up again and retries the request once in the new zone', async () => {
    startInOldZone();
    const old = api(oldZone).get(`${API}/Companies/0`).reply(401, '');
    const moved = mockZoneLookup({
      zoneName: 'AU/NZ',
      url: 'https://webservices29.autotask.net/ATServicesRest/',
      webUrl: 'https://ww29.autotask.net/',
    });
    const fresh = api('https://webservices29.autotask.net').get(`${API}/Companies/0`).reply(200, { item: company });
    const { client, zoneCache, recorder } = makeClient();
    expect((await client.getCompany(0)).name).toBe('Our MSP');
    expect((await zoneCache.get(CREDENTIALS.username))?.zoneName).toBe('AU/NZ');
    expect(await client.ticketUrl(1)).toMatch(/^https:\/\/ww29\.autotask\.net\//);
    expect(recorder.entries.map((e) => [e.operation, e.status])).toEqual([
      ['zone.lookup', 200],
      ['companies.get', 401],
      ['zone.lookup', 200],
      ['companies.get', 200],
    ]);
    old.done();
    moved.done();
    fresh.done();
  });

  it('retries once, not more: a second 401 in the new zone is the authentication error', async () => {
    startInOldZone();
    const old = api(oldZone).get(`${API}/Companies/0`).reply(401, '');
    mockZoneLookup({
      zoneName: 'AU/NZ',
      url: 'https://webservices29.autotask.net/ATServicesRest/',
      webUrl: 'https://ww29.autotask.net/',
    });
    const fresh = api('https://webservices29.autotask.net').get(`${API}/Companies/0`).reply(401, '');
    // Any further request or lookup would hit these and fail the count below.
    const extraLookup = nock(LOOKUP_HOST).get(LOOKUP_PATH).query(true).reply(200, ZONE_ANSWER);
    const { client, recorder } = makeClient();
    const err = await rejection(client.getCompany(0));
    expect(err).toBeInstanceOf(AutotaskAuthenticationError);
    expect(err).toMatchObject({ status: 401, operation: 'companies.get' });
    expect(recorder.entries.map((e) => e.operation)).toEqual([
      'zone.lookup',
      'companies.get',
      'zone.lookup',
      'companies.get',
    ]);
    expect(extraLookup.isDone()).toBe(false);
    old.done();
    fresh.done();
  });

  it('same zone after the re-lookup: the credentials are wrong, so the request is not sent again', async () => {
    const lookups = mockZoneLookup(ZONE_ANSWER, 2);
    const scope = api().get(`${API}/ThresholdInformation`).reply(401, '');
    const { client, recorder } = makeClient();
    await expect(client.getThresholdInformation()).rejects.toBeInstanceOf(AutotaskAuthenticationError);
    expect(recorder.entries.filter((e) => e.operation === 'threshold.get')).toHaveLength(1);
    lookups.done();
    scope.done();
  });

  it('applies to writes too: a 401 is answered before anything is created', async () => {
    startInOldZone();
    const old = api(oldZone).post(`${API}/Tickets/5/Notes`).reply(401, '');
    mockZoneLookup({
      zoneName: 'AU/NZ',
      url: 'https://webservices29.autotask.net/ATServicesRest/',
      webUrl: 'https://ww29.autotask.net/',
    });
    const fresh = api('https://webservices29.autotask.net').post(`${API}/Tickets/5/Notes`).reply(200, { itemId: 77 });
    const { client } = makeClient();
    expect(await client.addTicketNote(5, { title: 't', description: 'd', noteType: 1, publish: 2 })).toBe(77);
    old.done();
    fresh.done();
  });

  it('parallel 401s share a single re-lookup', async () => {
    startInOldZone();
    const old = api(oldZone).get(`${API}/Companies/0`).times(3).delay(20).reply(401, '');
    const moved = mockZoneLookup({
      zoneName: 'AU/NZ',
      url: 'https://webservices29.autotask.net/ATServicesRest/',
      webUrl: 'https://ww29.autotask.net/',
    });
    const fresh = api('https://webservices29.autotask.net')
      .get(`${API}/Companies/0`)
      .times(3)
      .reply(200, { item: company });
    const { client, recorder } = makeClient();
    await Promise.all([client.getCompany(0), client.getCompany(0), client.getCompany(0)]);
    expect(recorder.entries.filter((e) => e.operation === 'zone.lookup')).toHaveLength(2);
    old.done();
    moved.done();
    fresh.done();
  });
});
