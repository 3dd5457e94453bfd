import { describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '../src/index.ts';
import {
  get,
  ids,
  post,
  startTestSimulator,
  useTestSimulator,
  validTicket,
  type ErrorBody,
  type WireRecord,
} from './helpers.ts';

const sim = await useTestSimulator();

const ticketsWithRef = (ref: string) => ids(sim, 'service/tickets', `externalXRef = "${ref}"`);
const createLog = () => sim.requestLog.find((e) => e.method === 'POST' && e.resource === 'service/tickets');

/** Waits until the simulator has finished with a request the client gave up on (no timing assertion). */
async function settled(find: () => RequestLogEntry | undefined): Promise<RequestLogEntry> {
  for (;;) {
    const entry = find();
    // A client that left is 'aborted' at once; the status comes when the handler has run.
    if (entry && (entry.outcome === 'hung' || (entry.outcome !== 'pending' && entry.status !== null))) return entry;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the lost answer (drop after commit)', () => {
  it('creates the ticket, then closes the socket; the ticket is findable by its reference', async () => {
    sim.faults.dropResponseNext({ method: 'POST', resource: 'service/tickets' });
    const error = await post(sim, 'service/tickets', { ...validTicket, externalXRef: 'bc-lost-1' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError); // fetch failed: other side closed
    const found = await get<WireRecord[]>(
      sim,
      `service/tickets?conditions=${encodeURIComponent('externalXRef = "bc-lost-1"')}`,
    );
    expect(found.json).toHaveLength(1);
    expect(found.json[0]).toMatchObject({ summary: validTicket.summary, company: { id: 250 } });
    expect(createLog()).toMatchObject({ outcome: 'dropped', status: 201 });
    // Only the next matching call was dropped.
    expect((await post(sim, 'service/tickets', { ...validTicket, externalXRef: 'bc-lost-2' })).status).toBe(201);
  });

  it('loses a note the same way', async () => {
    sim.faults.dropResponseNext({ resource: 'service/tickets/notes' });
    await expect(
      post(sim, 'service/tickets/1001/notes', { text: 'ref-77', internalAnalysisFlag: true }),
    ).rejects.toThrow();
    const notes = await get<WireRecord[]>(sim, 'service/tickets/1001/notes');
    expect(notes.json.filter((n) => n.text === 'ref-77')).toHaveLength(1);
  });
});

describe('failNext', () => {
  it('fails the next matching call with a ConnectWise error body, then recovers', async () => {
    sim.faults.failNext({ status: 503, message: 'Service unavailable', method: 'POST', resource: 'service/tickets' });
    expect((await get(sim, 'service/tickets/1001')).status).toBe(200);
    const failed = await post<ErrorBody>(sim, 'service/tickets', { ...validTicket, externalXRef: 'f-1' });
    expect([failed.status, failed.json]).toEqual([503, { code: 'ConnectWiseApi', message: 'Service unavailable' }]);
    expect(await ticketsWithRef('f-1')).toEqual([]);
    expect((await post(sim, 'service/tickets', { ...validTicket, externalXRef: 'f-1' })).status).toBe(201);
  });

  it('fails N calls, and can answer with a JSON body of its own, no body or HTML', async () => {
    sim.faults.failNext({ count: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(sim, 'system/info')).status);
    expect(statuses).toEqual([500, 500, 200]);

    sim.faults.failNext({ status: 400, body: 'json', json: { code: 'InvalidObject', errors: null } });
    expect((await get(sim, 'system/info')).json).toEqual({ code: 'InvalidObject', errors: null });
    sim.faults.failNext({ status: 502, body: 'empty' });
    const empty = await get(sim, 'system/info');
    expect([empty.status, empty.text]).toEqual([502, '']);
    sim.faults.failNext({ status: 504, body: 'text' });
    const html = await get(sim, 'system/info');
    expect([html.status, html.json, html.headers.get('content-type')]).toEqual([
      504,
      undefined,
      'text/html; charset=utf-8',
    ]);
  });
});

describe('rate limiting', () => {
  it('answers 429 with Retry-After for the next calls, or every call in rate-limit mode', async () => {
    sim.faults.rateLimitNext({ retryAfterSeconds: 7, resource: 'time/entries' });
    expect((await get(sim, 'service/tickets/1001')).status).toBe(200);
    const limited = await get<ErrorBody>(sim, 'time/entries/count');
    expect([limited.status, limited.headers.get('retry-after'), limited.json.code]).toEqual([
      429,
      '7',
      'TooManyRequests',
    ]);
    expect((await get(sim, 'time/entries/count')).status).toBe(200);

    sim.faults.setRateLimited({ retryAfterSeconds: 30 });
    expect((await get(sim, 'system/info')).status).toBe(429);
    expect((await get(sim, 'company/companies')).headers.get('retry-after')).toBe('30');
    sim.faults.clear();
    expect((await get(sim, 'system/info')).status).toBe(200);
  });
});

describe('latency and hangs', () => {
  it('delays only the resource named, and still applies a create whose client gave up', async () => {
    sim.faults.setLatency(60_000, { resource: 'company/companies' });
    sim.faults.setLatency(300, { resource: 'service/tickets' });
    expect((await get(sim, 'system/info')).status).toBe(200);
    const error = await post(
      sim,
      'service/tickets',
      { ...validTicket, externalXRef: 'slow-1' },
      { timeoutMs: 50 },
    ).catch((e: unknown) => e);
    expect((error as Error).name).toBe('TimeoutError');
    expect(await settled(createLog)).toMatchObject({ outcome: 'aborted', status: 201 });
    sim.faults.setLatency(0, { resource: 'service/tickets' });
    expect(await ticketsWithRef('slow-1')).toHaveLength(1);
  });

  it('never answers a hung call; with afterApply the ticket exists all the same', async () => {
    sim.faults.hangNext({ method: 'POST', resource: 'service/tickets' });
    const error = await post(
      sim,
      'service/tickets',
      { ...validTicket, externalXRef: 'hang-1' },
      { timeoutMs: 200 },
    ).catch((e: unknown) => e);
    expect((error as Error).name).toBe('TimeoutError');
    expect(await ticketsWithRef('hang-1')).toEqual([]);
    expect(createLog()).toMatchObject({ outcome: 'hung', status: null });

    sim.faults.hangNext({ method: 'POST', resource: 'service/tickets', afterApply: true });
    await expect(
      post(sim, 'service/tickets', { ...validTicket, externalXRef: 'hang-2' }, { timeoutMs: 200 }),
    ).rejects.toThrow();
    expect(await ticketsWithRef('hang-2')).toHaveLength(1);
  });

  it('ends hung sockets when the simulator closes', async () => {
    const other = await startTestSimulator();
    other.faults.hangNext();
    const pending = get(other, 'system/info', { timeoutMs: 10_000 }).catch((e: unknown) => e);
    await settled(() => other.requestLog.find((e) => e.outcome === 'hung'));
    expect(other.faults.snapshot().hungRequests).toBe(1);
    await other.close();
    const error = await pending;
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).not.toBe('TimeoutError');
  });
});

describe('request log', () => {
  it('records method, path, query, resource, body, status, login and clientId of every API call', async () => {
    await post(sim, 'service/tickets', { ...validTicket, externalXRef: 'log-1' });
    await get(sim, `service/tickets?conditions=${encodeURIComponent('id = 1001')}`);
    await post(sim, 'service/tickets', { summary: 'incomplete' });
    const tickets = sim.requestLog.filter((e) => e.resource === 'service/tickets');
    expect(tickets.map((e) => [e.method, e.status])).toEqual([
      ['POST', 201],
      ['GET', 200],
      ['POST', 400],
    ]);
    expect(tickets[0]).toMatchObject({
      path: '/v4_6_release/apis/3.0/service/tickets',
      body: { ...validTicket, externalXRef: 'log-1' },
      outcome: 'answered',
      login: `${sim.credentials.companyId}+${sim.credentials.publicKey}`,
      clientId: sim.credentials.clientId,
      at: '2026-03-04T10:00:00Z',
    });
    expect(tickets[1]?.query).toBe('conditions=id%20%3D%201001');
    sim.reset();
    expect(sim.requestLog).toHaveLength(0);
  });
});
