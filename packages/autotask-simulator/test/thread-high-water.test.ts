import { describe, expect, it } from 'vitest';
import { DEMO_USER, ThreadLimiter } from '../src/index.ts';
import { get, useTestSimulator } from './helpers.ts';

/**
 * The high-water mark of the thread limit: the most requests per tracking identifier and endpoint
 * at the simulator at once, for tests that check that several clients (app instances) together
 * keep to the limit. A request refused for the limit counts as it arrives, so a mark above the
 * limit shows the limit was exceeded.
 */

const sim = await useTestSimulator();

const code = DEMO_USER.integrationCode;

async function control(path: string, method = 'POST'): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${sim.controlUrl}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(method === 'POST' ? { body: '{}' } : {}),
  });
  return { status: res.status, json: await res.json() };
}

/** Waits for a condition by yielding to the event loop, not for a length of time. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !condition(); i++) await new Promise((r) => setImmediate(r));
  expect(condition()).toBe(true);
}

describe('ThreadLimiter', () => {
  it('keeps the most in flight per key; a refused arrival counts; a reset starts from what runs now', () => {
    const threads = new ThreadLimiter();
    const tickets = ThreadLimiter.key(code, 'Tickets');
    const releases = [1, 2, 3].map(() => threads.tryAcquire(tickets, 3)!);
    releases[0]!();
    threads.tryAcquire(tickets, 3);
    expect(threads.highWater()).toEqual([{ integrationCode: code, entity: 'tickets', count: 3 }]);

    expect(threads.tryAcquire(tickets, 3)).toBeNull();
    expect(threads.highWater()).toEqual([{ integrationCode: code, entity: 'tickets', count: 4 }]);

    threads.resetHighWater();
    expect(threads.highWater()).toEqual([{ integrationCode: code, entity: 'tickets', count: 3 }]);
  });

  it('does not count a hold that finds the slots taken', () => {
    const threads = new ThreadLimiter();
    expect(threads.hold(code, 'Tickets', 5, 3)).toBe(3);
    expect(threads.hold(code, 'Tickets', 1, 3)).toBe(3);
    expect(threads.highWater()).toEqual([{ integrationCode: code, entity: 'tickets', count: 3 }]);
  });
});

describe('over the API and the control API', () => {
  it('shows the mark with the threads, resets it on request and with the simulator', async () => {
    sim.faults.hangNext({ entity: 'Companies', count: 3 });
    const hung = Promise.allSettled([1, 2, 3].map(() => get(sim, 'V1.0/Companies/105')));
    await until(() => sim.requestLog.filter((e) => e.outcome === 'hung').length === 3);
    expect((await get(sim, 'V1.0/Companies/105')).status).toBe(429);
    expect((await get(sim, 'V1.0/Tickets/7001')).status).toBe(200);

    const view = await control('threads', 'GET');
    expect(view.json).toMatchObject({
      highWater: [
        { integrationCode: code, entity: 'companies', count: 4 },
        { integrationCode: code, entity: 'tickets', count: 1 },
      ],
    });

    // Still three running: they stay in the mark.
    const reset = await control('threads/high-water/reset');
    expect(reset.status).toBe(200);
    expect(reset.json).toMatchObject({ highWater: [{ entity: 'companies', count: 3 }] });

    sim.faults.clear();
    await hung;
    await until(() => sim.threads.snapshot().inFlight.length === 0);
    await control('threads/high-water/reset');
    expect(sim.threads.highWater()).toEqual([]);

    await get(sim, 'V1.0/Tickets/7001');
    expect(sim.threads.highWater()).toEqual([{ integrationCode: code, entity: 'tickets', count: 1 }]);
    sim.reset();
    expect(sim.threads.highWater()).toEqual([]);
  });

  it('is on the control page, with its reset form', async () => {
    await get(sim, 'V1.0/Tickets/7001');
    const page = await (await fetch(sim.controlUrl)).text();
    expect(page).toContain(
      `Most at once since the last reset (a refused request counted as it arrived): 1 on tickets (${code})`,
    );
    expect(page).toContain('action="/__sim/threads/high-water/reset"');
  });
});
