import { beforeAll, describe, expect, it } from 'vitest';
import { call, getQuery, post, useTestSimulator, type ErrorsBody, type ItemsBody } from './helpers.ts';

const sim = await useTestSimulator({ seed: 'empty' }, { reset: false });
beforeAll(() => {
  for (let id = 1; id <= 12; id++) sim.state.addCompany({ id, companyName: `Company ${String(id).padStart(2, '0')}` });
});

const ids = (json: ItemsBody) => json.items.map((i) => i.id);
const body = { filter: [{ op: 'gte', field: 'id', value: 0 }], MaxRecords: 5, IncludeFields: ['id', 'companyName'] };

describe('paging', () => {
  it('pages a POST query across 3 pages by POSTing the same body to nextPageUrl', async () => {
    const first = await post<ItemsBody>(sim, 'V1.0/Companies/query', body);
    expect(ids(first.json)).toEqual([1, 2, 3, 4, 5]);
    expect(first.json.pageDetails.prevPageUrl).toBeNull();
    const nextUrl = first.json.pageDetails.nextPageUrl!;
    expect(nextUrl.startsWith(sim.apiUrl)).toBe(true);

    const second = await call<ItemsBody>(sim, 'POST', nextUrl, { body });
    expect(second.status).toBe(200);
    expect(ids(second.json)).toEqual([6, 7, 8, 9, 10]);
    // IncludeFields carry through pages.
    expect(second.json.items[0]).toEqual({ id: 6, companyName: 'Company 06', userDefinedFields: [] });
    expect(second.json.pageDetails.prevPageUrl).not.toBeNull();

    const third = await call<ItemsBody>(sim, 'POST', second.json.pageDetails.nextPageUrl!, { body });
    expect(ids(third.json)).toEqual([11, 12]);
    expect(third.json.pageDetails).toMatchObject({ count: 2, requestCount: 5, nextPageUrl: null });

    const back = await call<ItemsBody>(sim, 'POST', third.json.pageDetails.prevPageUrl!, { body });
    expect(ids(back.json)).toEqual([6, 7, 8, 9, 10]);
  });

  it('answers 405 to a GET of a POST-originated nextPageUrl', async () => {
    const first = await post<ItemsBody>(sim, 'V1.0/Companies/query', body);
    const res = await call<ErrorsBody>(sim, 'GET', first.json.pageDetails.nextPageUrl!);
    expect(res.status).toBe(405);
    expect(res.json.errors[0]).toContain("does not support http method 'GET'");
  });

  it('pages a GET query by following nextPageUrl with GET', async () => {
    const pages: unknown[][] = [];
    let res = await getQuery<ItemsBody>(sim, 'Companies', body);
    pages.push(ids(res.json));
    while (res.json.pageDetails.nextPageUrl) {
      res = await call<ItemsBody>(sim, 'GET', res.json.pageDetails.nextPageUrl);
      expect(res.status).toBe(200);
      pages.push(ids(res.json));
    }
    expect(pages).toEqual([
      [1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10],
      [11, 12],
    ]);
  });

  it('has no next page when the last page is exactly full', async () => {
    const res = await post<ItemsBody>(sim, 'V1.0/Companies/query', {
      ...body,
      filter: [{ op: 'lte', field: 'id', value: 10 }],
    });
    const second = await call<ItemsBody>(sim, 'POST', res.json.pageDetails.nextPageUrl!, {
      body: { ...body, filter: [{ op: 'lte', field: 'id', value: 10 }] },
    });
    expect(ids(second.json)).toEqual([6, 7, 8, 9, 10]);
    expect(second.json.pageDetails.nextPageUrl).toBeNull();
  });
});
