import { describe, expect, it } from 'vitest';
import { call, get, post, testClock, useTestSimulator, type ErrorsBody, type ThresholdBody } from './helpers.ts';

const clock = testClock();
const sim = await useTestSimulator({ clock });

const THREAD_MESSAGE = 'Thread Threshold Exceeded — The Autotask API thread threshold of 3 threads has been exceeded.';
const anyCompany = { filter: [{ op: 'eq', field: 'id', value: 105 }] };

describe('ThresholdInformation', () => {
  it('counts authenticated requests in a rolling hour, including itself', async () => {
    const first = await get(sim, 'V1.0/ThresholdInformation');
    expect(first.json).toEqual({
      externalRequestThreshold: 10000,
      requestThresholdTimeframe: 60,
      currentTimeframeRequestCount: 1,
    });
    await get(sim, 'V1.0/Companies/105');
    await post(sim, 'V1.0/Companies/query', anyCompany);
    // The zone lookup and a rejected login do not count.
    await call(sim, 'GET', `${sim.zoneLookupUrl}/V1.0/zoneInformation?user=${sim.credentials.username}`, {
      anonymous: true,
    });
    await get(sim, 'V1.0/Companies/105', { headers: { Secret: 'wrong' } });
    expect((await get<ThresholdBody>(sim, 'V1.0/ThresholdInformation')).json.currentTimeframeRequestCount).toBe(4);

    clock.advance(30 * 60_000);
    await get(sim, 'V1.0/Companies/105');
    clock.advance(30 * 60_000 + 1);
    // The first four are now more than an hour old.
    expect((await get<ThresholdBody>(sim, 'V1.0/ThresholdInformation')).json.currentTimeframeRequestCount).toBe(2);
  });

  it('answers 429 with Retry-After past the hourly threshold', async () => {
    sim.state.settings.requestThreshold = 3;
    for (let i = 0; i < 3; i++) expect((await get(sim, 'V1.0/Companies/105')).status).toBe(200);
    const limited = await get<ErrorsBody>(sim, 'V1.0/Companies/105');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.json.errors).toHaveLength(1);
    clock.advance(60 * 60_000 + 1);
    expect((await get(sim, 'V1.0/Companies/105')).status).toBe(200);
  });
});

describe('thread limit', () => {
  it('rejects a 4th concurrent request on the same entity', async () => {
    sim.faults.setLatency(300, { entity: 'Companies' });
    const results = await Promise.all(Array.from({ length: 4 }, () => post(sim, 'V1.0/Companies/query', anyCompany)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 429]);
    const rejected = results.find((r) => r.status === 429);
    expect(rejected?.json).toEqual({ errors: [THREAD_MESSAGE] });
  });

  it('counts per entity: other entities and the zone lookup are not blocked', async () => {
    sim.faults.setLatency(300, { entity: 'Companies' });
    const busy = Array.from({ length: 3 }, () => post(sim, 'V1.0/Companies/query', anyCompany));
    await new Promise((r) => setTimeout(r, 50));
    const other = await get(sim, 'V1.0/Tickets/7001');
    const zone = await call(sim, 'GET', `${sim.zoneLookupUrl}/V1.0/zoneInformation?user=${sim.credentials.username}`, {
      anonymous: true,
    });
    expect([other.status, zone.status]).toEqual([200, 200]);
    // Metadata shares its entity's bucket.
    expect((await get(sim, 'V1.0/Companies/entityInformation/fields')).status).toBe(429);
    expect((await Promise.all(busy)).map((r) => r.status)).toEqual([200, 200, 200]);
    // Slots are released once the calls finish.
    sim.faults.setLatency(0, { entity: 'Companies' });
    expect((await get(sim, 'V1.0/Companies/105')).status).toBe(200);
  });

  it('can reject with 500 instead, with the same text', async () => {
    sim.state.settings.threadLimitStatus = 500;
    sim.faults.setLatency(200);
    const results = await Promise.all(Array.from({ length: 4 }, () => get(sim, 'V1.0/Tickets/7001')));
    const rejected = results.filter((r) => r.status === 500);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.json).toEqual({ errors: [THREAD_MESSAGE] });
  });
});

describe('rate limiting faults', () => {
  it('rateLimitNext answers 429 with Retry-After once', async () => {
    sim.faults.rateLimitNext({ retryAfterSeconds: 7 });
    const limited = await get<ErrorsBody>(sim, 'V1.0/Companies/105');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.json.errors).toHaveLength(1);
    expect((await get(sim, 'V1.0/Companies/105')).status).toBe(200);
  });

  it('rate-limiting mode answers 429 until cleared', async () => {
    sim.faults.setRateLimited({ retryAfterSeconds: 12 });
    for (let i = 0; i < 3; i++) {
      const res = await get(sim, 'V1.0/Companies/105');
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('12');
    }
    sim.faults.clear();
    expect((await get(sim, 'V1.0/Companies/105')).status).toBe(200);
  });
});
