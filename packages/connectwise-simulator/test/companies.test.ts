import { beforeEach, describe, expect, it } from 'vitest';
import { COMPANY } from '../src/index.ts';
import { control, get, ids, useTestSimulator, type CountBody, type ErrorBody, type WireRecord } from './helpers.ts';

const sim = await useTestSimulator();

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

describe('company/companies', () => {
  it('lists companies as a bare array of ConnectWise records, ordered by id', async () => {
    const result = await get<WireRecord[]>(sim, 'company/companies');
    expect(result.status).toBe(200);
    expect(result.json.map((c) => c.id)).toEqual(sim.state.companies.map((c) => c.id));
    expect(result.json[0]).toMatchObject({
      id: COMPANY.acme,
      identifier: 'AcmeDental',
      name: 'Acme Dental',
      status: { id: 1, name: 'Active', _info: { status_href: expect.stringContaining('/apis/3.0/') as unknown } },
      deletedFlag: false,
      _info: { lastUpdated: '2026-01-05T09:00:00Z' },
    });
    expect(result.headers.get('link')).toBeNull();
  });

  it('reads one company, and answers 404 NotFound for an unknown id', async () => {
    const one = await get<WireRecord>(sim, `company/companies/${COMPANY.oldClient}`);
    expect(one.json).toMatchObject({ name: 'Old Client Ltd', deletedFlag: true, dateDeleted: '2025-11-30T16:00:00Z' });
    const missing = await get<ErrorBody>(sim, 'company/companies/99999');
    expect([missing.status, missing.json]).toEqual([404, { code: 'NotFound', message: 'Company 99999 not found' }]);
  });

  it('filters with conditions the way a mapping page searches', async () => {
    expect(await ids(sim, 'company/companies', 'name contains "contoso" and deletedFlag = false')).toEqual([
      COMPANY.contoso,
      COMPANY.contosoHolding,
    ]);
    expect(await ids(sim, 'company/companies', 'status/name = "Inactive"')).toEqual([COMPANY.tailspin]);
    expect(await ids(sim, 'company/companies', `id in (${COMPANY.acme}, ${COMPANY.margies}, 1)`)).toEqual([
      COMPANY.acme,
      COMPANY.margies,
    ]);
    expect(await ids(sim, 'company/companies', "name = 'Margie''s Travel'").catch((e: Error) => e.message)).toContain(
      '400',
    );
    expect(await ids(sim, 'company/companies', `name like "margie%"`)).toEqual([COMPANY.margies]);
    expect(await ids(sim, 'company/companies', 'identifier = "acmedental"')).toEqual([COMPANY.acme]);
  });

  it('counts with the same conditions', async () => {
    const all = await get<CountBody>(sim, 'company/companies/count');
    expect(all.json).toEqual({ count: sim.state.companies.length });
    const some = await get<CountBody>(sim, `company/companies/count?${q({ conditions: 'deletedFlag = true' })}`);
    expect(some.json).toEqual({ count: 1 });
  });

  it('answers 400 InvalidObject for an unknown field or a malformed condition', async () => {
    const unknown = await get<ErrorBody>(sim, `company/companies?${q({ conditions: 'companyName = "Acme"' })}`);
    expect(unknown.status).toBe(400);
    expect(unknown.json).toMatchObject({
      code: 'InvalidObject',
      message: "Unknown field 'companyName'.",
      errors: [{ code: 'InvalidField', resource: 'company', field: 'companyName' }],
    });
    const malformed = await get<ErrorBody>(sim, `company/companies?${q({ conditions: 'name = "Acme' })}`);
    expect(malformed.status).toBe(400);
    expect(malformed.json.message).toContain('Unterminated string');
    const wrongType = await get<ErrorBody>(sim, `company/companies/count?${q({ conditions: 'deletedFlag = 0' })}`);
    expect(wrongType.json.message).toMatch(/^Expected a boolean value, not a numeric\./);
  });

  it('orders by orderBy and keeps only the fields asked for', async () => {
    const ordered = await get<WireRecord[]>(
      sim,
      `company/companies?${q({ orderBy: 'name desc', fields: 'id,name,status/name', conditions: 'id < 254' })}`,
    );
    expect(ordered.json).toEqual([
      { id: COMPANY.northwind, name: 'Northwind Traders', status: { name: 'Active' } },
      { id: COMPANY.fabrikam, name: 'Fabrikam Architects', status: { name: 'Active' } },
      { id: COMPANY.contoso, name: 'Contoso B.V.', status: { name: 'Active' } },
      { id: COMPANY.acme, name: 'Acme Dental', status: { name: 'Active' } },
    ]);
    const whole = await get<WireRecord[]>(
      sim,
      `company/companies?${q({ fields: 'ID,Status', conditions: 'id = 250' })}`,
    );
    expect(whole.json).toEqual([{ id: 250, status: expect.objectContaining({ id: 1, name: 'Active' }) as unknown }]);
    const bad = await get<ErrorBody>(sim, `company/companies?${q({ orderBy: 'nope asc' })}`);
    expect([bad.status, bad.json.errors?.[0]?.field]).toEqual([400, 'nope']);
    const badField = await get<ErrorBody>(sim, `company/companies?${q({ fields: 'id,nope' })}`);
    expect([badField.status, badField.json.errors?.[0]?.field]).toEqual([400, 'nope']);
  });

  it('lists company statuses with their flags', async () => {
    const statuses = await get<WireRecord[]>(sim, 'company/companies/statuses');
    expect(statuses.json.map((s) => [s.name, s.inactiveFlag, s.disallowSavingFlag])).toEqual([
      ['Active', false, false],
      ['Inactive', true, false],
      ['Credit Hold', false, true],
    ]);
    expect((await get(sim, 'company/companies/statuses/2')).status).toBe(200);
  });

  it('shows companies added, re-statused and deleted through the control API', async () => {
    const added = await control<{ company: { id: number } }>(sim, 'companies', { name: 'New <Client> & Co' });
    await control(sim, `companies/${COMPANY.fabrikam}/status`, { statusId: 2 });
    await control(sim, `companies/${COMPANY.northwind}/delete`);
    expect(await ids(sim, 'company/companies', 'name = "New <Client> & Co"')).toEqual([added.json.company.id]);
    expect(await ids(sim, 'company/companies', 'status/id = 2')).toEqual([COMPANY.fabrikam, COMPANY.tailspin]);
    expect(await ids(sim, 'company/companies', 'deletedFlag = true')).toEqual([COMPANY.northwind, COMPANY.oldClient]);
  });
});

describe('paging', () => {
  beforeEach(async () => {
    const companies = Array.from({ length: 40 }, (_, i) => ({ name: `Paging ${String(i).padStart(2, '0')}` }));
    await control(sim, 'seed', { companies });
  });
  const paging = 'name like "Paging%"';

  it('pages with page and pageSize and links next/last, then prev/first', async () => {
    const first = await get<WireRecord[]>(sim, `company/companies?${q({ conditions: paging, pageSize: '15' })}`);
    expect(first.json).toHaveLength(15);
    const base = `${sim.baseUrl}/company/companies?${q({ conditions: paging, pageSize: '15' })}`;
    expect(first.headers.get('link')).toBe(`<${base}&page=2>; rel="next", <${base}&page=3>; rel="last"`);

    const second = await get<WireRecord[]>(
      sim,
      `company/companies?${q({ conditions: paging, pageSize: '15', page: '2' })}`,
    );
    expect(second.json[0]?.name).toBe('Paging 15');
    expect(second.headers.get('link')).toMatch(/rel="prev", .*rel="first", .*rel="next", .*rel="last"$/);

    const last = await get<WireRecord[]>(
      sim,
      `company/companies?${q({ conditions: paging, pageSize: '15', page: '3' })}`,
    );
    expect(last.json.map((c) => c.name)).toEqual(Array.from({ length: 10 }, (_, i) => `Paging ${30 + i}`));
    expect(last.headers.get('link')).toBe(`<${base}&page=2>; rel="prev", <${base}&page=1>; rel="first"`);

    const beyond = await get<WireRecord[]>(
      sim,
      `company/companies?${q({ conditions: paging, pageSize: '15', page: '9' })}`,
    );
    expect(beyond.json).toEqual([]);
  });

  it('follows the Link URLs to the end', async () => {
    const seen: number[] = [];
    let url: string | null = `company/companies?${q({ conditions: paging, pageSize: '7' })}`;
    while (url) {
      const page: Awaited<ReturnType<typeof get<WireRecord[]>>> = await get<WireRecord[]>(sim, url);
      seen.push(...page.json.map((c) => c.id));
      url = /<([^>]+)>; rel="next"/.exec(page.headers.get('link') ?? '')?.[1] ?? null;
    }
    expect(seen).toHaveLength(40);
    expect(new Set(seen).size).toBe(40);
  });

  it('defaults to 25 a page and lowers a pageSize above 1,000 to 1,000', async () => {
    expect((await get<WireRecord[]>(sim, `company/companies?${q({ conditions: paging })}`)).json).toHaveLength(25);
    await control(sim, 'seed', { companies: Array.from({ length: 1000 }, (_, i) => ({ name: `Bulk ${i}` })) });
    const big = await get<WireRecord[]>(sim, `company/companies?${q({ pageSize: '5000' })}`);
    expect(big.json).toHaveLength(1000);
    expect(big.headers.get('link')).toContain('rel="next"');
  });

  it.each([
    ['page', '0'],
    ['page', 'two'],
    ['pageSize', '0'],
    ['pageSize', '-5'],
    ['pageSize', '1.5'],
  ])('refuses %s=%s with 400', async (name, value) => {
    const result = await get<ErrorBody>(sim, `company/companies?${q({ [name]: value })}`);
    expect([result.status, result.json.code, result.json.errors?.[0]?.field]).toEqual([400, 'InvalidObject', name]);
  });

  it('pages forward only with the pagination-type header and pageId', async () => {
    const headers = { 'pagination-type': 'forward-only' };
    const first = await get<WireRecord[]>(sim, `company/companies?${q({ conditions: paging, pageSize: '30' })}`, {
      headers,
    });
    expect(first.json).toHaveLength(30);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')?.[1] ?? '';
    expect(next).toContain(`pageId=${first.json.at(-1)?.id}`);
    const rest = await get<WireRecord[]>(sim, next, { headers });
    expect(rest.json).toHaveLength(10);
    expect(rest.headers.get('link')).toBeNull();
  });
});
