import { describe, expect, it } from 'vitest';
import { BAD_CREDENTIALS, MISSING_AUTHORIZATION, MISSING_CLIENT_ID, UNKNOWN_CLIENT_ID } from '../src/index.ts';
import { authHeaders, control, get, startTestSimulator, useTestSimulator, type ErrorBody } from './helpers.ts';

const sim = await useTestSimulator();

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('credentials', () => {
  it('answers system/info with Basic companyId+publicKey:privateKey and the clientId header', async () => {
    const result = await get<{ version: string; isCloud: boolean }>(sim, 'system/info');
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({ isCloud: true, version: expect.stringMatching(/^v\d{4}\.\d+/) as unknown });
    expect(result.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(result.headers.get('api-current-version')).toBe(sim.state.settings.apiVersion);
    expect(result.headers.get('x-cw-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('takes the company id in any letter case and the header names in any case', async () => {
    const { companyId, publicKey, privateKey, clientId } = sim.credentials;
    const result = await get(sim, 'system/info', {
      anonymous: true,
      headers: { authorization: basic(`${companyId.toUpperCase()}+${publicKey}`, privateKey), CLIENTID: clientId },
    });
    expect(result.status).toBe(200);
  });

  it.each([
    ['no Authorization', () => ({ clientId: sim.credentials.clientId }), MISSING_AUTHORIZATION],
    ['a Bearer token', () => ({ ...authHeaders(sim), Authorization: 'Bearer abc' }), MISSING_AUTHORIZATION],
    [
      'no + in the user name',
      () => ({ ...authHeaders(sim), Authorization: basic('backupchecks', 'x') }),
      MISSING_AUTHORIZATION,
    ],
    [
      'a wrong private key',
      () => ({
        ...authHeaders(sim),
        Authorization: basic(`${sim.credentials.companyId}+${sim.credentials.publicKey}`, 'wrong'),
      }),
      BAD_CREDENTIALS,
    ],
    [
      'another company',
      () => ({
        ...authHeaders(sim),
        Authorization: basic(`othercompany+${sim.credentials.publicKey}`, sim.credentials.privateKey),
      }),
      BAD_CREDENTIALS,
    ],
    [
      'a public key in another letter case',
      () => ({
        ...authHeaders(sim),
        Authorization: basic(
          `${sim.credentials.companyId}+${sim.credentials.publicKey.toLowerCase()}`,
          sim.credentials.privateKey,
        ),
      }),
      BAD_CREDENTIALS,
    ],
    ['no clientId', () => ({ Authorization: authHeaders(sim).Authorization ?? '' }), MISSING_CLIENT_ID],
    ['an unknown clientId', () => ({ ...authHeaders(sim), clientId: 'not-registered' }), UNKNOWN_CLIENT_ID],
  ])('refuses %s with a ConnectWise 401', async (_case, headers, message) => {
    const result = await get<ErrorBody>(sim, 'service/tickets', { anonymous: true, headers: headers() });
    expect(result.status).toBe(401);
    expect(result.json).toEqual({ code: 'Unauthorized', message });
    expect(sim.requestLog.at(-1)).toMatchObject({ status: 401, resource: 'service/tickets' });
  });

  it('never logs the private key', async () => {
    await get(sim, 'system/info');
    expect(sim.requestLog.at(-1)?.login).toBe(`${sim.credentials.companyId}+${sim.credentials.publicKey}`);
    expect(JSON.stringify(sim.requestLog)).not.toContain(sim.credentials.privateKey);
  });

  it('checks credentials before the path: an unknown path without them is a 401, with them a 404', async () => {
    expect((await get(sim, 'service/nothing', { anonymous: true })).status).toBe(401);
    const result = await get<ErrorBody>(sim, 'service/nothing');
    expect(result.status).toBe(404);
    expect(result.json.code).toBe('NotFound');
  });

  it('uses configured credentials', async () => {
    const other = await startTestSimulator({ credentials: { companyId: 'acme', privateKey: 'Secret123' } });
    try {
      expect(other.credentials.companyId).toBe('acme');
      expect((await get(other, 'system/info')).status).toBe(200);
      expect((await get(other, 'system/info', { headers: authHeaders(sim) })).status).toBe(401);
    } finally {
      await other.close();
    }
  });
});

describe('security role', () => {
  it('answers 403 for a resource the API member may not use, and nothing else', async () => {
    await control(sim, 'settings', { forbiddenResources: ['time/entries'] });
    const denied = await get<ErrorBody>(sim, 'time/entries/count');
    expect(denied.status).toBe(403);
    expect(denied.json).toEqual({
      code: 'Security',
      message: 'You do not have security permission to perform this action.',
    });
    expect((await get(sim, 'service/tickets/1001')).status).toBe(200);
    sim.reset();
    expect((await get(sim, 'time/entries/count')).status).toBe(200);
  });
});

describe('login/companyinfo', () => {
  it('tells the codebase without credentials, and null for an unknown company', async () => {
    const known = await fetch(`${sim.siteUrl}/login/companyinfo/${sim.credentials.companyId}`);
    expect(await known.json()).toMatchObject({ Codebase: 'v4_6_release/', CompanyID: sim.credentials.companyId });
    const unknown = await fetch(`${sim.siteUrl}/login/companyinfo/nobody`);
    expect([unknown.status, await unknown.text()]).toEqual([200, 'null']);
  });
});
