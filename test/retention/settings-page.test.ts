import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/app.ts';
import { pruneExpiredRecords } from '../../src/services/retention/prune.ts';
import { buildTestApp, csrfFrom, signInAs, type Agent } from '../support/app.ts';
import { resetData, useTestDatabase } from '../support/db.ts';

/**
 * Settings → Data retention (src/controllers/retention/settings.ts): admins see and save the
 * settings, a refused form comes back as typed with a message per field, other roles get 403.
 */

const ctx = useTestDatabase();
let built: BuiltApp;
beforeAll(() => {
  built = buildTestApp(ctx.db);
});
afterAll(() => built?.close());
beforeEach(() => resetData(ctx.db));

const PAGE = '/settings/retention';

async function admin(): Promise<{ agent: Agent; csrf: string }> {
  const { agent } = await signInAs(built.app, ctx.db, 'admin');
  const page = await agent.get(PAGE).expect(200);
  return { agent, csrf: csrfFrom(page.text) };
}

const form = (csrf: string, values: Record<string, string>) => ({
  _csrf: csrf,
  apiCallLogDays: '30',
  syncLogDays: '90',
  runDays: '400',
  auditEventDays: '',
  ...values,
});

/** The value attribute of the input named `name`. */
function valueOf(html: string, name: string): string | undefined {
  return new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(html)?.[1];
}

describe('Settings → Data retention', () => {
  it('shows the defaults with plain labels, a Save button and the way there from Settings', async () => {
    const { agent } = await admin();
    const page = await agent.get(PAGE).expect(200);
    for (const label of [
      'API call log (days)',
      'Sync log (days)',
      'Runs and their objects (days)',
      'Audit events (days)',
    ]) {
      expect(page.text).toContain(label);
    }
    expect(page.text).toContain('Runs with an open ticket are kept');
    expect(page.text).toContain('Empty: kept for ever.');
    expect(page.text).toMatch(/<button type="submit">Save<\/button>/);
    expect(page.text).toContain('name="_csrf"');
    expect([
      valueOf(page.text, 'apiCallLogDays'),
      valueOf(page.text, 'syncLogDays'),
      valueOf(page.text, 'runDays'),
    ]).toEqual(['30', '90', '400']);
    expect(valueOf(page.text, 'auditEventDays')).toBe('');
    expect(page.text).toContain('No old records have been removed yet.');
    expect((await agent.get('/settings').expect(200)).text).toContain(`href="${PAGE}"`);
  });

  it('saves, records who changed what, and shows the saved values', async () => {
    const { agent, csrf } = await admin();
    const res = await agent
      .post(PAGE)
      .type('form')
      .send(form(csrf, { apiCallLogDays: ' 14 ', runDays: '365', auditEventDays: '730' }))
      .expect(302);
    expect(res.headers['location']).toBe(PAGE);
    expect(await ctx.db.prisma.retentionSettings.findUnique({ where: { id: 1 } })).toMatchObject({
      apiCallLogDays: 14,
      syncLogDays: 90,
      runDays: 365,
      auditEventDays: 730,
    });
    const event = await ctx.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'retention.settings_changed' } });
    expect(event.summary).toBe(
      'Changed data retention: API call log 30 days → 14 days, Runs and their objects 400 days → 365 days, Audit events for ever → 730 days',
    );
    const page = await agent.get(PAGE).expect(200);
    expect(page.text).toContain('Data retention saved. Changed: API call log, Runs and their objects, Audit events.');
    expect(valueOf(page.text, 'auditEventDays')).toBe('730');

    // Emptying the audit field keeps audit events for ever again; the same values again change nothing.
    await agent
      .post(PAGE)
      .type('form')
      .send(form(csrf, { auditEventDays: '' }))
      .expect(302);
    expect((await ctx.db.prisma.retentionSettings.findUniqueOrThrow({ where: { id: 1 } })).auditEventDays).toBeNull();
    await agent.post(PAGE).type('form').send(form(csrf, {})).expect(302);
    expect((await agent.get(PAGE)).text).toContain('Nothing changed.');
    expect(await ctx.db.prisma.auditEvent.count({ where: { action: 'retention.settings_changed' } })).toBe(2);
  });

  it('refuses invalid input with a message per field and keeps what was typed', async () => {
    const { agent, csrf } = await admin();
    const res = await agent
      .post(PAGE)
      .type('form')
      .send(form(csrf, { apiCallLogDays: '1e3', syncLogDays: '0', runDays: '7', auditEventDays: '-1' }))
      .expect(422);
    expect(res.text).toContain('API call log: enter a whole number of days, such as 30.');
    expect(res.text).toContain('Sync log: enter between 1 and 3650 days.');
    expect(res.text).toContain('Runs and their objects: enter between 30 and 3650 days.');
    expect(res.text).toContain('Audit events: enter a whole number of days, such as 365.');
    expect(res.text).toContain('aria-invalid="true"');
    expect(
      ['apiCallLogDays', 'syncLogDays', 'runDays', 'auditEventDays'].map((name) => valueOf(res.text, name)),
    ).toEqual(['1e3', '0', '7', '-1']);
    // The typed values are shown escaped, like every text that did not come from us.
    const escaped = await agent
      .post(PAGE)
      .type('form')
      .send(form(csrf, { runDays: '"><b>x' }))
      .expect(422);
    expect(escaped.text).toContain('value="&#34;&gt;&lt;b&gt;x"');
    expect(await ctx.db.prisma.retentionSettings.count()).toBe(0);
    expect(await ctx.db.prisma.auditEvent.count({ where: { action: 'retention.settings_changed' } })).toBe(0);
  });

  it('shows the last removal of old records', async () => {
    await ctx.db.prisma.apiCallLog.create({
      data: {
        at: new Date(Date.now() - 40 * 86_400_000),
        operation: 'query',
        method: 'GET',
        path: '/x',
        ok: true,
        durationMs: 1,
      },
    });
    await pruneExpiredRecords(ctx.db.prisma, { now: new Date() });
    const { agent } = await admin();
    expect((await agent.get(PAGE).expect(200)).text).toContain('Removed old records: 1 API call log entry');
  });

  for (const role of ['operator', 'reporter'] as const) {
    it(`answers 403 to the ${role} and saves nothing`, async () => {
      const { agent, csrf } = await signInAs(built.app, ctx.db, role);
      expect((await agent.get(PAGE)).status).toBe(403);
      const res = await agent
        .post(PAGE)
        .type('form')
        .send(form(csrf, { runDays: '60' }));
      expect(res.status).toBe(403);
      expect(res.text).toContain('Your role does not allow this action.');
      expect(await ctx.db.prisma.retentionSettings.count()).toBe(0);
      expect((await agent.get('/settings')).status).toBe(403);
    });
  }
});
