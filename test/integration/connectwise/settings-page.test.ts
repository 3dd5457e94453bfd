import { describe, expect, it } from 'vitest';
import { BAD_CREDENTIALS } from '@backupchecks/connectwise-simulator';
import { decryptSecret } from '../../../src/shared/secret-box.ts';
import { testSecrets } from '../../support/app.ts';
import { afterRedirect, connectWiseForm, decode, post, settingsRow, SITE_HOST, useConnectWiseApp } from './helpers.ts';

/**
 * Settings → ConnectWise: who sees it, the write-only private key, and refused forms that keep
 * what was typed.
 */

const suite = useConnectWiseApp({ signIn: ['admin', 'operator', 'reporter'], configure: false });

describe('the page', () => {
  it('shows admins the form, and refuses operators and reporters', async () => {
    const page = await suite.as.admin.agent.get('/settings/connectwise');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>ConnectWise</h1>');
    expect(page.text).toContain('name="siteHost"');
    // The codebase most sites answer on is filled in.
    expect(page.text).toContain('value="v4_6_release"');
    for (const role of ['operator', 'reporter'] as const) {
      const { agent, csrf } = suite.as[role];
      expect((await agent.get('/settings/connectwise')).status).toBe(403);
      expect((await agent.get('/settings/connectwise/diagnostics')).status).toBe(403);
      const form = connectWiseForm(suite.sim, csrf);
      for (const path of ['', '/test', '/validate', '/lists/refresh', '/activate']) {
        expect((await post(agent, `/settings/connectwise${path}`, form)).status).toBe(403);
      }
      expect((await post(agent, '/settings/autotask/activate', { _csrf: csrf })).status).toBe(403);
    }
    expect(await suite.db.prisma.connectWiseSettings.count()).toBeLessThanOrEqual(1);
  });

  it('is listed under Extensions & Integrations with the active PSA', async () => {
    const index = decode((await suite.as.admin.agent.get('/settings')).text);
    expect(index).toContain('href="/settings/connectwise"');
    expect(index).toContain('Not in use');
    expect(index).toMatch(/Active PSA: <strong>none<\/strong>/);
  });
});

describe('the private key', () => {
  it('is stored encrypted, never shown, and kept when left blank', async () => {
    const { agent, csrf } = suite.as.admin;
    const key = suite.sim.credentials.privateKey;
    const saved = await afterRedirect(
      agent,
      post(agent, '/settings/connectwise', connectWiseForm(suite.sim, csrf, { privateKey: key })),
    );
    expect(saved.text).toContain('ConnectWise settings saved');
    const row = await settingsRow(suite.db);
    expect(row.privateKeyEncrypted).not.toContain(key);
    expect(decryptSecret(row.privateKeyEncrypted!, testSecrets.encryptionKey)).toBe(key);
    expect(saved.text).not.toContain(key);
    expect(saved.text).toContain('Stored encrypted');

    expect(row.listsLoadedAt).not.toBeNull();

    // Blank: the stored one stays. Another company is another tenant: its lists are loaded afresh,
    // and ConnectWise's refusal of them is shown as ConnectWise's.
    const other = decode(
      (
        await afterRedirect(
          agent,
          post(agent, '/settings/connectwise', connectWiseForm(suite.sim, csrf, { companyId: 'other' })),
        )
      ).text,
    );
    expect(other).toContain('The lists were not loaded. ConnectWise refused the credentials.');
    expect(other).toContain(`ConnectWise said: “${BAD_CREDENTIALS}”`);
    const after = await settingsRow(suite.db);
    expect(after.companyId).toBe('other');
    expect(after.privateKeyEncrypted).toBe(row.privateKeyEncrypted);
    expect(after).toMatchObject({ lists: null, listsLoadedAt: null });

    const events = await suite.db.prisma.auditEvent.findMany({ where: { targetId: 'connectwise' } });
    expect(events.map((e) => e.action)).toContain('connectwise.privateKey.changed');
    expect(JSON.stringify(events)).not.toContain(key);
    expect(JSON.stringify(events)).not.toContain(suite.sim.credentials.publicKey);
  });

  it('is not echoed when the form is refused', async () => {
    const { agent, csrf } = suite.as.admin;
    const res = await post(
      agent,
      '/settings/connectwise',
      connectWiseForm(suite.sim, csrf, { privateKey: 'TypedSecretKey123', clientId: 'not-a-guid' }),
    );
    expect(res.status).toBe(422);
    expect(res.text).not.toContain('TypedSecretKey123');
    expect(res.text).toContain('The private key you typed was not kept');
    expect(await suite.db.prisma.connectWiseSettings.findUnique({ where: { id: 1 } })).toMatchObject({
      privateKeyEncrypted: null,
    });
  });
});

describe('refused input', () => {
  it('says what is wrong and keeps every typed value', async () => {
    const { agent, csrf } = suite.as.admin;
    const res = await post(
      agent,
      '/settings/connectwise',
      connectWiseForm(suite.sim, csrf, {
        siteHost: 'https://eu.myconnectwise.net/v4_6_release/apis/3.0',
        codebase: 'v4 6',
        companyId: 'my company',
        publicKey: 'PublicTyped01',
        clientId: '1234',
        apiLogLevel: 'loud',
      }),
    );
    expect(res.status).toBe(422);
    const html = decode(res.text);
    expect(html).toContain('Some fields need attention; nothing was saved.');
    expect(html).toContain('Enter the site’s API host alone, such as api-eu.myconnectwise.net');
    expect(html).toContain('The codebase looks like v4_6_release');
    expect(html).toContain('The company ID is the short name typed at ConnectWise sign-in');
    expect(html).toContain('The client ID is a GUID');
    expect(html).toContain('Choose off, errors or all.');
    // What was typed is still in the form.
    expect(html).toContain('value="https://eu.myconnectwise.net/v4_6_release/apis/3.0"');
    expect(html).toContain('value="v4 6"');
    expect(html).toContain('value="my company"');
    expect(html).toContain('value="PublicTyped01"');
    expect(html).toContain('value="1234"');
    expect(await suite.db.prisma.auditEvent.count({ where: { action: 'connectwise.settings.updated' } })).toBe(0);
  });

  it('forgives a pasted https:// address of the host', async () => {
    const { agent, csrf } = suite.as.admin;
    await post(agent, '/settings/connectwise', connectWiseForm(suite.sim, csrf, { siteHost: `https://${SITE_HOST}/` }));
    expect((await settingsRow(suite.db)).siteHost).toBe(SITE_HOST);
  });
});

describe('the base URL and the periodic sync', () => {
  const installation = () =>
    suite.db.prisma.integrationSettings.findUniqueOrThrow({
      where: { id: 1 },
      select: { baseUrl: true, syncIntervalMinutes: true },
    });

  it('are the installation’s: one value, shown and saved on both PSA pages', async () => {
    const { agent, csrf } = suite.as.admin;
    await suite.db.prisma.integrationSettings.upsert({
      where: { id: 1 },
      create: { id: 1, baseUrl: 'https://checks.example.com', syncIntervalMinutes: 60 },
      update: { baseUrl: 'https://checks.example.com', syncIntervalMinutes: 60 },
    });
    const page = decode((await agent.get('/settings/connectwise')).text);
    expect(page).toContain('value="https://checks.example.com"');
    expect(page).toMatch(/<option value="60" selected>Every 1 hour<\/option>/);

    const saved = decode(
      (
        await afterRedirect(
          agent,
          post(
            agent,
            '/settings/connectwise',
            connectWiseForm(suite.sim, csrf, { baseUrl: 'https://backup.example.org/', syncIntervalMinutes: '30' }),
          ),
        )
      ).text,
    );
    expect(saved).toContain('Backupchecks base URL, Periodic company-name sync');
    expect(await installation()).toEqual({ baseUrl: 'https://backup.example.org', syncIntervalMinutes: 30 });
    const event = await suite.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'connectwise.settings.updated' },
    });
    expect(event.details).toMatchObject({
      changes: {
        baseUrl: { from: 'https://checks.example.com', to: 'https://backup.example.org' },
        syncIntervalMinutes: { from: 'every 60 minutes', to: 'every 30 minutes' },
      },
    });

    const autotaskPage = decode((await agent.get('/settings/autotask')).text);
    expect(autotaskPage).toContain('value="https://backup.example.org"');
    expect(autotaskPage).toMatch(/<option value="30" selected>Every 30 minutes<\/option>/);
  });

  it('refuses an address that is not absolute http(s) and a sync more often than every 5 minutes', async () => {
    const { agent, csrf } = suite.as.admin;
    const res = await post(
      agent,
      '/settings/connectwise',
      connectWiseForm(suite.sim, csrf, { baseUrl: 'ftp://checks.example.com', syncIntervalMinutes: '2' }),
    );
    expect(res.status).toBe(422);
    const html = decode(res.text);
    expect(html).toContain('Enter an absolute http(s) address such as https://backupchecks.example.com.');
    expect(html).toContain('Sync at most every 5 minutes.');
    expect(html).toContain('value="ftp://checks.example.com"');
    expect(await installation()).toEqual({ baseUrl: null, syncIntervalMinutes: null });
  });
});
