import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createAutotaskClient, InMemoryZoneCache } from '../../../src/autotask/client.ts';
import { endpointBucket } from '../../../src/autotask/concurrency.ts';
import {
  API,
  api,
  CREDENTIALS,
  LOOKUP_HOST,
  LOOKUP_PATH,
  makeClient,
  mockZoneLookup,
  ZONE_ANSWER,
  useNock,
} from './helpers.ts';

// At most 3 requests in flight per entity endpoint (Autotask's thread limit); other entities go on.

useNock();

/** Server-side view of concurrency: how many requests per bucket are being answered right now. */
function tracker() {
  const now = new Map<string, number>();
  const max = new Map<string, number>();
  const log: string[] = [];
  return {
    max,
    log,
    /** A nock reply that holds the request for `ms` while counting it as in flight. */
    reply(bucket: string, ms: number, body: nock.ReplyBody) {
      return (
        _uri: string,
        _body: nock.Body,
        cb: (err: NodeJS.ErrnoException | null, result: nock.ReplyFnResult) => void,
      ) => {
        const n = (now.get(bucket) ?? 0) + 1;
        now.set(bucket, n);
        max.set(bucket, Math.max(max.get(bucket) ?? 0, n));
        log.push(`start ${bucket}`);
        setTimeout(() => {
          now.set(bucket, (now.get(bucket) ?? 1) - 1);
          log.push(`end ${bucket}`);
          cb(null, [200, body]);
        }, ms);
      };
    },
  };
}

const company = { item: { id: 0, companyName: 'Our MSP', isActive: true } };
const ticket = { item: { id: 1, ticketNumber: 'T20240101.0001', title: 't', companyID: 0, status: 1 } };

describe('thread limit', () => {
  it('6 parallel company gets: never more than 3 in flight, and a ticket get is not held up by them', async () => {
    mockZoneLookup();
    const t = tracker();
    const companies = api()
      .get(`${API}/Companies/0`)
      .times(6)
      .reply(t.reply('Companies', 60, company));
    const tickets = api()
      .get(`${API}/Tickets/1`)
      .reply(t.reply('Tickets', 5, ticket));
    const { client } = makeClient();
    await client.getZone();

    const companyCalls = Array.from({ length: 6 }, () => client.getCompany(0));
    const ticketCall = client.getTicket(1);
    await Promise.all([...companyCalls, ticketCall]);

    expect(t.max.get('Companies')).toBe(3);
    // The ticket started and finished while the first three company calls were still running.
    expect(t.log.indexOf('end Tickets')).toBeLessThan(t.log.indexOf('end Companies'));
    companies.done();
    tickets.done();
  });

  it('metadata calls share their entity bucket', async () => {
    mockZoneLookup();
    const t = tracker();
    const gets = api()
      .get(`${API}/Tickets/1`)
      .times(3)
      .reply(t.reply('Tickets', 50, ticket));
    const fields = api()
      .get(`${API}/Tickets/entityInformation/fields`)
      .reply(t.reply('Tickets', 1, { fields: [] }));
    const { client } = makeClient();
    await client.getZone();
    await Promise.all([client.getTicket(1), client.getTicket(1), client.getTicket(1), client.getTicketPicklists()]);
    expect(t.max.get('Tickets')).toBe(3);
    expect(t.log.slice(0, 4)).toEqual(['start Tickets', 'start Tickets', 'start Tickets', 'end Tickets']);
    gets.done();
    fields.done();
  });

  it('clients built separately for the same integration code share the 3 slots', async () => {
    const code = 'SHAREDLIMITCODE000000000001';
    const credentials = { ...CREDENTIALS, integrationCode: code };
    nock(LOOKUP_HOST).get(LOOKUP_PATH).query(true).times(2).reply(200, ZONE_ANSWER);
    const t = tracker();
    const scope = nock(`${new URL(ZONE_ANSWER.url).origin}`, { reqheaders: { ApiIntegrationCode: code } })
      .get(`${API}/Companies/0`)
      .times(6)
      .reply(t.reply('Companies', 40, company));
    const make = () =>
      createAutotaskClient({ credentials, environment: 'production', zoneCache: new InMemoryZoneCache() });
    const a = make();
    const b = make();
    await Promise.all([a.getZone(), b.getZone()]);
    await Promise.all([
      a.getCompany(0),
      a.getCompany(0),
      a.getCompany(0),
      b.getCompany(0),
      b.getCompany(0),
      b.getCompany(0),
    ]);
    expect(t.max.get('Companies')).toBe(3);
    scope.done();
  });

  it('the zone lookup is not thread-limited', async () => {
    const lookups = nock(LOOKUP_HOST).get(LOOKUP_PATH).query(true).times(5).delay(20).reply(200, ZONE_ANSWER);
    const clients = Array.from({ length: 5 }, () => makeClient().client);
    await Promise.all(clients.map((c) => c.getZone()));
    lookups.done();
  });

  it('derives the bucket from the entity after V1.0/', () => {
    expect(endpointBucket('https://webservices5.autotask.net/ATServicesRest/V1.0/Tickets/123')).toBe('Tickets');
    expect(
      endpointBucket('https://webservices5.autotask.net/ATServicesRest/V1.0/Tickets/entityInformation/fields'),
    ).toBe('Tickets');
    expect(endpointBucket('https://webservices5.autotask.net/ATServicesRest/V1.0/Tickets/5/Notes')).toBe('Tickets');
    expect(endpointBucket('https://webservices5.autotask.net/ATServicesRest/v1.0/Companies/query/next?paging=x')).toBe(
      'Companies',
    );
    expect(endpointBucket('https://webservices5.autotask.net/ATServicesRest/V1.0/TicketNotes/query')).toBe(
      'TicketNotes',
    );
  });
});
