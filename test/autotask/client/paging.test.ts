import { describe, expect, it } from 'vitest';
import { AutotaskUnavailableError } from '../../../src/autotask/client.ts';
import { API, api, makeClient, mockZoneLookup, rejection, ZONE_HOST, useNock } from './helpers.ts';

// Paging follows nextPageUrl with a POST of the same body; `in` lists go in batches of ≤ 500.

useNock();

const company = (id: number) => ({ id, companyName: `Company ${id}`, isActive: true });
const nextUrl = (host: string, n: number) =>
  `${host}/ATServicesRest/V1.0/Companies/query/next?paging=${encodeURIComponent(JSON.stringify({ pageSize: 500, previousIds: [n], nextIds: [n + 1] }))}&search=x`;

function page(items: unknown[], next: string | null) {
  return { items, pageDetails: { count: items.length, requestCount: 500, prevPageUrl: null, nextPageUrl: next } };
}

describe('paging', () => {
  it('follows nextPageUrl across 3 pages, POSTing the same body each time', async () => {
    mockZoneLookup();
    const bodies: unknown[] = [];
    const paths: string[] = [];
    const scope = api()
      .post(`${API}/Companies/query`)
      .reply(function (_uri, body) {
        bodies.push(body);
        paths.push(this.req.path);
        return [200, page([company(1), company(2)], nextUrl(ZONE_HOST, 1))];
      })
      .post(`${API}/Companies/query/next`)
      .query(true)
      .reply(function (_uri, body) {
        bodies.push(body);
        paths.push(this.req.path);
        return [200, page([company(3)], nextUrl(ZONE_HOST, 2))];
      })
      .post(`${API}/Companies/query/next`)
      .query(true)
      .reply(function (_uri, body) {
        bodies.push(body);
        paths.push(this.req.path);
        return [200, page([company(4)], null)];
      });
    const { client } = makeClient();
    const companies = await client.searchCompanies('Company', { limit: 500 });
    expect(companies.map((c) => c.id)).toEqual([1, 2, 3, 4]);
    const first = {
      filter: [
        { op: 'contains', field: 'companyName', value: 'Company' },
        { op: 'eq', field: 'isActive', value: true },
      ],
      MaxRecords: 500,
    };
    expect(bodies).toEqual([first, first, first]);
    expect(paths[1]).toBe(new URL(nextUrl(ZONE_HOST, 1)).pathname + new URL(nextUrl(ZONE_HOST, 1)).search);
    expect(paths[2]).toBe(new URL(nextUrl(ZONE_HOST, 2)).pathname + new URL(nextUrl(ZONE_HOST, 2)).search);
    scope.done();
  });

  it('sends page requests only to the zone host, even when nextPageUrl names another', async () => {
    mockZoneLookup();
    const scope = api()
      .post(`${API}/Companies/query`)
      .reply(200, page([company(1)], nextUrl('https://elsewhere.example.com', 1)))
      .post(`${API}/Companies/query/next`)
      .query(true)
      .reply(200, page([company(2)], null));
    const { client } = makeClient();
    expect((await client.getCompanies([1, 2])).map((c) => c.id)).toEqual([1, 2]);
    scope.done();
  });

  it('stops when the limit is reached, without fetching more pages', async () => {
    mockZoneLookup();
    const scope = api()
      .post(`${API}/Companies/query`)
      .reply(200, page([company(1), company(2), company(3)], nextUrl(ZONE_HOST, 3)));
    const { client } = makeClient();
    expect((await client.searchCompanies('Company', { limit: 2 })).map((c) => c.id)).toEqual([1, 2]);
    scope.done();
  });

  it('gives up on a page link that repeats', async () => {
    mockZoneLookup();
    const loop = nextUrl(ZONE_HOST, 1);
    const scope = api()
      .post(`${API}/Companies/query`)
      .reply(200, page([company(1)], loop))
      .post(`${API}/Companies/query/next`)
      .query(true)
      .reply(200, page([company(2)], loop));
    const { client } = makeClient();
    const err = await rejection(client.getCompanies([1, 2, 3]));
    expect(err).toBeInstanceOf(AutotaskUnavailableError);
    scope.done();
  });
});

describe('batching', () => {
  it('1,200 ids become 3 `in` queries of 500, 500 and 200', async () => {
    mockZoneLookup();
    const batches: number[][] = [];
    const scope = api()
      .post(`${API}/Companies/query`)
      .times(3)
      .reply((_uri, body) => {
        const filter = (body as { filter: { op: string; field: string; value: number[] }[] }).filter;
        expect(filter).toHaveLength(1);
        expect(filter[0]).toMatchObject({ op: 'in', field: 'id' });
        const ids = filter[0]!.value;
        batches.push(ids);
        return [200, page(ids.map(company), null)];
      });
    const ids = Array.from({ length: 1200 }, (_, i) => i + 1);
    const { client } = makeClient();
    const companies = await client.getCompanies(ids);
    expect(batches.map((b) => b.length).sort((a, b) => b - a)).toEqual([500, 500, 200]);
    expect(batches.flat().sort((a, b) => a - b)).toEqual(ids);
    expect(companies.map((c) => c.id)).toEqual(ids);
    scope.done();
  });

  it('tickets are batched the same way', async () => {
    mockZoneLookup();
    const sizes: number[] = [];
    const scope = api()
      .post(`${API}/Tickets/query`)
      .times(2)
      .reply((_uri, body) => {
        sizes.push((body as { filter: { value: number[] }[] }).filter[0]!.value.length);
        return [200, page([], null)];
      });
    const { client } = makeClient();
    await client.getTickets(Array.from({ length: 501 }, (_, i) => i + 1));
    expect(sizes.sort()).toEqual([1, 500]);
    scope.done();
  });
});
