import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startConnectWiseSimulator, type ConnectWiseSimulator } from '@backupchecks/connectwise-simulator';
import { ConnectWiseAuthenticationError, InMemoryApiCallRecorder } from '../../../src/connectwise/client.ts';
import { RuleError } from '../../../src/errors/catalogue.ts';
import { createLogger } from '../../../src/logger.ts';
import {
  createConnectWiseAccess,
  getConnectWiseSettings,
  hasConnectWiseCredentials,
  missingConnectWiseCredentials,
} from '../../../src/psa/connectwise/access.ts';
import { encryptSecret } from '../../../src/shared/secret-box.ts';
import { testSecrets } from '../../support/app.ts';
import { resetData, useTestDatabase } from '../../support/db.ts';
import { accessFor, configureConnectWise } from './support.ts';

/**
 * Building ConnectWise clients from the saved settings (src/psa/connectwise/access.ts): the private
 * key decrypted, credentials refused when missing or unreadable, and the API call log written with
 * `psaType` connectwise at the row's level.
 */
const ctx = useTestDatabase();
let sim: ConnectWiseSimulator;

beforeAll(async () => {
  sim = await startConnectWiseSimulator();
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  await resetData(ctx.db);
  sim.reset();
});

const db = () => ctx.db.prisma;

async function rejection(work: () => unknown): Promise<unknown> {
  try {
    await work();
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

describe('the settings row', () => {
  it('is created once with nothing saved, and knows which credentials are missing', async () => {
    const first = await getConnectWiseSettings(db());
    const again = await getConnectWiseSettings(db());
    expect(again).toEqual(first);
    expect(first).toMatchObject({ id: 1, enabled: false, apiLogLevel: 'errors', lists: null });
    expect(hasConnectWiseCredentials(first)).toBe(false);
    expect(missingConnectWiseCredentials(first)).toEqual([
      'site',
      'company ID',
      'public key',
      'private key',
      'client ID',
    ]);

    const saved = await configureConnectWise(db(), sim, { clientId: null });
    expect(missingConnectWiseCredentials(saved)).toEqual(['client ID']);
    expect(hasConnectWiseCredentials({ ...saved, clientId: sim.credentials.clientId })).toBe(true);
  });
});

describe('client()', () => {
  it('decrypts the private key and calls the site with the saved credentials', async () => {
    const row = await configureConnectWise(db(), sim);
    const info = await accessFor(db(), sim).client(row).testConnection();
    expect(info.isCloud).toBe(true);
    const { companyId, publicKey, clientId } = sim.credentials;
    expect(sim.requestLog).toMatchObject([{ path: '/v4_6_release/apis/3.0/system/info', status: 200 }]);
    expect(sim.requestLog[0]).toMatchObject({ login: `${companyId}+${publicKey}`, clientId });
  });

  it('refuses missing credentials, pointing at the ConnectWise settings', async () => {
    const row = await configureConnectWise(db(), sim, { privateKeyEncrypted: null });
    const refused = await rejection(() => accessFor(db(), sim).client(row));
    expect(refused).toBeInstanceOf(RuleError);
    expect(refused).toMatchObject({
      message: 'ConnectWise API credentials are not configured.',
      fixUrl: '/settings/connectwise',
    });
    expect(sim.requestLog).toEqual([]);
  });

  it('refuses a private key it cannot decrypt, asking for it again', async () => {
    const otherKey = 'f'.repeat(64);
    for (const stored of [encryptSecret(sim.credentials.privateKey, otherKey), 'not-encrypted']) {
      const row = await configureConnectWise(db(), sim, { privateKeyEncrypted: stored });
      const refused = await rejection(() => accessFor(db(), sim).client(row));
      expect(refused).toBeInstanceOf(RuleError);
      expect(refused).toMatchObject({ fixUrl: '/settings/connectwise' });
      expect((refused as Error).message).toMatch(
        /ConnectWise private key cannot be decrypted.*Enter the private key again/,
      );
    }
  });

  it('refuses a site host that is not a host name', () => {
    const access = createConnectWiseAccess({
      db: db(),
      encryptionKey: testSecrets.encryptionKey,
      timeoutMs: 1_000,
      logger: createLogger('silent'),
    });
    const row = {
      siteHost: 'not a host/',
      codebase: null,
      companyId: 'x',
      publicKey: 'x',
      privateKeyEncrypted: encryptSecret('secret', testSecrets.encryptionKey),
      clientId: 'x',
      apiLogLevel: 'errors' as const,
    };
    expect(() => access.client(row)).toThrow(RuleError);
    expect(() => access.client({ ...row, siteHost: 'api-eu.myconnectwise.net' })).not.toThrow();
    expect(access.webOrigin({ siteHost: 'api-eu.myconnectwise.net' })).toBe('https://eu.myconnectwise.net');
    expect(access.webOrigin({ siteHost: 'cw.example.com' })).toBe('https://cw.example.com');
    expect(access.webOrigin({ siteHost: null })).toBeNull();
    expect(accessFor(db(), sim).webOrigin({ siteHost: 'api-eu.myconnectwise.net' })).toBe(sim.siteUrl);
  });
});

describe('clientWith()', () => {
  it('uses typed-in credentials, for Test connection before saving', async () => {
    const row = await getConnectWiseSettings(db());
    const access = accessFor(db(), sim);
    await expect(access.clientWith(row, sim.credentials).testConnection()).resolves.toMatchObject({ isCloud: true });
    const wrong = await rejection(() =>
      access.clientWith(row, { ...sim.credentials, privateKey: 'typed-wrong' }).testConnection(),
    );
    expect(wrong).toBeInstanceOf(ConnectWiseAuthenticationError);
  });
});

describe('the API call log', () => {
  const calls = () => db().apiCallLog.findMany({ orderBy: { id: 'asc' } });

  it('keeps failed calls at level errors, as ConnectWise calls, without the private key', async () => {
    const row = await configureConnectWise(db(), sim, { apiLogLevel: 'errors' });
    const client = accessFor(db(), sim).client(row);
    await client.testConnection();
    await rejection(() => client.getTicket(999_999));

    const rows = await calls();
    expect(rows).toMatchObject([
      { psaType: 'connectwise', operation: 'tickets.get', method: 'GET', status: 404, ok: false },
    ]);
    expect(rows[0]?.path).toBe('/v4_6_release/apis/3.0/service/tickets/999999');
    expect(JSON.stringify(rows)).not.toContain(sim.credentials.privateKey);
  });

  it('keeps every call at level all and none at level off; the observer sees every call', async () => {
    const observer = new InMemoryApiCallRecorder();
    const all = await configureConnectWise(db(), sim, { apiLogLevel: 'all' });
    await accessFor(db(), sim, { observer }).client(all).testConnection();
    expect(await calls()).toMatchObject([{ psaType: 'connectwise', operation: 'connection.test', ok: true }]);

    const off = await configureConnectWise(db(), sim, { apiLogLevel: 'off' });
    const client = accessFor(db(), sim, { observer }).client(off);
    await client.testConnection();
    await rejection(() => client.getTicket(999_999));
    expect(await calls()).toHaveLength(1);
    expect(observer.entries.map((e) => [e.operation, e.ok])).toEqual([
      ['connection.test', true],
      ['connection.test', true],
      ['tickets.get', false],
    ]);
  });
});
