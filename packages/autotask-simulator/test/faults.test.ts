import { describe, expect, it } from 'vitest';
import { call, get, post, queryIds, startTestSimulator, useTestSimulator, validTicket } from './helpers.ts';

const sim = await useTestSimulator();

const zoneUrl = () => `${sim.zoneLookupUrl}/V1.0/zoneInformation?user=${encodeURIComponent(sim.credentials.username)}`;
const ticketsWithExternalId = (externalID: string) =>
  queryIds(sim, 'Tickets', [{ op: 'eq', field: 'externalID', value: externalID }]);

describe('failNext', () => {
  it('fails the next matching call with the chosen status and errors[], then recovers', async () => {
    sim.faults.failNext({ status: 503, message: 'Service temporarily unavailable', method: 'POST', entity: 'Tickets' });
    // Calls that do not match are unaffected.
    expect((await get(sim, 'V1.0/Tickets/7001')).status).toBe(200);
    expect((await call(sim, 'GET', zoneUrl(), { anonymous: true })).status).toBe(200);
    const failed = await post(sim, 'V1.0/Tickets', { ...validTicket, externalID: 'f-1' });
    expect(failed.status).toBe(503);
    expect(failed.json).toEqual({ errors: ['Service temporarily unavailable'] });
    expect(await ticketsWithExternalId('f-1')).toEqual([]);
    expect((await post(sim, 'V1.0/Tickets', { ...validTicket, externalID: 'f-1' })).status).toBe(200);
  });

  it('fails N calls', async () => {
    sim.faults.failNext({ count: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(sim, 'V1.0/Companies/105')).status);
    expect(statuses).toEqual([500, 500, 200]);
  });

  it('can answer a bare 5xx with no body, or with a non-JSON body', async () => {
    sim.faults.failNext({ status: 502, body: 'empty' });
    const empty = await get(sim, 'V1.0/Companies/105');
    expect([empty.status, empty.text]).toEqual([502, '']);

    sim.faults.failNext({ status: 504, body: 'text' });
    const html = await get(sim, 'V1.0/Companies/105');
    expect(html.status).toBe(504);
    expect(html.json).toBeUndefined();
    expect(html.headers.get('content-type')).toContain('text/html');
  });

  it('leaves the zone lookup alone unless it is named', async () => {
    sim.faults.failNext({ status: 500 });
    expect((await call(sim, 'GET', zoneUrl(), { anonymous: true })).status).toBe(200);
    sim.faults.clear();
    sim.faults.failNext({ entity: 'zoneInformation', status: 503 });
    expect((await call(sim, 'GET', zoneUrl(), { anonymous: true })).status).toBe(503);
  });
});

describe('latency', () => {
  it('delays every call, or one entity', async () => {
    sim.faults.setLatency(250, { entity: 'Tickets' });
    let started = Date.now();
    await get(sim, 'V1.0/Companies/105');
    expect(Date.now() - started).toBeLessThan(200);
    started = Date.now();
    await get(sim, 'V1.0/Tickets/7001');
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    sim.faults.setLatency(150);
    started = Date.now();
    await get(sim, 'V1.0/Companies/105');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('still applies a create whose client timed out during the latency', async () => {
    sim.faults.setLatency(400, { entity: 'Tickets' });
    await expect(
      post(sim, 'V1.0/Tickets', { ...validTicket, externalID: 'slow-1' }, { timeoutMs: 100 }),
    ).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 450));
    sim.faults.setLatency(0, { entity: 'Tickets' });
    expect(await ticketsWithExternalId('slow-1')).toHaveLength(1);
    expect(sim.requestLog.find((e) => e.method === 'POST' && e.entity === 'Tickets')).toMatchObject({
      outcome: 'aborted',
      status: 200,
    });
  });
});

describe('hang', () => {
  it('never answers; the client times out and the ticket was not created', async () => {
    sim.faults.hangNext({ method: 'POST', entity: 'Tickets' });
    const error = await post(sim, 'V1.0/Tickets', { ...validTicket, externalID: 'hang-1' }, { timeoutMs: 300 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('TimeoutError');
    expect(await ticketsWithExternalId('hang-1')).toEqual([]);
    expect(sim.requestLog.find((e) => e.method === 'POST' && e.entity === 'Tickets')).toMatchObject({
      outcome: 'hung',
      status: null,
    });
  });

  it('can apply the call first and then hang', async () => {
    sim.faults.hangNext({ method: 'POST', entity: 'Tickets', afterApply: true });
    await expect(
      post(sim, 'V1.0/Tickets', { ...validTicket, externalID: 'hang-2' }, { timeoutMs: 300 }),
    ).rejects.toThrow();
    expect(await ticketsWithExternalId('hang-2')).toHaveLength(1);
  });

  it('ends hung sockets when the simulator closes', async () => {
    const other = await startTestSimulator();
    other.faults.hangNext();
    const pending = get(other, 'V1.0/Companies/105', { timeoutMs: 10_000 }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    expect(other.faults.snapshot().hungRequests).toBe(1);
    const started = Date.now();
    await other.close();
    const error = await pending;
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).not.toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('drop response', () => {
  it('applies the create, then destroys the socket: the ticket exists but the client saw a socket error', async () => {
    sim.faults.dropResponseNext({ method: 'POST', entity: 'Tickets' });
    const error = await post(sim, 'V1.0/Tickets', { ...validTicket, externalID: 'drop-1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError); // fetch failed: other side closed
    const ids = await ticketsWithExternalId('drop-1');
    expect(ids).toHaveLength(1);
    expect(sim.state.ticket(ids[0] ?? -1)?.ticketNumber).toMatch(/^T\d{8}\.\d{4}$/);
    expect(sim.requestLog.find((e) => e.method === 'POST' && e.entity === 'Tickets')).toMatchObject({
      outcome: 'dropped',
      status: 200,
    });
    // Only the next call was dropped.
    expect((await post(sim, 'V1.0/Tickets', { ...validTicket, externalID: 'drop-2' })).status).toBe(200);
  });
});

describe('request log', () => {
  it('records method, path, entity, body, status and time of every API call', async () => {
    await post(sim, 'V1.0/Tickets', { ...validTicket, externalID: 'log-1' });
    await get(sim, 'V1.0/Tickets/7001');
    await get(
      sim,
      `V1.0/Tickets/query?search=${encodeURIComponent(JSON.stringify({ filter: [{ op: 'eq', field: 'id', value: 1 }] }))}`,
    );
    await post(sim, 'V1.0/Tickets', { title: 'incomplete' });
    const tickets = sim.requestLog.filter((e) => e.entity === 'Tickets');
    expect(tickets.map((e) => [e.method, e.status])).toEqual([
      ['POST', 200],
      ['GET', 200],
      ['GET', 200],
      ['POST', 500],
    ]);
    expect(tickets[0]).toMatchObject({
      path: '/ATServicesRest/V1.0/Tickets',
      body: { ...validTicket, externalID: 'log-1' },
      outcome: 'answered',
      username: sim.credentials.username,
      at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) as unknown,
    });
    // A GET query logs its parsed search as the body.
    expect(tickets[2]?.body).toEqual({ filter: [{ op: 'eq', field: 'id', value: 1 }] });
    sim.reset();
    expect(sim.requestLog).toHaveLength(0);
  });
});
