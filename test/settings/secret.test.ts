import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USER, type Simulator } from '@backupchecks/autotask-simulator';
import { decryptSecret } from '../../src/shared/secret-box.ts';
import { testSecrets, type Agent } from '../support/app.ts';
import { useAppWithSimulator } from '../support/app-with-simulator.ts';
import { buildAppWithCapturedLog, postSettings, settingsForm, settingsRow, type CapturedLog } from './helpers.ts';

/**
 * The API secret is write-only: stored encrypted, never rendered back, never logged, and a blank
 * field keeps it. The simulator's API user gets a distinctive secret so any leak is found.
 */

const SECRET = 'Sup3r-Secret-Autotask-Value-7Qx';
const WRONG_SECRET = 'Wrong-Typed-Secret-Value-4Zr';

let log: CapturedLog;
const suite = useAppWithSimulator({
  per: 'file',
  simulator: { users: [{ ...DEMO_USER, secret: SECRET }] },
  // Saved through the settings form by the tests.
  autotask: false,
  build: (db, env) => {
    const app = buildAppWithCapturedLog(db, env);
    log = app.log;
    return app.built;
  },
  signIn: ['admin'],
});
const { ctx } = suite;
let sim: Simulator;
let agent: Agent;
let csrf: string;
/** Every HTML (or Markdown) body the app sent in this file. */
const bodies: string[] = [];

const keep = <T extends { text: string }>(res: T): T => {
  bodies.push(res.text);
  return res;
};

beforeAll(() => {
  sim = suite.sim;
  ({ agent, csrf } = suite.as.admin);
});

describe('the Autotask API secret', () => {
  it('is saved encrypted: the column holds AES-GCM ciphertext, not the secret', async () => {
    const before = keep(await agent.get('/settings/autotask'));
    expect(before.text).toContain('placeholder="Not set"');

    const res = await postSettings(agent, settingsForm(sim, csrf, { secret: SECRET }));
    expect(res.status).toBe(302);

    const rows = await ctx.db.sql.query<{ secretEncrypted: string }>(
      'SELECT "secretEncrypted" FROM "IntegrationSettings" WHERE id = 1',
    );
    expect(rows[0]!.secretEncrypted).toMatch(/^v1\./);
    expect(rows[0]!.secretEncrypted).not.toContain(SECRET);
    expect(JSON.stringify(await settingsRow(ctx.db))).not.toContain(SECRET);
    expect(decryptSecret(rows[0]!.secretEncrypted, testSecrets.encryptionKey)).toBe(SECRET);
    // The first credentials also filled the lists, through the real client with the saved secret.
    expect((await settingsRow(ctx.db)).picklistsLoadedAt).not.toBeNull();
  });

  it('is audited as "secret changed", never with its value', async () => {
    const events = await ctx.db.prisma.auditEvent.findMany({ orderBy: { id: 'asc' } });
    expect(events.map((e) => e.action)).toContain('autotask.secret.changed');
    expect(events.find((e) => e.action === 'autotask.secret.changed')!.summary).toBe('Autotask API secret changed');
    expect(JSON.stringify(events)).not.toContain(SECRET);
  });

  it('is not rendered back: the page says it is stored, and the field is empty', async () => {
    const page = keep(await agent.get('/settings/autotask'));
    expect(page.status).toBe(200);
    expect(page.text).toContain('Stored encrypted — leave blank to keep');
    expect(page.text).toMatch(/id="f-secret" name="secret" type="password"[^>]*value=""/);
    expect(page.text).not.toContain(SECRET);
  });

  it('"leave blank to keep": saving other changes keeps the stored secret as it was', async () => {
    const stored = (await settingsRow(ctx.db)).secretEncrypted;
    const secretEvents = () => ctx.db.prisma.auditEvent.count({ where: { action: 'autotask.secret.changed' } });
    const eventsBefore = await secretEvents();

    const res = await postSettings(agent, settingsForm(sim, csrf, { secret: '', queueId: '29683481' }));
    expect(res.status).toBe(302);
    const row = await settingsRow(ctx.db);
    expect(row.queueId).toBe(29683481);
    expect(row.secretEncrypted).toBe(stored);
    expect(await secretEvents()).toBe(eventsBefore);

    // And the kept secret still works.
    const test = keep(await agent.post('/settings/autotask/test').type('form').send({ _csrf: csrf }));
    expect(test.text).toContain('Test connection: succeeded');
  });

  it('typed into a form that fails validation, is neither echoed nor saved', async () => {
    const stored = (await settingsRow(ctx.db)).secretEncrypted;
    const res = keep(
      await postSettings(agent, settingsForm(sim, csrf, { secret: WRONG_SECRET, baseUrl: 'not a url' })),
    );
    expect(res.status).toBe(422);
    expect(res.text).toContain('The API secret you typed was not kept: enter it again.');
    expect(res.text).not.toContain(WRONG_SECRET);
    expect((await settingsRow(ctx.db)).secretEncrypted).toBe(stored);
  });

  it('appears in no page: test connection (right and wrong), validation, diagnostics, export', async () => {
    const ok = keep(
      await agent
        .post('/settings/autotask/test')
        .type('form')
        .send(settingsForm(sim, csrf, { secret: SECRET })),
    );
    expect(ok.text).toContain('Test connection: succeeded');
    const wrong = keep(
      await agent
        .post('/settings/autotask/test')
        .type('form')
        .send(settingsForm(sim, csrf, { secret: WRONG_SECRET })),
    );
    expect(wrong.text).toContain('Test connection: failed');
    keep(await agent.post('/settings/autotask/validate').type('form').send({ _csrf: csrf }));
    keep(await agent.get('/settings/autotask/diagnostics'));
    keep(await agent.get('/settings/autotask/diagnostics?status=failed'));
    const md = keep(await agent.get('/settings/autotask/export.md'));
    expect(md.text).toContain('stored encrypted');

    expect(bodies.length).toBeGreaterThanOrEqual(9);
    for (const body of bodies) {
      expect(body).not.toContain(SECRET);
      expect(body).not.toContain(WRONG_SECRET);
    }
  });

  it('appears in no log line, although the calls that carried it were logged', async () => {
    const text = log.text();
    // The capture works: request lines and the client's own lines are there.
    expect(text).toContain('/settings/autotask/test');
    expect(text).toContain('autotask call');
    expect(log.lines.length).toBeGreaterThan(20);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(WRONG_SECRET);
    // Nor in the API call log, which keeps Autotask's error texts.
    const calls = await ctx.db.prisma.apiCallLog.findMany();
    expect(calls.some((c) => !c.ok)).toBe(true);
    expect(JSON.stringify(calls)).not.toContain(SECRET);
    expect(JSON.stringify(calls)).not.toContain(WRONG_SECRET);
  });
});
