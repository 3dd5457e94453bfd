import { describe, expect, it } from 'vitest';
import { call, get, post, useTestSimulator, type ErrorsBody, type ItemBody, type ItemsBody } from './helpers.ts';

const sim = await useTestSimulator({}, { reset: false });

describe('zone lookup', () => {
  it('answers the zone of a known user without credentials, with trailing slashes', async () => {
    const url = `${sim.zoneLookupUrl}/V1.0/zoneInformation?user=${encodeURIComponent(sim.credentials.username)}`;
    const res = await call(sim, 'GET', url, { anonymous: true });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      zoneName: 'Simulator',
      url: sim.apiUrl,
      webUrl: sim.webUrl,
      ci: expect.any(Number) as unknown,
    });
    expect(sim.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ATServicesRest\/$/);
    expect(sim.webUrl.endsWith('/')).toBe(true);
  });

  it('matches the user name case-insensitively', async () => {
    const url = `${sim.zoneLookupUrl}/v1.0/zoneinformation?User=${encodeURIComponent(sim.credentials.username.toUpperCase())}`;
    expect((await call(sim, 'GET', url, { anonymous: true })).status).toBe(200);
  });

  it.each([['nobody@example.com'], ['']])('gives 500 for unknown or blank user %j', async (user) => {
    const res = await call(sim, 'GET', `${sim.zoneLookupUrl}/V1.0/zoneInformation?user=${encodeURIComponent(user)}`, {
      anonymous: true,
    });
    expect(res.status).toBe(500);
    expect(res.json).toEqual({ errors: ['Zone information could not be determined'] });
  });

  it('lists V1.0 and V2.0 in versioninformation, but V2.0 has no zoneInformation route', async () => {
    const versions = await call(sim, 'GET', `${sim.zoneLookupUrl}/versioninformation`, { anonymous: true });
    expect(versions.json).toEqual({ apiVersions: ['V1.0', 'V2.0'] });
    const v2 = await call(sim, 'GET', `${sim.zoneLookupUrl}/V2.0/zoneInformation?user=${sim.credentials.username}`, {
      anonymous: true,
    });
    expect(v2.status).toBe(404);
  });
});

describe('credential headers', () => {
  it('accepts the right headers in any letter case', async () => {
    const res = await get<ItemBody>(sim, 'V1.0/Companies/105', {
      anonymous: true,
      headers: {
        apiintegrationcode: sim.credentials.integrationCode,
        USERNAME: sim.credentials.username,
        secret: sim.credentials.secret,
      },
    });
    expect(res.status).toBe(200);
    expect(res.json.item.companyName).toBe('Contoso B.V.');
  });

  it('gives 401 for a wrong secret', async () => {
    const res = await get(sim, 'V1.0/Companies/105', { headers: { Secret: 'wrong' } });
    expect(res.status).toBe(401);
  });

  it('gives 500 "IntegrationCode is invalid." for a wrong integration code', async () => {
    const res = await get(sim, 'V1.0/Companies/105', { headers: { ApiIntegrationCode: 'WRONGCODE' } });
    expect(res.status).toBe(500);
    expect(res.json).toEqual({ errors: ['IntegrationCode is invalid.'] });
  });

  it('gives 500 (not 401) for an unknown user name, as Autotask does', async () => {
    const res = await get<ErrorsBody>(sim, 'V1.0/Companies/105', { headers: { UserName: 'someone@else.example' } });
    expect(res.status).toBe(500);
    expect(res.json.errors).toHaveLength(1);
  });

  it('requires credentials on API calls', async () => {
    expect((await get(sim, 'V1.0/Companies/105', { anonymous: true })).status).not.toBe(200);
  });
});

describe('case-insensitive paths and keys', () => {
  it.each([
    'ATServicesRest/V1.0/Companies/105',
    'atservicesrest/v1.0/companies/105',
    'ATSERVICESREST/V1.0/COMPANIES/105/',
    'AtServicesRest/v1.0/CoMpAnIeS/105',
  ])('GET %s', async (path) => {
    const res = await call<ItemBody>(sim, 'GET', `${sim.webUrl}${path}`);
    expect(res.status).toBe(200);
    expect(res.json.item.id).toBe(105);
  });

  it('accepts a trailing slash on writes and queries', async () => {
    const res = await post<ItemsBody>(sim, 'V1.0/Companies/query/', {
      filter: [{ op: 'eq', field: 'id', value: 105 }],
    });
    expect(res.json.items).toHaveLength(1);
  });

  it('404s on an empty path segment (zone url + "/V1.0")', async () => {
    const res = await call<ErrorsBody>(sim, 'GET', `${sim.apiUrl}/V1.0/Companies/105`);
    expect(res.status).toBe(404);
    expect(res.json.errors[0]).toContain('No HTTP resource was found');
  });

  it('404s on an unknown entity', async () => {
    expect((await post(sim, 'V1.0/Tasks', {})).status).toBe(404);
  });

  it('matches body keys, filter keys, operators and field names case-insensitively and answers camelCase', async () => {
    const res = await post<ItemsBody>(sim, 'V1.0/Companies/query', {
      Filter: [{ Op: 'EQ', Field: 'COMPANYNAME', Value: 'contoso b.v.' }],
      includeFields: ['CompanyName', 'ISACTIVE'],
      maxRecords: 10,
    });
    expect(res.status).toBe(200);
    expect(res.json.items).toEqual([{ companyName: 'Contoso B.V.', isActive: true, userDefinedFields: [] }]);
  });
});
