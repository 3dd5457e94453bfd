import { describe, expect, it } from 'vitest';
import { BAD_CREDENTIALS, UNKNOWN_CLIENT_ID } from '@backupchecks/connectwise-simulator';
import { connectWiseForm, decode, post, settingsRow, useConnectWiseApp } from './helpers.ts';

/**
 * Test connection on Settings → ConnectWise, against the simulator: the saved or typed credentials,
 * ConnectWise's own words under ours when it refuses, and the time-entry visibility proof.
 */

const suite = useConnectWiseApp({ signIn: ['admin'] });

const testWith = (overrides: Record<string, string> = {}) =>
  post(suite.as.admin.agent, '/settings/connectwise/test', connectWiseForm(suite.sim, suite.as.admin.csrf, overrides));

/** The text of the test's panel. */
const panel = (html: string) => {
  const start = html.indexOf('id="connection-test"');
  if (start === -1) throw new Error('no test panel on the page');
  return decode(html.slice(start, html.indexOf('</article>', start)));
};

describe('Test connection', () => {
  it('passes with the saved credentials and stores the visibility proof', async () => {
    const res = await testWith();
    expect(res.status).toBe(200);
    const text = panel(res.text);
    expect(text).toContain('Test connection: succeeded');
    expect(text).toContain('Tested the saved credentials');
    expect(text).toContain('ConnectWise accepted the company ID, public key, private key and client ID');
    expect(text).toContain('active service boards can be read');
    expect(text).toContain('Inquire level All for "Time & Expense / Time Entry"');
    expect(suite.sim.requestLog.some((r) => r.resource === 'system/info')).toBe(true);
    const row = await settingsRow(suite.db);
    expect(row.timeEntriesProvenAt).not.toBeNull();
    // A test saves nothing else.
    expect(row.listsLoadedAt).toBeNull();
  });

  it("shows ConnectWise's words under ours when it refuses a typed private key", async () => {
    const res = await testWith({ privateKey: 'WrongPrivateKey99' });
    expect(res.status).toBe(200);
    const text = panel(res.text);
    expect(text).toContain('Test connection: failed');
    expect(text).toContain('Tested the credentials typed into the form');
    expect(text).toMatch(
      /ConnectWise refused the credentials\. Check the company ID, public key, private key and client ID/,
    );
    expect(text).toContain(`ConnectWise said: <q>${BAD_CREDENTIALS}</q>`);
    // Our sentence is not inside ConnectWise's quote, and theirs is not passed off as ours.
    expect(text).not.toContain('<q>ConnectWise refused');
    expect(text).not.toMatch(/✗<\/span>[^<]*The company id, public key or private key is not valid/);
    expect(res.text).not.toContain('WrongPrivateKey99');
    expect(res.text).toContain('The private key you typed was used for this test only');
    // Typed credentials prove nothing about the saved ones.
    expect((await settingsRow(suite.db)).timeEntriesCheckedAt).toBeNull();
  });

  it("names an unregistered client ID in ConnectWise's words", async () => {
    const text = panel((await testWith({ clientId: '00000000-0000-4000-8000-000000000000' })).text);
    expect(text).toContain('Tested the typed values with the saved private key');
    expect(text).toContain(`ConnectWise said: <q>${UNKNOWN_CLIENT_ID}</q>`);
  });

  it('says what is missing before calling ConnectWise', async () => {
    await suite.db.prisma.connectWiseSettings.update({ where: { id: 1 }, data: { privateKeyEncrypted: null } });
    suite.sim.state.clearRequestLog();
    const res = await testWith();
    expect(res.status).toBe(200);
    expect(panel(res.text)).toContain('Enter the private key to test the connection: none is saved yet.');
    const noHost = panel((await testWith({ siteHost: 'localhost/evil path', privateKey: 'x' })).text);
    expect(noHost).toContain('Enter the site’s API host alone');
    expect(suite.sim.requestLog).toHaveLength(0);
  });

  it('warns when the API member cannot see every time entry, and keeps why', async () => {
    suite.sim.state.settings.timeEntryInquireLevel = 'My';
    const text = panel((await testWith()).text);
    expect(text).toContain('Test connection: succeeded');
    expect(text).toContain('Inquire level "My" for "Time & Expense / Time Entry"; it needs "All".');
    expect(text).toContain('tickets cannot be resolved from Backupchecks');
    const row = await settingsRow(suite.db);
    expect(row.timeEntriesProvenAt).toBeNull();
    expect(row.timeEntriesReason).toContain('"My"');
  });
});
