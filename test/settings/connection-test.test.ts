import net from 'node:net';
import { beforeEach, describe, expect, it } from 'vitest';
import { INVALID_INTEGRATION_CODE, ZONE_NOT_DETERMINED } from '@backupchecks/autotask-simulator';
import { buildTestApp, signInAs, type Agent } from '../support/app.ts';
import { useAppWithSimulator } from '../support/app-with-simulator.ts';
import { configureAutotask } from '../support/autotask.ts';
import { decode, settingsForm, settingsRow } from './helpers.ts';

/** Test connection against the simulator: each failure says what is wrong, with Autotask's own words. */

const suite = useAppWithSimulator({ signIn: ['admin'] });
const { ctx, simCtx } = suite;
let agent: Agent;
let csrf: string;
beforeEach(() => ({ agent, csrf } = suite.as.admin));

const test = async (fields: Record<string, string> = {}, a: Agent = agent) => {
  const res = await a
    .post('/settings/autotask/test')
    .type('form')
    .send(Object.keys(fields).length ? settingsForm(simCtx.sim, csrf, fields) : { _csrf: csrf });
  expect(res.status).toBe(200);
  return decode(res.text);
};

/** The test panel only (the rest of the page has its own ✓ marks). */
const panel = (html: string) =>
  html.slice(html.indexOf('id="connection-test"'), html.indexOf('</article>', html.indexOf('id="connection-test"')));

/** "✓ ok: Zone lookup", "✗ failed: Authenticated call", … */
const steps = (html: string) =>
  [...panel(html).matchAll(/<span class="visually-hidden">(\w+):<\/span>\s*<strong>([^<]+)<\/strong>/g)].map(
    (m) => `${m[1]}: ${m[2]}`,
  );

const writes = () => simCtx.sim.requestLog.filter((r) => r.method !== 'GET' && !/\/query/i.test(r.path));

describe('Test connection', () => {
  it('succeeds with the saved credentials: zone, API and web URL, and the hourly usage "n of 10,000"', async () => {
    const html = await test();
    expect(html).toContain('Test connection: succeeded');
    expect(html).toContain('Tested the saved credentials');
    expect(steps(html)).toEqual(['ok: Zone lookup', 'ok: Authenticated call', 'ok: API usage this hour']);
    expect(panel(html)).toContain('Found zone “Simulator”');
    expect(panel(html)).toContain(simCtx.sim.apiUrl);
    expect(panel(html)).toContain(simCtx.sim.webUrl);
    expect(panel(html)).toMatch(/\d+ of 10,000 requests in the last 60 minutes/);
    // A fresh lookup, one authenticated call, then the count that looks for a visible non-billable
    // time entry; nothing written.
    expect(simCtx.sim.requestLog.map((r) => r.entity)).toEqual([
      'zoneInformation',
      'ThresholdInformation',
      'TimeEntries',
    ]);
    expect(writes()).toEqual([]);
  });

  it('uses the just-typed credentials, without saving them, and keeps them in the form', async () => {
    await configureAutotask(ctx.db, simCtx.sim, {
      apiUsername: null,
      secretEncrypted: null,
      integrationCode: null,
      enabled: false,
    });
    const html = await test({ secret: simCtx.sim.credentials.secret, enabled: '' });
    expect(html).toContain('Test connection: succeeded');
    expect(html).toContain('Tested the credentials typed into the form');
    expect(html).toContain(`value="${simCtx.sim.credentials.username}"`);
    const row = await settingsRow(ctx.db);
    expect([row.apiUsername, row.secretEncrypted, row.integrationCode]).toEqual([null, null, null]);
  });

  it('wrong secret: the zone is found, the authenticated call is refused (401)', async () => {
    const html = await test({ secret: 'not-the-secret' });
    expect(html).toContain('Test connection: failed');
    expect(steps(html)).toEqual(['ok: Zone lookup', 'failed: Authenticated call', 'skipped: API usage this hour']);
    expect(panel(html)).toContain('Autotask refused the API secret for this username (HTTP 401)');
    expect(panel(html)).toContain('Autotask said: <q>Unauthorized</q>');
  });

  it("invalid integration code: says the tracking identifier is wrong, with Autotask's text", async () => {
    const html = await test({ integrationCode: 'WRONGCODE0000000000000000000' });
    expect(steps(html)).toEqual(['ok: Zone lookup', 'failed: Authenticated call', 'skipped: API usage this hour']);
    expect(panel(html)).toContain('Autotask does not accept the API tracking identifier');
    expect(panel(html)).toContain(`Autotask said: <q>${INVALID_INTEGRATION_CODE}</q>`);
  });

  it('unknown user: the zone lookup fails and nothing else is tried', async () => {
    const html = await test({ apiUsername: 'nobody@example.com' });
    expect(steps(html)).toEqual(['failed: Zone lookup', 'skipped: Authenticated call', 'skipped: API usage this hour']);
    expect(panel(html)).toContain('Autotask does not know this API username');
    expect(panel(html)).toContain(`Autotask said: <q>${ZONE_NOT_DETERMINED}</q>`);
    expect(simCtx.sim.requestLog.map((r) => r.entity)).toEqual(['zoneInformation']);
  });

  it('Autotask answering with server errors: says Autotask failed, not the settings', async () => {
    simCtx.sim.faults.failNext({ entity: 'ThresholdInformation', status: 503, body: 'text', count: 5 });
    const html = await test();
    expect(steps(html)).toEqual(['ok: Zone lookup', 'failed: Authenticated call', 'skipped: API usage this hour']);
    expect(panel(html)).toContain(
      'Autotask answered with a server error (HTTP 503). This says nothing about the settings',
    );
  });

  it('Autotask unreachable: the zone lookup cannot reach it', async () => {
    const port = await closedPort();
    const offline = buildTestApp(ctx.db, {
      AUTOTASK_ZONE_LOOKUP_URL: `http://127.0.0.1:${port}/ATServicesRest`,
      AUTOTASK_TIMEOUT_MS: '1000',
    });
    try {
      const admin = await signInAs(offline.app, ctx.db, 'admin');
      const res = await admin.agent.post('/settings/autotask/test').type('form').send({ _csrf: admin.csrf });
      const html = decode(res.text);
      expect(steps(html)).toEqual([
        'failed: Zone lookup',
        'skipped: Authenticated call',
        'skipped: API usage this hour',
      ]);
      expect(panel(html)).toContain('Autotask could not be reached. This says nothing about the settings');
    } finally {
      await offline.close();
    }
  });

  it('gives every failure its own message', async () => {
    const messages = await Promise.all(
      (
        [
          { secret: 'not-the-secret' },
          { integrationCode: 'WRONGCODE0000000000000000000' },
          { apiUsername: 'nobody@example.com' },
        ] as Record<string, string>[]
      ).map(async (fields) => {
        const html = panel(await test(fields));
        return /<strong>[^<]+<\/strong> — ([^<]+)/.exec(html.slice(html.indexOf('failed:')))![1];
      }),
    );
    expect(new Set(messages).size).toBe(3);
  });

  it('without any secret, says to enter one instead of calling Autotask', async () => {
    await configureAutotask(ctx.db, simCtx.sim, { secretEncrypted: null });
    const html = await test();
    expect(html).toContain('Enter the API secret to test the connection: none is saved yet.');
    expect(simCtx.sim.requestLog).toEqual([]);
  });
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
