import { describe, expect, it } from 'vitest';
import { FaultQueue, html, RequestLog, type LoggedRequest } from '../src/index.ts';

/** The kit on its own; the simulators' tests drive it through HTTP. */

const exemptQueue = () =>
  new FaultQueue<'entity'>({
    key: 'entity',
    normalise: (s) => s.toLowerCase(),
    exempt: ['zoneinformation'],
    rateLimitMessage: (s) => `wait ${s} s`,
  });

describe('FaultQueue', () => {
  it('hands a scoped fault to the first call on that scope and method, in any letter case', () => {
    const faults = exemptQueue();
    faults.dropResponseNext({ method: 'post', entity: 'Tickets', count: 2 });
    expect(faults.take('GET', 'Tickets')).toBeNull();
    expect(faults.take('POST', 'tickets')).toMatchObject({ kind: 'drop', remaining: 1 });
    expect(faults.take('POST', 'TICKETS')).toMatchObject({ kind: 'drop', remaining: 0 });
    expect(faults.take('POST', 'Tickets')).toBeNull();
  });

  it('keeps unscoped faults and latency off the exempt scopes unless they are named', () => {
    const faults = exemptQueue();
    faults.setLatency(40);
    faults.hangNext();
    expect(faults.latencyFor('zoneInformation')).toBe(0);
    expect(faults.take('GET', 'zoneInformation')).toBeNull();
    expect(faults.latencyFor('Tickets')).toBe(40);
    expect(faults.take('GET', 'Tickets')).toMatchObject({ kind: 'hang', afterApply: false });
    faults.setLatency(7, { entity: 'zoneInformation' });
    expect(faults.latencyFor('ZONEINFORMATION')).toBe(7);
  });

  it('names the scope field in its snapshot after the simulator, and words the 429 its way', () => {
    const faults = new FaultQueue<'resource'>({
      key: 'resource',
      normalise: (s) => s.toLowerCase().replace(/^\/+|\/+$/g, ''),
      rateLimitMessage: (s) => `wait ${s} s`,
    });
    faults.setLatency(5, { resource: 'Time/Entries' });
    faults.rateLimitNext({ resource: '/service/tickets/', retryAfterSeconds: 3 });
    expect(faults.snapshot()).toEqual({
      latency: { allMs: 0, byResource: { 'time/entries': 5 } },
      rateLimited: null,
      pending: [
        {
          kind: 'rateLimit',
          remaining: 1,
          match: { method: null, resource: 'service/tickets' },
          retryAfterSeconds: 3,
          message: 'wait 3 s',
        },
      ],
      hungRequests: 0,
    });
    faults.clear();
    expect(faults.snapshot().pending).toEqual([]);
  });
});

describe('RequestLog', () => {
  const entry = (path: string): Omit<LoggedRequest, 'seq'> => ({
    method: 'GET',
    path,
    query: '',
    body: null,
    status: null,
    outcome: 'pending',
    at: '2026-03-04T10:00:00Z',
  });

  it('keeps the newest entries up to the limit; clear goes on numbering, reset starts at 1', () => {
    const log = new RequestLog<LoggedRequest>();
    const held = log.entries;
    for (const path of ['/a', '/b', '/c']) log.append(entry(path), 2);
    expect(held.map((e) => [e.seq, e.path])).toEqual([
      [2, '/b'],
      [3, '/c'],
    ]);
    log.clear();
    expect(log.append(entry('/d'), 2).seq).toBe(4);
    log.reset();
    expect(log.append(entry('/e'), 2).seq).toBe(1);
    expect(held).toHaveLength(1);
  });
});

describe('html', () => {
  it('escapes every interpolated value that is not built markup; null, undefined and false show nothing', () => {
    const name = `Margie's <Travel> & "Co"`;
    const bold = html`<b>${1}</b>`;
    const page = html`<td>${name}</td>
      ${bold}${[null, false, undefined, 'x']}`.value;
    expect(page).toContain('<td>Margie&#39;s &lt;Travel&gt; &amp; &quot;Co&quot;</td>');
    expect(page).toContain('<b>1</b>');
    expect(page).not.toMatch(/null|false|undefined/);
    expect(page.endsWith('x')).toBe(true);
  });
});
