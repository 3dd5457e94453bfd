import nock from 'nock';
import { describe, expect, it } from 'vitest';
import {
  AutotaskRateLimitedError,
  AutotaskUnavailableError,
  AutotaskValidationError,
  isOutcomeUnknown,
} from '../../../src/autotask/client.ts';
import { API, api, makeClient, mockZoneLookup, seededZoneCache, rejection, socketError, useNock } from './helpers.ts';

// Reads are retried (reset, 429, 503; ≤ 3 tries; Retry-After honoured); writes never are.

useNock();

const company = { item: { id: 0, companyName: 'Our MSP', isActive: true } };
const newTicket = { companyId: 1, title: 'Backup failed', status: 1, priority: 2, queueId: 8, externalId: 'bc-run-1' };

/** Counts requests that reach nock for a scope. */
function countRequests(scope: nock.Scope): { readonly count: number } {
  const counter = { count: 0 };
  scope.on('request', () => counter.count++);
  return counter;
}

describe('writes are sent exactly once', () => {
  it('a create that times out is sent once and is outcome-unknown', async () => {
    mockZoneLookup();
    const scope = api().post(`${API}/Tickets`).times(3).delay(300).reply(200, { itemId: 1 });
    const sent = countRequests(scope);
    const { client, sleeps } = makeClient({ timeoutMs: 50, zoneCache: seededZoneCache() });
    const err = await rejection(client.createTicket(newTicket));
    expect(err).toBeInstanceOf(AutotaskUnavailableError);
    expect(err).toMatchObject({ reason: 'timeout' });
    expect(isOutcomeUnknown(err)).toBe(true);
    expect(sent.count).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('a create whose connection is reset is sent once', async () => {
    mockZoneLookup();
    const scope = api().post(`${API}/Tickets`).times(3).replyWithError(socketError('ECONNRESET'));
    const sent = countRequests(scope);
    const { client } = makeClient();
    expect(isOutcomeUnknown(await rejection(client.createTicket(newTicket)))).toBe(true);
    expect(sent.count).toBe(1);
  });

  it.each([
    [
      'PATCH status on 503',
      (c: ReturnType<typeof makeClient>['client']) => c.updateTicketStatus(1, 5),
      'patch',
      `${API}/Tickets`,
      503,
    ],
    [
      'note POST on 429',
      (c: ReturnType<typeof makeClient>['client']) =>
        c.addTicketNote(1, { title: 't', description: 'd', noteType: 1, publish: 2 }),
      'post',
      `${API}/Tickets/1/Notes`,
      429,
    ],
    [
      'create on 503',
      (c: ReturnType<typeof makeClient>['client']) => c.createTicket(newTicket),
      'post',
      `${API}/Tickets`,
      503,
    ],
  ] as const)('%s is not retried', async (_name, call, method, path, status) => {
    mockZoneLookup();
    const scope = api()[method](path).times(3).reply(status, '', { 'Retry-After': '1' });
    const sent = countRequests(scope);
    const { client } = makeClient();
    await expect(call(client)).rejects.toBeInstanceOf(
      status === 429 ? AutotaskRateLimitedError : AutotaskUnavailableError,
    );
    expect(sent.count).toBe(1);
  });
});

describe('reads are retried', () => {
  it('a GET that gets 503 twice then 200 succeeds on the third try, with growing jittered backoff', async () => {
    mockZoneLookup();
    const scope = api().get(`${API}/Companies/0`).times(2).reply(503, '').get(`${API}/Companies/0`).reply(200, company);
    const sleepsOf: number[] = [];
    const { client, recorder } = makeClient({
      retry: {
        baseDelayMs: 100,
        sleep: (ms) => {
          sleepsOf.push(ms);
          return Promise.resolve();
        },
      },
    });
    expect((await client.getCompany(0)).name).toBe('Our MSP');
    expect(sleepsOf).toHaveLength(2);
    expect(sleepsOf[0]).toBeGreaterThanOrEqual(50);
    expect(sleepsOf[0]).toBeLessThanOrEqual(100);
    expect(sleepsOf[1]).toBeGreaterThanOrEqual(100);
    expect(sleepsOf[1]).toBeLessThanOrEqual(200);
    expect(recorder.entries.filter((e) => e.operation === 'companies.get').map((e) => e.status)).toEqual([
      503, 503, 200,
    ]);
    scope.done();
  });

  it('gives up after 3 tries in total', async () => {
    mockZoneLookup();
    const scope = api().get(`${API}/Companies/0`).times(4).reply(503, '');
    const sent = countRequests(scope);
    const { client, sleeps } = makeClient();
    const err = await rejection(client.getCompany(0));
    expect(err).toMatchObject({ kind: 'unavailable', status: 503 });
    expect(sent.count).toBe(3);
    expect(sleeps).toHaveLength(2);
  });

  it('429 with Retry-After: waits that long, then tries again', async () => {
    mockZoneLookup();
    const scope = api()
      .get(`${API}/ThresholdInformation`)
      .reply(429, { errors: ['Too many requests'] }, { 'Retry-After': '2' })
      .get(`${API}/ThresholdInformation`)
      .reply(200, {
        externalRequestThreshold: 10000,
        requestThresholdTimeframe: 60,
        currentTimeframeRequestCount: 9001,
      });
    const delays: number[] = [];
    const { client } = makeClient({
      retry: {
        baseDelayMs: 100,
        sleep: (ms) => {
          delays.push(ms);
          return Promise.resolve();
        },
      },
    });
    expect((await client.getThresholdInformation()).currentCount).toBe(9001);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(2000);
    expect(delays[0]).toBeLessThanOrEqual(2050);
    scope.done();
  });

  it('a Retry-After longer than the configured maximum is handed to the caller instead of waited for', async () => {
    mockZoneLookup();
    const scope = api().get(`${API}/ThresholdInformation`).reply(429, '', { 'Retry-After': '3600' });
    const { client, sleeps } = makeClient();
    const err = await rejection(client.getThresholdInformation());
    expect(err).toBeInstanceOf(AutotaskRateLimitedError);
    expect(err).toMatchObject({ retryAfterSeconds: 3600 });
    expect(sleeps).toEqual([]);
    scope.done();
  });

  it('the thread threshold message (HTTP 500) is retried for reads', async () => {
    mockZoneLookup();
    const scope = api()
      .post(`${API}/TimeEntries/query/count`)
      .reply(500, {
        errors: ['Thread Threshold Exceeded — The Autotask API thread threshold of 3 threads has been exceeded.'],
      })
      .post(`${API}/TimeEntries/query/count`)
      .reply(200, { queryCount: 0 });
    const { client, sleeps } = makeClient();
    expect(await client.countTimeEntries(7)).toBe(0);
    expect(sleeps).toHaveLength(1);
    scope.done();
  });

  it('a POST query is retried on connection reset', async () => {
    mockZoneLookup();
    const scope = api()
      .post(`${API}/Tickets/query`)
      .replyWithError(socketError('ECONNRESET'))
      .post(`${API}/Tickets/query`)
      .reply(200, { items: [], pageDetails: { count: 0, requestCount: 500, prevPageUrl: null, nextPageUrl: null } });
    const { client } = makeClient();
    expect(await client.findTicketsByExternalId('bc-run-1')).toEqual([]);
    scope.done();
  });

  it('503 Retry-After is honoured too', async () => {
    mockZoneLookup();
    const scope = api()
      .get(`${API}/Companies/0`)
      .reply(503, '', { 'Retry-After': '1' })
      .get(`${API}/Companies/0`)
      .reply(200, company);
    const { client, sleeps } = makeClient();
    await client.getCompany(0);
    expect(sleeps[0]).toBeGreaterThanOrEqual(1000);
    scope.done();
  });

  it('a business-rule 500 and a read timeout are not retried', async () => {
    mockZoneLookup();
    const scope = api()
      .get(`${API}/Tickets/1`)
      .reply(500, { errors: ['Value does not reference an existing entity for taskType . '] })
      .get(`${API}/Tickets/2`)
      .delay(300)
      .reply(200, {});
    const { client, sleeps } = makeClient({ timeoutMs: 50, zoneCache: seededZoneCache() });
    await expect(client.getTicket(1)).rejects.toBeInstanceOf(AutotaskValidationError);
    await expect(client.getTicket(2)).rejects.toMatchObject({ reason: 'timeout' });
    expect(sleeps).toEqual([]);
    scope.done();
  });

  it('without an injected sleep, the backoff is a real wait', async () => {
    mockZoneLookup();
    const scope = api().get(`${API}/Companies/0`).reply(503, '').get(`${API}/Companies/0`).reply(200, company);
    const { client } = makeClient({ retry: { baseDelayMs: 80, random: () => 1 } });
    const started = performance.now();
    await client.getCompany(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    scope.done();
  });
});
