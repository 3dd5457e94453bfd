import { describe, expect, it } from 'vitest';
import { COMPANY } from '@backupchecks/connectwise-simulator';
import { encryptSecret } from '../../../src/shared/secret-box.ts';
import { testSecrets } from '../../support/app.ts';
import { makeCustomerWithRun } from '../../support/fixtures.ts';
import { afterRedirect, decode, post, settingsRow, useConnectWiseApp } from './helpers.ts';

/**
 * "Use ConnectWise" / "Use Autotask" on the settings pages, and the Autotask form's "enabled" going
 * through the same switch: one PSA enabled, the other's mappings kept aside and brought back.
 */

const suite = useConnectWiseApp({ signIn: ['admin'] });

/** Autotask configured and switched on, its lists loaded (so saving its form calls nobody). */
async function autotaskActive(): Promise<void> {
  // Signing in created the row already (the Autotask badge reads it).
  const data = {
    enabled: true,
    apiUsername: 'api@example.com',
    secretEncrypted: encryptSecret('secret', testSecrets.encryptionKey),
    integrationCode: 'CODE',
    picklistsLoadedAt: new Date(),
  };
  await suite.db.prisma.integrationSettings.upsert({ where: { id: 1 }, create: { id: 1, ...data }, update: data });
}

const autotaskForm = (csrf: string, enabled: boolean) => ({
  _csrf: csrf,
  ...(enabled ? { enabled: 'on' } : {}),
  environment: 'sandbox',
  apiUsername: 'api@example.com',
  secret: '',
  integrationCode: 'CODE',
  apiLogLevel: 'errors',
});

describe('switching the active PSA', () => {
  it('explains the switch next to the button, and switches with it', async () => {
    await autotaskActive();
    const a = await makeCustomerWithRun(suite.db, { companyId: 105 });
    const { agent, csrf } = suite.as.admin;

    const page = decode((await agent.get('/settings/connectwise')).text);
    expect(page).toContain('Autotask is the active PSA; ConnectWise is not in use.');
    expect(page).toContain('The customers’ Autotask company mappings are kept and come back when you switch back');
    expect(page).toContain('Tickets already in Autotask stay linked to their runs and are still shown.');
    expect(page).toMatch(
      /<form method="post" action="\/settings\/connectwise\/activate"[^>]*>\s*<input type="hidden" name="_csrf"/,
    );

    const switched = decode(
      (await afterRedirect(agent, post(agent, '/settings/connectwise/activate', { _csrf: csrf }))).text,
    );
    expect(switched).toContain('ConnectWise is now the active PSA: new tickets go to ConnectWise.');
    expect(switched).toContain('1 company mapping of Autotask was put aside');
    expect(switched).toContain('ConnectWise is the active PSA.');
    expect((await settingsRow(suite.db)).enabled).toBe(true);
    expect(await suite.db.prisma.integrationSettings.findUniqueOrThrow({ where: { id: 1 } })).toMatchObject({
      enabled: false,
    });
    expect(await suite.db.prisma.storedMapping.findMany({ select: { customerId: true, companyId: true } })).toEqual([
      { customerId: a.customer.id, companyId: 105 },
    ]);

    const index = decode((await agent.get('/settings')).text);
    expect(index).toMatch(/Active PSA: <strong>ConnectWise<\/strong>/);
    const autotaskPage = decode((await agent.get('/settings/autotask')).text);
    expect(autotaskPage).toContain('ConnectWise is the active PSA; Autotask is not in use.');
    expect(autotaskPage).toContain('action="/settings/autotask/activate"');
  });

  it('switches back with "Use Autotask", restoring the Autotask mappings', async () => {
    await autotaskActive();
    const a = await makeCustomerWithRun(suite.db, { companyId: 105 });
    const { agent, csrf } = suite.as.admin;
    await post(agent, '/settings/connectwise/activate', { _csrf: csrf });
    await suite.db.prisma.companyMapping.create({
      data: { customerId: a.customer.id, psaType: 'connectwise', companyId: COMPANY.acme, status: 'ok' },
    });
    const back = decode((await afterRedirect(agent, post(agent, '/settings/autotask/activate', { _csrf: csrf }))).text);
    expect(back).toContain('Autotask is now the active PSA');
    expect(await suite.db.prisma.companyMapping.findMany({ select: { psaType: true, companyId: true } })).toEqual([
      { psaType: 'autotask', companyId: 105 },
    ]);
    expect(await suite.db.prisma.storedMapping.findMany({ select: { psaType: true, companyId: true } })).toEqual([
      { psaType: 'connectwise', companyId: COMPANY.acme },
    ]);
  });

  it('switches ConnectWise off when the Autotask form is saved with "enabled" ticked', async () => {
    await autotaskActive();
    await makeCustomerWithRun(suite.db, { companyId: 105 });
    const { agent, csrf } = suite.as.admin;
    await post(agent, '/settings/connectwise/activate', { _csrf: csrf });
    const saved = await post(agent, '/settings/autotask', autotaskForm(csrf, true));
    expect(saved.status).toBe(302);
    expect((await settingsRow(suite.db)).enabled).toBe(false);
    expect(await suite.db.prisma.integrationSettings.findUniqueOrThrow({ where: { id: 1 } })).toMatchObject({
      enabled: true,
    });
    expect(await suite.db.prisma.companyMapping.count({ where: { psaType: 'autotask', companyId: 105 } })).toBe(1);
    const events = await suite.db.prisma.auditEvent.findMany({
      where: { action: 'psa.activated' },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => e.targetId)).toEqual(['connectwise', 'autotask']);
  });

  it('refuses to switch to a PSA without saved credentials', async () => {
    await autotaskActive();
    await suite.db.prisma.connectWiseSettings.update({ where: { id: 1 }, data: { clientId: null } });
    const { agent, csrf } = suite.as.admin;
    const page = decode(
      (await afterRedirect(agent, post(agent, '/settings/connectwise/activate', { _csrf: csrf }))).text,
    );
    expect(page).toContain('Save the ConnectWise API credentials before switching to ConnectWise.');
    expect((await settingsRow(suite.db)).enabled).toBe(false);
  });
});
