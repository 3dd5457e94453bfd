import { describe, expect, it } from 'vitest';
import { get, testClock, useTestSimulator, type ThresholdBody } from './helpers.ts';

const clock = testClock();
const sim = await useTestSimulator({ clock });

async function control(path: string, init: { method?: string; body?: unknown; form?: boolean } = {}) {
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (init.body !== undefined) {
    headers['Content-Type'] = init.form ? 'application/x-www-form-urlencoded' : 'application/json';
    body = init.form ? new URLSearchParams(init.body as Record<string, string>).toString() : JSON.stringify(init.body);
  }
  return fetch(`${sim.controlUrl}${path}`, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
    redirect: 'manual',
  });
}

describe('hourly budget from the control API', () => {
  it('sets the requests used and the limit, and ThresholdInformation answers from them', async () => {
    const set = await control('threshold', { body: { used: 8420, limit: 10000 } });
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({ used: 8420, limit: 10000, timeframeMinutes: 60 });

    const info = await get(sim, 'V1.0/ThresholdInformation');
    // The call itself counts, as Autotask's does.
    expect(info.json).toEqual({
      externalRequestThreshold: 10000,
      requestThresholdTimeframe: 60,
      currentTimeframeRequestCount: 8421,
    });
    expect(await (await control('threshold')).json()).toMatchObject({ used: 8421 });
  });

  it('lowers the count by dropping the oldest requests, and the set requests leave the window after an hour', async () => {
    await control('threshold', { body: { used: 50 } });
    await control('threshold', { body: { used: 5 } });
    expect(await (await control('threshold')).json()).toMatchObject({ used: 5, limit: 10000 });
    clock.advance(60 * 60_000 + 1);
    expect((await get<ThresholdBody>(sim, 'V1.0/ThresholdInformation')).json.currentTimeframeRequestCount).toBe(1);
  });

  it('at the limit every call gets 429, as past Autotask’s threshold', async () => {
    await control('threshold', { body: { used: 3, limit: 3 } });
    expect((await get(sim, 'V1.0/Companies/105')).status).toBe(429);
    await control('threshold', { body: { limit: 10 } });
    expect((await get(sim, 'V1.0/Companies/105')).status).toBe(200);
  });

  it('is shown and set on the control page', async () => {
    await control('threshold', { body: { used: 120, limit: 200 } });
    const page = await (await control('')).text();
    expect(page).toContain('120 of 200 requests used in the last 60 minutes.');
    expect(page).toContain('action="/__sim/threshold"');

    const form = await control('threshold', { body: { used: '170', limit: '' }, form: true });
    expect(form.status).toBe(303);
    expect(decodeURIComponent(form.headers.get('location') ?? '')).toContain('170 of 200 requests used');
  });

  it('refuses a negative count', async () => {
    const res = await control('threshold', { body: { used: -1 } });
    expect(res.status).toBe(400);
  });

  it('is cleared by a reset', async () => {
    await control('threshold', { body: { used: 900, limit: 1000 } });
    sim.reset();
    expect(await (await control('threshold')).json()).toEqual({ used: 0, limit: 10000, timeframeMinutes: 60 });
  });
});
