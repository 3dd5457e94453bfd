import { Writable } from 'node:stream';
import nock from 'nock';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ApiLogLevel } from '../../../src/autotask/client.ts';
import {
  API,
  api,
  CREDENTIALS,
  LOOKUP_HOST,
  LOOKUP_PATH,
  makeClient,
  mockZoneLookup,
  rejection,
  socketError,
  ZONE_HOST,
  useNock,
} from './helpers.ts';

// The API call log: one entry per HTTP request, by level, never holding a credential.

useNock();

const company = { item: { id: 0, companyName: 'Our MSP', isActive: true } };

/** One successful read and one failed write. */
async function oneGoodOneBad(level: ApiLogLevel) {
  mockZoneLookup();
  api()
    .get(`${API}/Companies/0`)
    .reply(200, company)
    .post(`${API}/Tickets`)
    .reply(500, { errors: ['Reference value on field: contactID of type: Contact does not exist or is invalid.'] });
  const made = makeClient({ logLevel: level });
  await made.client.getCompany(0);
  await rejection(made.client.createTicket({ companyId: 0, title: 't', status: 1, priority: 1 }));
  return made.recorder.entries;
}

describe('levels', () => {
  it('all: every request, the zone lookup included', async () => {
    const entries = await oneGoodOneBad('all');
    expect(entries.map((e) => [e.operation, e.method, e.path, e.status, e.ok])).toEqual([
      ['zone.lookup', 'GET', LOOKUP_PATH, 200, true],
      ['companies.get', 'GET', `${API}/Companies/0`, 200, true],
      ['tickets.create', 'POST', `${API}/Tickets`, 500, false],
    ]);
    const failed = entries[2]!;
    expect(failed.error).toContain(
      'Reference value on field: contactID of type: Contact does not exist or is invalid.',
    );
    expect(failed.durationMs).toBeGreaterThanOrEqual(0);
    expect(failed.at).toBeInstanceOf(Date);
    expect(entries[1]!.error).toBeNull();
  });

  it('errors: failed requests only', async () => {
    const entries = await oneGoodOneBad('errors');
    expect(entries.map((e) => e.operation)).toEqual(['tickets.create']);
  });

  it('off: nothing', async () => {
    expect(await oneGoodOneBad('off')).toEqual([]);
  });

  it('a request that got no answer is logged with status null', async () => {
    mockZoneLookup();
    api().post(`${API}/Tickets`).replyWithError(socketError('ECONNRESET'));
    const { client, recorder } = makeClient({ logLevel: 'errors' });
    await rejection(client.createTicket({ companyId: 0, title: 't', status: 1, priority: 1 }));
    expect(recorder.entries).toMatchObject([
      { operation: 'tickets.create', status: null, ok: false, error: expect.stringContaining('ECONNRESET') as unknown },
    ]);
  });
});

describe('no secrets', () => {
  it('the secret and integration code appear in no entry, even when Autotask echoes them back', async () => {
    mockZoneLookup();
    api()
      .post(`${API}/Tickets`)
      .reply(500, { errors: [`Integration ${CREDENTIALS.integrationCode} with secret ${CREDENTIALS.secret} failed.`] })
      .post(`${API}/Companies/query`)
      .reply(200, {
        items: [],
        pageDetails: { nextPageUrl: `${ZONE_HOST}${API}/Companies/query/next?paging=abc&secret=${CREDENTIALS.secret}` },
      })
      .post(`${API}/Companies/query/next`)
      .query(true)
      .reply(401, '');
    nock(LOOKUP_HOST)
      .get(LOOKUP_PATH)
      .query(true)
      .reply(200, {
        zoneName: 'America West',
        url: `${ZONE_HOST}/ATServicesRest/`,
        webUrl: 'https://ww5.autotask.net/',
      });
    const { client, recorder } = makeClient({ logLevel: 'all' });
    await rejection(client.createTicket({ companyId: 0, title: 't', status: 1, priority: 1 }));
    await rejection(client.getCompanies([1]));
    const text = JSON.stringify(recorder.entries);
    expect(recorder.entries.length).toBeGreaterThanOrEqual(4);
    expect(text).not.toContain(CREDENTIALS.secret);
    expect(text).not.toContain(CREDENTIALS.integrationCode);
    expect(text).toContain('[redacted]');
    // No query strings at all: not the zone lookup's user, not a page link's parameters.
    expect(recorder.entries.every((e) => !e.path.includes('?'))).toBe(true);
    expect(text).not.toContain('user=');
  });

  it('pino log lines (trace level), and the errors a service logs, hold no credentials', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino({ level: 'trace' }, sink);
    mockZoneLookup();
    api()
      .get(`${API}/Companies/0`)
      .reply(503, '')
      .get(`${API}/Companies/0`)
      .reply(401, '')
      .post(`${API}/Tickets`)
      .reply(500, { errors: [`bad secret ${CREDENTIALS.secret}`] });
    mockZoneLookup();
    const { client } = makeClient({ logger });
    await rejection(client.getCompany(0));
    const err = await rejection(client.createTicket({ companyId: 0, title: 't', status: 1, priority: 1 }));
    logger.error({ err }, 'as a service would log it');
    expect(lines.length).toBeGreaterThan(3);
    const text = lines.join('');
    expect(text).not.toContain(CREDENTIALS.integrationCode);
    expect(text).not.toContain(CREDENTIALS.secret);
    expect(text).toContain('bad secret [redacted]');
  });

  it('a failing recorder does not fail the call', async () => {
    mockZoneLookup();
    api().get(`${API}/Companies/0`).reply(200, company);
    const { client } = makeClient({
      recorder: {
        record: () => Promise.reject(new Error('database is down')),
      },
    });
    expect((await client.getCompany(0)).name).toBe('Our MSP');
  });
});
