import { beforeAll, describe, expect, it } from 'vitest';
import { get, getQuery, post, queryIds, useTestSimulator, type ErrorsBody, type ItemsBody } from './helpers.ts';

const sim = await useTestSimulator({ seed: 'empty' }, { reset: false });

beforeAll(() => {
  const add = sim.state.addCompany.bind(sim.state);
  add({ id: 1, companyName: 'Alpha Dental', city: 'Utrecht', companyType: 1, createDate: '2025-01-10T08:00:00.000Z' });
  add({
    id: 2,
    companyName: 'Alpha Logistics',
    city: 'Rotterdam',
    companyType: 3,
    isActive: false,
    createDate: '2025-06-01T00:00:00.000Z',
  });
  add({ id: 3, companyName: 'Beta Dental Group', city: null, companyType: 1, createDate: '2026-01-01T00:00:00.000Z' });
  add({
    id: 4,
    companyName: 'Gamma Bank',
    city: 'Utrecht',
    companyType: 7,
    createDate: '2026-02-01T12:00:00.000Z',
    userDefinedFields: [{ name: 'Tier', value: 'Gold' }],
  });
  add({ id: 5, companyName: 'delta dental', city: 'Zwolle', companyType: 1, createDate: '2026-02-02T00:00:00.000Z' });
});

const f = (op: string, field: string, value?: unknown) => (value === undefined ? { op, field } : { op, field, value });

describe('filter operators', () => {
  it.each([
    ['eq (strings compare case-insensitively)', [f('eq', 'companyName', 'ALPHA DENTAL')], [1]],
    ['noteq (a null field never matches)', [f('noteq', 'city', 'Utrecht')], [2, 5]],
    ['gt', [f('gt', 'id', 3)], [4, 5]],
    ['gte', [f('gte', 'id', 3)], [3, 4, 5]],
    ['lt', [f('lt', 'id', 3)], [1, 2]],
    ['lte', [f('lte', 'id', 2)], [1, 2]],
    ['beginsWith', [f('beginsWith', 'companyName', 'alpha')], [1, 2]],
    ['endsWith', [f('endsWith', 'companyName', 'DENTAL')], [1, 5]],
    ['contains', [f('contains', 'companyName', 'dental')], [1, 3, 5]],
    ['exist', [f('exist', 'city')], [1, 2, 4, 5]],
    ['notExist', [f('notExist', 'city')], [3]],
    ['in', [f('in', 'companyType', [3, 7])], [2, 4]],
    ['in with string values', [f('in', 'companyType', ['3', '7'])], [2, 4]],
    ['notIn', [f('notIn', 'companyType', [1])], [2, 4]],
    ['boolean as string "false"', [f('eq', 'isActive', 'false')], [2]],
    ['boolean', [f('eq', 'isActive', true)], [1, 3, 4, 5]],
    ['datetime without zone is UTC', [f('gte', 'createDate', '2026-01-01T00:00:00')], [3, 4, 5]],
    ['datetime with zone', [f('lt', 'createDate', '2026-02-01T13:00:00+01:00')], [1, 2, 3]],
    ['operator names in any case', [f('BEGINSWITH', 'companyname', 'GAMMA')], [4]],
    ['top-level items are ANDed', [f('eq', 'isActive', true), f('contains', 'companyName', 'dental')], [1, 3, 5]],
    ['udf', [{ op: 'eq', field: 'tier', udf: true, value: 'GOLD' }], [4]],
  ])('%s', async (_name, filter, expected) => {
    expect(await queryIds(sim, 'Companies', filter)).toEqual(expected);
  });

  it('evaluates nested and/or groups', async () => {
    const filter = [
      {
        op: 'or',
        items: [
          { op: 'and', items: [f('eq', 'companyType', 1), f('eq', 'city', 'Utrecht')] },
          f('contains', 'companyName', 'bank'),
          { op: 'and', items: [f('eq', 'isActive', false), { op: 'or', items: [f('eq', 'id', 2), f('eq', 'id', 3)] }] },
        ],
      },
    ];
    expect(await queryIds(sim, 'Companies', filter)).toEqual([1, 2, 4]);
  });

  it.each([
    ['an unknown field', [f('eq', 'nope', 1)], 'Unable to find nope in the Companies entity.'],
    ['an unknown operator', [f('like', 'companyName', 'x')], "Invalid filter operator 'like'."],
    ['a missing value', [f('eq', 'companyName')], "A value is required for operator 'eq' on field companyName."],
    [
      'a null value',
      [{ op: 'eq', field: 'companyName', value: null }],
      "A value is required for operator 'eq' on field companyName.",
    ],
    ['an unconvertible value', [f('eq', 'companyType', 'abc')], 'Conversion failed'],
    ['an empty group', [{ op: 'or', items: [] }], "The 'or' filter group must contain at least one item."],
    ['an empty filter', [], 'The query must contain at least one filter.'],
  ])('rejects %s with 500 errors[]', async (_name, filter, message) => {
    const res = await post<ErrorsBody>(sim, 'V1.0/Companies/query', { filter });
    expect(res.status).toBe(500);
    expect(res.json.errors.join(' ')).toContain(message);
  });

  it('rejects a query without filter', async () => {
    const res = await post<ErrorsBody>(sim, 'V1.0/Companies/query', { MaxRecords: 5 });
    expect(res.status).toBe(500);
    expect(res.json.errors).toHaveLength(1);
  });

  it('caps in-lists at 500 values', async () => {
    const values = Array.from({ length: 501 }, (_, i) => i);
    const res = await post<ErrorsBody>(sim, 'V1.0/Companies/query', { filter: [f('in', 'id', values)] });
    expect(res.status).toBe(500);
    expect(res.json.errors[0]).toContain("500 or fewer 'OR' conditions");
  });
});

describe('query shape', () => {
  it('answers {items, pageDetails} with the default page size 500', async () => {
    const res = await post<ItemsBody>(sim, 'V1.0/Companies/query', { filter: [f('exist', 'id')] });
    expect(res.json.pageDetails).toEqual({ count: 5, requestCount: 500, prevPageUrl: null, nextPageUrl: null });
    expect(Object.keys(res.json.items[0]!)).toContain('companyName');
  });

  it('returns only IncludeFields (plus userDefinedFields)', async () => {
    const res = await post<ItemsBody>(sim, 'V1.0/Companies/query', {
      filter: [f('eq', 'id', 4)],
      IncludeFields: ['id', 'city'],
    });
    expect(res.json.items).toEqual([{ id: 4, city: 'Utrecht', userDefinedFields: [{ name: 'Tier', value: 'Gold' }] }]);
  });

  it('rejects an unknown IncludeFields name', async () => {
    const res = await post(sim, 'V1.0/Companies/query', { filter: [f('exist', 'id')], IncludeFields: ['bogus'] });
    expect(res.status).toBe(500);
  });

  it('honours MaxRecords and rejects values above 500', async () => {
    const two = await post<ItemsBody>(sim, 'V1.0/Companies/query', { filter: [f('exist', 'id')], MaxRecords: 2 });
    expect(two.json.items.map((i) => i.id)).toEqual([1, 2]);
    expect(two.json.pageDetails).toMatchObject({ count: 2, requestCount: 2 });
    expect(two.json.pageDetails.nextPageUrl).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/ATServicesRest\/V1\.0\/Companies\/query\/next\?/,
    );
    const tooMany = await post<ErrorsBody>(sim, 'V1.0/Companies/query', {
      filter: [f('exist', 'id')],
      MaxRecords: 501,
    });
    expect(tooMany.status).toBe(500);
    expect(tooMany.json.errors[0]).toContain('MaxRecords');
  });

  it('queries by GET ?search= as well', async () => {
    const res = await getQuery<ItemsBody>(sim, 'Companies', { filter: [f('beginsWith', 'companyName', 'alpha')] });
    expect(res.status).toBe(200);
    expect(res.json.items.map((i) => i.id)).toEqual([1, 2]);
  });

  it('counts by POST and GET', async () => {
    const body = { filter: [f('contains', 'companyName', 'dental')] };
    expect((await post(sim, 'V1.0/Companies/query/count', body)).json).toEqual({ queryCount: 3 });
    const viaGet = await get(sim, `V1.0/Companies/query/count?search=${encodeURIComponent(JSON.stringify(body))}`);
    expect(viaGet.json).toEqual({ queryCount: 3 });
  });

  it('answers {"item": null} with 200 for a missing id', async () => {
    const res = await get(sim, 'V1.0/Companies/99999');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ item: null });
  });
});
