import { describe, expect, it } from 'vitest';
import { ConnectWiseNotFoundError, createConnectWiseClient } from '../../src/connectwise/client.ts';
import { connectWiseApiUrl } from '../../src/connectwise/url.ts';
import { API, api, CREDENTIALS, makeClient, rejection, useNock } from './helpers.ts';

// Connection test, companies and setup lists: exact requests, answers mapped to domain types.

useNock();

const COMPANY_FIELDS = 'id,identifier,name,status/id,status/name,deletedFlag';

const companyItem = {
  id: 250,
  identifier: 'Acme',
  name: 'Acme Backup BV',
  status: { id: 1, name: 'Active', _info: { status_href: 'x' } },
  deletedFlag: false,
  somethingNew: { nested: true },
};

const mappedCompany = {
  id: 250,
  identifier: 'Acme',
  name: 'Acme Backup BV',
  statusId: 1,
  statusName: 'Active',
  deleted: false,
};

describe('connection', () => {
  it('testConnection GETs system/info with the credentials', async () => {
    const scope = api().get(`${API}/system/info`).reply(200, {
      version: 'v2025.1.105000',
      isCloud: true,
      serverTimeZone: 'Eastern Standard Time',
      licenseBits: [],
      cloudRegion: 'EU',
    });
    const { client, recorder } = makeClient();
    expect(await client.testConnection()).toEqual({
      version: 'v2025.1.105000',
      isCloud: true,
      serverTimeZone: 'Eastern Standard Time',
      cloudRegion: 'EU',
    });
    expect(recorder.entries.map((e) => [e.operation, e.method, e.path, e.status])).toEqual([
      ['connection.test', 'GET', `${API}/system/info`, 200],
    ]);
    scope.done();
  });

  it('builds the API root from a login host, and checks a given one', () => {
    expect(connectWiseApiUrl('api-eu.myconnectwise.net')).toBe(
      'https://api-eu.myconnectwise.net/v4_6_release/apis/3.0',
    );
    expect(connectWiseApiUrl('https://cw.example.com/', 'v2024_1')).toBe('https://cw.example.com/v2024_1/apis/3.0');
    expect(() => connectWiseApiUrl('cw.example.com/evil?x=1')).toThrow(TypeError);
    const make = (baseUrl: string) => () => createConnectWiseClient({ baseUrl, credentials: CREDENTIALS });
    expect(make('http://cw.example.com/v4_6_release/apis/3.0')).toThrow(/https/);
    expect(make('https://user:pw@cw.example.com/v4_6_release/apis/3.0')).toThrow(TypeError);
    expect(make('https://cw.example.com/v4_6_release/apis/3.0?x=1')).toThrow(TypeError);
    expect(make('http://127.0.0.1:8080/v4_6_release/apis/3.0/')).not.toThrow();
  });

  it('a trailing slash on the API root does not double up', async () => {
    const scope = api().get(`${API}/system/info`).reply(200, {});
    const { client } = makeClient({ baseUrl: `https://api-eu.myconnectwise.net${API}/` });
    await client.testConnection();
    scope.done();
  });
});

describe('companies', () => {
  it('searchCompanies: not deleted, name contains, by name, one page of `limit`', async () => {
    const scope = api()
      .get(`${API}/company/companies`)
      .query({
        conditions: 'deletedFlag = false AND name contains "Acme"',
        orderBy: 'name asc',
        fields: COMPANY_FIELDS,
        page: '1',
        pageSize: '10',
      })
      .reply(200, [companyItem]);
    const { client } = makeClient();
    expect(await client.searchCompanies('  Acme ', { limit: 10 })).toEqual([mappedCompany]);
    scope.done();
  });

  it('searchCompanies can include deleted companies; an empty search lists them all', async () => {
    const scope = api()
      .get(`${API}/company/companies`)
      .query({ orderBy: 'name asc', fields: COMPANY_FIELDS, page: '1', pageSize: '25' })
      .reply(200, [{ ...companyItem, deletedFlag: true }]);
    const { client } = makeClient();
    const [company] = await client.searchCompanies('', { includeDeleted: true });
    expect(company?.deleted).toBe(true);
    scope.done();
  });

  it('getCompany GETs company/companies/{id} with fields=', async () => {
    const scope = api()
      .get(`${API}/company/companies/250`)
      .query({ fields: COMPANY_FIELDS })
      .reply(200, { ...companyItem, id: '250' });
    const { client } = makeClient();
    expect(await client.getCompany(250)).toEqual(mappedCompany);
    scope.done();
  });

  it("getCompany of a missing company is ConnectWiseNotFoundError with ConnectWise's words", async () => {
    const scope = api()
      .get(`${API}/company/companies/999`)
      .query(true)
      .reply(404, { code: 'NotFound', message: 'Company 999 not found', errors: null });
    const { client } = makeClient();
    const err = await rejection(client.getCompany(999));
    expect(err).toBeInstanceOf(ConnectWiseNotFoundError);
    expect(err).toMatchObject({ status: 404, code: 'NotFound', detail: 'Company 999 not found' });
    scope.done();
  });

  it('getCompanies asks once for `id in (…)`', async () => {
    const scope = api()
      .get(`${API}/company/companies`)
      .query({ conditions: 'id in (1,2,250)', fields: COMPANY_FIELDS, page: '1', pageSize: '1000' })
      .reply(200, [companyItem]);
    const { client } = makeClient();
    expect((await client.getCompanies([1, 2, 250, 2])).map((c) => c.id)).toEqual([250]);
    scope.done();
  });

  it('rejects an id that is not a whole number before any call', async () => {
    const { client, recorder } = makeClient();
    await expect(client.getCompany(1.5)).rejects.toBeInstanceOf(TypeError);
    await expect(client.getCompanies([-3])).rejects.toBeInstanceOf(TypeError);
    expect(recorder.entries).toEqual([]);
  });
});

describe('setup lists', () => {
  const page = (fields: string, orderBy: string) => ({ orderBy, fields, page: '1', pageSize: '1000' });

  it('boards, priorities and members', async () => {
    const scope = api()
      .get(`${API}/service/boards`)
      .query(page('id,name,inactiveFlag', 'name asc'))
      .reply(200, [
        { id: 12, name: 'Service Desk', location: { id: 1 } },
        { id: 13, name: 'Old', inactiveFlag: true },
      ])
      .get(`${API}/service/priorities`)
      .query(page('id,name,defaultFlag,sortOrder', 'sortOrder asc'))
      .reply(200, [{ id: 8, name: 'Priority 3 - Normal', defaultFlag: true, sortOrder: 3, color: 'Green' }])
      .get(`${API}/system/members`)
      .query(page('id,identifier,firstName,lastName,inactiveFlag', 'identifier asc'))
      .reply(200, [{ id: 190, identifier: 'backupchecks-api', firstName: 'Backupchecks', lastName: null }]);
    const { client } = makeClient();
    expect(await client.listBoards()).toEqual([
      { id: 12, name: 'Service Desk', inactive: false },
      { id: 13, name: 'Old', inactive: true },
    ]);
    expect(await client.listPriorities()).toEqual([
      { id: 8, name: 'Priority 3 - Normal', isDefault: true, sortOrder: 3 },
    ]);
    expect(await client.listMembers()).toEqual([
      { id: 190, identifier: 'backupchecks-api', firstName: 'Backupchecks', lastName: null, inactive: false },
    ]);
    scope.done();
  });

  it('board statuses carry the closed flag', async () => {
    const scope = api()
      .get(`${API}/service/boards/12/statuses`)
      .query(page('id,name,closedStatus,inactive,defaultFlag,sortOrder,timeEntryNotAllowed', 'sortOrder asc'))
      .reply(200, [
        { id: 501, name: 'New', defaultFlag: true, sortOrder: 0, closedStatus: false },
        { id: 507, name: '>Closed', sortOrder: 9, closedStatus: true, timeEntryNotAllowed: true },
        { id: 508, name: 'Closed (old)', closedStatus: true, inactive: true },
      ]);
    const { client } = makeClient();
    expect(await client.listBoardStatuses(12)).toEqual([
      {
        id: 501,
        name: 'New',
        closed: false,
        inactive: false,
        isDefault: true,
        sortOrder: 0,
        timeEntryNotAllowed: false,
      },
      {
        id: 507,
        name: '>Closed',
        closed: true,
        inactive: false,
        isDefault: false,
        sortOrder: 9,
        timeEntryNotAllowed: true,
      },
      {
        id: 508,
        name: 'Closed (old)',
        closed: true,
        inactive: true,
        isDefault: false,
        sortOrder: null,
        timeEntryNotAllowed: false,
      },
    ]);
    scope.done();
  });

  it('board types, subtypes and items', async () => {
    const scope = api()
      .get(`${API}/service/boards/12/types`)
      .query(page('id,name,inactiveFlag', 'name asc'))
      .reply(200, [{ id: 31, name: 'Backup' }])
      .get(`${API}/service/boards/12/subtypes`)
      .query(page('id,name,inactiveFlag,typeAssociationIds', 'name asc'))
      .reply(200, [
        { id: 44, name: 'Failed job', typeAssociationIds: [31] },
        { id: 45, name: 'Other' },
      ])
      .get(`${API}/service/boards/12/items`)
      .query(page('id,name,inactiveFlag', 'name asc'))
      .reply(200, [{ id: 9, name: 'Exchange', inactiveFlag: true }]);
    const { client } = makeClient();
    expect(await client.listBoardTypes(12)).toEqual([{ id: 31, name: 'Backup', inactive: false }]);
    expect(await client.listBoardSubTypes(12)).toEqual([
      { id: 44, name: 'Failed job', inactive: false, typeIds: [31] },
      { id: 45, name: 'Other', inactive: false, typeIds: [] },
    ]);
    expect(await client.listBoardItems(12)).toEqual([{ id: 9, name: 'Exchange', inactive: true }]);
    scope.done();
  });
});
