import { describe, expect, it } from 'vitest';
import { DEMO_USER, THREAD_LIMIT_MESSAGE } from '../src/index.ts';
import { call, get, post, useTestSimulator, validTicket } from './helpers.ts';

/**
 * The thread limit is per tracking identifier and endpoint across the whole tenant
 * (docs/autotask.md, Thread limit): every API user sending the same identifier shares the slots.
 * The control API stands in for another integration of the tenant, holding slots or making the
 * next call meet the rejection (optionally after applying it).
 */

const SECOND_USER = { username: 'second-instance@demo.example', secret: 'second-secret' };
const OTHER_CODE_USER = {
  username: 'other-vendor@demo.example',
  secret: 'other-secret',
  integrationCode: 'OTHERVENDORINTEGRATIONCODE1',
};

const sim = await useTestSimulator({
  users: [DEMO_USER, { ...SECOND_USER, integrationCode: DEMO_USER.integrationCode }, OTHER_CODE_USER],
});

const as = (user: { username: string; secret: string; integrationCode: string }) => ({
  headers: { UserName: user.username, Secret: user.secret, ApiIntegrationCode: user.integrationCode },
});
const second = as({ ...SECOND_USER, integrationCode: DEMO_USER.integrationCode });
const otherVendor = as(OTHER_CODE_USER);

async function control(path: string, body: unknown = {}): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${sim.controlUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

describe('one tracking identifier, several API users', () => {
  it('share the three slots of an endpoint; another identifier has its own', async () => {
    // Hung calls hold their slots until the faults are cleared, as stuck requests would.
    sim.faults.hangNext({ entity: 'Companies', count: 3 });
    const busy = [
      get(sim, 'V1.0/Companies/105'),
      get(sim, 'V1.0/Companies/105'),
      get(sim, 'V1.0/Companies/105', second),
    ];
    const ended = Promise.allSettled(busy);
    await until(() => sim.requestLog.filter((e) => e.outcome === 'hung').length === 3);

    const refused = await get(sim, 'V1.0/Companies/105', second);
    expect(refused.status).toBe(429);
    expect(refused.json).toEqual({ errors: [THREAD_LIMIT_MESSAGE] });
    expect((await get(sim, 'V1.0/Companies/105', otherVendor)).status).toBe(200);

    sim.faults.clear();
    await ended;
    expect((await get(sim, 'V1.0/Companies/105', second)).status).toBe(200);
  });
});

/** Waits for a condition by yielding to the event loop, not for a length of time. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !condition(); i++) await new Promise((r) => setImmediate(r));
  expect(condition()).toBe(true);
}

describe('another integration holding threads (control API)', () => {
  it('holds the slots of an endpoint until released; other endpoints and identifiers go on', async () => {
    const held = await control('threads/hold', { entity: 'Tickets' });
    expect(held.status).toBe(200);
    expect(held.json).toMatchObject({
      limit: 3,
      held: [{ integrationCode: DEMO_USER.integrationCode, entity: 'tickets', count: 3 }],
    });

    for (const options of [{}, second]) {
      const refused = await get(sim, 'V1.0/Tickets/7001', options);
      expect(refused.status).toBe(429);
      expect(refused.json).toEqual({ errors: [THREAD_LIMIT_MESSAGE] });
    }
    expect((await get(sim, 'V1.0/Companies/105')).status).toBe(200);
    expect((await get(sim, 'V1.0/Tickets/7001', otherVendor)).status).toBe(200);

    expect((await control('threads/release')).json).toMatchObject({ held: [] });
    expect((await get(sim, 'V1.0/Tickets/7001')).status).toBe(200);
  });

  it('holds only what is free, and a reset lets go', async () => {
    sim.state.settings.threadLimitStatus = 500;
    expect((await control('threads/hold', { entity: 'Tickets', count: 2 })).json).toMatchObject({
      held: [{ count: 2 }],
    });
    expect((await get(sim, 'V1.0/Tickets/7001')).status).toBe(200);
    expect((await control('threads/hold', { entity: 'Tickets', count: 5 })).json).toMatchObject({
      held: [{ count: 3 }],
    });
    const refused = await get(sim, 'V1.0/Tickets/7001');
    expect(refused.status).toBe(500);
    expect(refused.json).toEqual({ errors: [THREAD_LIMIT_MESSAGE] });
    sim.reset();
    expect((await get(sim, 'V1.0/Tickets/7001')).status).toBe(200);
  });

  it('the control page shows the limit and its forms', async () => {
    await control('threads/hold', { entity: 'Tickets', count: 1 });
    const page = await (await fetch(sim.controlUrl)).text();
    expect(page).toContain('Thread limit (3 per tracking identifier and endpoint, tenant-wide)');
    expect(page).toContain(`1 on tickets (${DEMO_USER.integrationCode})`);
    expect(page).toContain('action="/__sim/threads/hold"');
    expect(page).toContain('action="/__sim/faults/thread-threshold"');
  });
});

describe('thread-threshold fault', () => {
  it('refuses the next matching call without applying it', async () => {
    await control('faults/thread-threshold', { method: 'POST', entity: 'Tickets' });
    const refused = await post(sim, 'V1.0/Tickets', validTicket);
    expect(refused.status).toBe(429);
    expect(refused.json).toEqual({ errors: [THREAD_LIMIT_MESSAGE] });
    expect(sim.state.tickets.filter((t) => t.title === validTicket.title)).toHaveLength(0);
    expect((await post(sim, 'V1.0/Tickets', validTicket)).status).toBe(200);
  });

  it('with afterApply, creates the ticket and still answers with the rejection', async () => {
    const before = sim.state.tickets.length;
    await control('faults/thread-threshold', { method: 'POST', entity: 'Tickets', afterApply: true });
    const refused = await post(sim, 'V1.0/Tickets', validTicket);
    expect(refused.status).toBe(429);
    expect(refused.json).toEqual({ errors: [THREAD_LIMIT_MESSAGE] });
    expect(sim.state.tickets).toHaveLength(before + 1);
    expect(sim.requestLog.at(-1)).toMatchObject({ method: 'POST', status: 429, outcome: 'answered' });
  });

  it('is listed with the pending faults and cleared with them', async () => {
    await control('faults/thread-threshold', { count: 2, entity: 'TicketNotes' });
    expect(sim.faults.snapshot().pending).toMatchObject([{ kind: 'threadThreshold', remaining: 2 }]);
    await control('faults/clear');
    expect(sim.faults.snapshot().pending).toEqual([]);
    expect((await call(sim, 'GET', 'V1.0/Tickets/7001')).status).toBe(200);
  });
});
