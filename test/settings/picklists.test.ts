import { beforeEach, describe, expect, it } from 'vitest';
import { ISSUE, QUEUE, SUB_ISSUE } from '@backupchecks/autotask-simulator';
import type { Agent } from '../support/app.ts';
import { useAppWithSimulator } from '../support/app-with-simulator.ts';
import { configureAutotask } from '../support/autotask.ts';
import { afterRedirect, decode, optionLabels, postSettings, selectHtml, settingsForm, settingsRow } from './helpers.ts';

/** The dropdowns come from Autotask's picklists: active values only, sub-issues per issue type, stale values flagged. */

// Autotask is configured by the tests that need it.
const suite = useAppWithSimulator({ autotask: false, signIn: ['admin'] });
const { ctx, simCtx } = suite;
let agent: Agent;
let csrf: string;
beforeEach(() => ({ agent, csrf } = suite.as.admin));

const page = async () => {
  const res = await agent.get('/settings/autotask');
  expect(res.status).toBe(200);
  return decode(res.text);
};
const refresh = () =>
  afterRedirect(agent, agent.post('/settings/autotask/picklists/refresh').type('form').send({ _csrf: csrf }));
/** The simulator's picklist entry, to change "in Autotask". */
const simValue = (entity: 'Tickets' | 'TicketNotes', field: string, value: number) =>
  simCtx.sim.state.picklist(entity, field).find((p) => p.value === String(value))!;

describe('before credentials are saved', () => {
  it('the page works and says how to fill the lists; Refresh asks Autotask nothing', async () => {
    const html = await page();
    expect(html).toContain(
      'Save the API username, secret and API tracking identifier first; the lists are then loaded at once.',
    );
    expect(optionLabels(html, 'queueId')).toEqual(['— load the lists from Autotask first —']);
    expect(selectHtml(html, 'queueId')).not.toContain('Monitoring Alerts');

    const res = decode((await refresh()).text);
    expect(res).toContain(
      'Save the API username, secret and API tracking identifier first; then the lists can be loaded',
    );
    expect(simCtx.sim.requestLog).toEqual([]);
  });
});

describe('Refresh from Autotask', () => {
  beforeEach(() => configureAutotask(ctx.db, simCtx.sim));

  it('loads the lists with the time, offers active values only, and audits the refresh', async () => {
    const res = decode((await refresh()).text);
    expect(res).toContain('Loaded the lists from Autotask: 4 queues, 5 issue types, 4 priorities, 9 statuses');
    const row = await settingsRow(ctx.db);
    expect(row.picklistsLoadedAt).not.toBeNull();
    expect(await ctx.db.prisma.auditEvent.count({ where: { action: 'autotask.picklists.refreshed' } })).toBe(1);

    const html = await page();
    expect(html).toMatch(/were loaded \d/);
    expect(optionLabels(html, 'queueId').slice(1)).toEqual([
      'Service Desk',
      'Monitoring Alerts',
      'Projects',
      'Level II Support',
    ]);
    expect(optionLabels(html, 'priorityErrorId').slice(1)).toEqual(['Critical', 'High', 'Medium', 'Low']);
    expect(optionLabels(html, 'sourceId')).not.toContain('Fax (old)');
    expect(optionLabels(html, 'newStatusId')).not.toContain('On Hold (old)');
    expect(optionLabels(html, 'noteTypeId')).not.toContain('Legacy Note (old)');
    expect(optionLabels(html, 'subIssueTypeId')).not.toContain('Tape rotation (old)');
    expect(html).not.toContain('Old Helpdesk');
    expect(html).not.toContain('Standard (old)');
  });

  it("keeps the old lists and shows Autotask's words when Autotask refuses", async () => {
    await refresh();
    const loadedAt = (await settingsRow(ctx.db)).picklistsLoadedAt;
    simCtx.sim.faults.failNext({ entity: 'Tickets', status: 500, errors: ['Metadata is temporarily unavailable.'] });
    const res = decode((await refresh()).text);
    expect(res).toContain('The lists could not be loaded from Autotask.');
    expect(res).toContain('Autotask said: <q>Metadata is temporarily unavailable.</q>');
    expect((await settingsRow(ctx.db)).picklistsLoadedAt).toEqual(loadedAt);
  });
});

describe('sub-issue types follow the issue type', () => {
  beforeEach(async () => {
    await configureAutotask(ctx.db, simCtx.sim);
    await refresh();
  });

  it('every sub-issue option carries its issue type, and the page loads the filter script', async () => {
    const html = await page();
    const sub = selectHtml(html, 'subIssueTypeId');
    expect(sub).toContain(
      `<option value="${SUB_ISSUE.backupFailed}" data-parent="${ISSUE.backup}" selected>Backup failed</option>`,
    );
    expect(sub).toContain(`<option value="${SUB_ISSUE.server}" data-parent="${ISSUE.hardware}">Server</option>`);
    expect([...sub.matchAll(/<option value="\d+"(?! data-parent)/g)]).toEqual([]);
    expect(html).toContain('<script src="/static/js/settings-autotask.js" defer></script>');
    const script = await agent.get('/static/js/settings-autotask.js');
    expect(script.status).toBe(200);
    expect(script.text).toContain('dataset.parent');
  });

  it('the server refuses a sub-issue type of another issue type, and keeps what was typed', async () => {
    const res = await postSettings(
      agent,
      settingsForm(simCtx.sim, csrf, {
        issueTypeId: String(ISSUE.backup),
        subIssueTypeId: String(SUB_ISSUE.server),
        apiUsername: 'kept@example.com',
      }),
    );
    expect(res.status).toBe(422);
    const html = decode(res.text);
    expect(html).toContain('“Server” is a sub-issue type of “Hardware”, not of “Backup”.');
    expect(html).toContain('value="kept@example.com"');
    expect((await settingsRow(ctx.db)).subIssueTypeId).toBe(SUB_ISSUE.backupFailed);

    const ok = await postSettings(
      agent,
      settingsForm(simCtx.sim, csrf, { issueTypeId: String(ISSUE.hardware), subIssueTypeId: String(SUB_ISSUE.server) }),
    );
    expect(ok.status).toBe(302);
    expect((await settingsRow(ctx.db)).subIssueTypeId).toBe(SUB_ISSUE.server);
  });

  it('a sub-issue type needs an issue type', async () => {
    const res = await postSettings(agent, settingsForm(simCtx.sim, csrf, { issueTypeId: '' }));
    expect(res.status).toBe(422);
    expect(decode(res.text)).toContain('Choose the issue type this sub-issue type belongs to, or no sub-issue type.');
  });
});

describe('a saved value that became inactive or disappeared', () => {
  beforeEach(async () => {
    await configureAutotask(ctx.db, simCtx.sim);
    await refresh();
  });

  it('is flagged on the page after a refresh, kept selected (marked) so saving does not change it by accident', async () => {
    simValue('Tickets', 'queueID', QUEUE.monitoringAlerts).isActive = false;
    const priorities = simCtx.sim.state.picklists.Tickets.priority!;
    priorities.splice(
      priorities.findIndex((p) => p.label === 'High'),
      1,
    );
    await refresh();

    const html = await page();
    expect(html).toContain('Saved values that can no longer be used:');
    expect(html).toContain(
      `Default queue “Monitoring Alerts” (${QUEUE.monitoringAlerts}) is inactive in Autotask. Choose another value.`,
    );
    expect(html).toContain('Priority for Error runs 1 no longer exists in Autotask. Choose another value.');
    expect(selectHtml(html, 'queueId')).toContain(
      `<option value="${QUEUE.monitoringAlerts}" selected>Monitoring Alerts (inactive in Autotask)</option>`,
    );
    expect(selectHtml(html, 'priorityErrorId')).toContain(
      '<option value="1" selected>ID 1 (no longer in Autotask)</option>',
    );
    expect(html).toContain('aria-describedby="queueId-stale"');

    // Saving other changes keeps the flagged values (the admin fixes them when ready)…
    const keep = await postSettings(agent, settingsForm(simCtx.sim, csrf, { baseUrl: 'https://bc.example.net' }));
    expect(keep.status).toBe(302);
    expect((await settingsRow(ctx.db)).queueId).toBe(QUEUE.monitoringAlerts);
    // …but an inactive value cannot be newly chosen.
    const pick = await postSettings(agent, settingsForm(simCtx.sim, csrf, { queueId: String(QUEUE.oldHelpdesk) }));
    expect(pick.status).toBe(422);
    expect(decode(pick.text)).toContain('“Old Helpdesk” is inactive in Autotask. Choose an active value.');
    const unknown = await postSettings(agent, settingsForm(simCtx.sim, csrf, { priorityWarningId: '999' }));
    expect(decode(unknown.text)).toContain('This value is not in the list loaded from Autotask.');
  });
});

describe('other form rules', () => {
  beforeEach(async () => {
    await configureAutotask(ctx.db, simCtx.sim);
    await refresh();
  });

  it('refuses Complete as the new-ticket status', async () => {
    const res = await postSettings(agent, settingsForm(simCtx.sim, csrf, { newStatusId: '5' }));
    expect(res.status).toBe(422);
    expect(decode(res.text)).toContain('A new ticket cannot start as Complete.');
  });

  it('refuses switching on without credentials, and a relative base URL', async () => {
    const noUser = await postSettings(agent, settingsForm(simCtx.sim, csrf, { apiUsername: '' }));
    expect(noUser.status).toBe(422);
    expect(decode(noUser.text)).toContain(
      'Enter the API username, secret and API tracking identifier before switching the integration on.',
    );
    const relative = await postSettings(agent, settingsForm(simCtx.sim, csrf, { baseUrl: '/relative' }));
    expect(relative.status).toBe(422);
    expect(decode(relative.text)).toContain(
      'Enter an absolute http(s) address such as https://backupchecks.example.com.',
    );
    expect(decode(relative.text)).toContain('value="/relative"');
  });

  it('an unticked switch (no field sent) switches off', async () => {
    const res = await postSettings(
      agent,
      settingsForm(simCtx.sim, csrf, { enabled: undefined, allowResolve: undefined }),
    );
    expect(res.status).toBe(302);
    expect(await settingsRow(ctx.db)).toMatchObject({ enabled: false, allowResolve: false });
    const events = await ctx.db.prisma.auditEvent.findMany({ where: { action: 'autotask.disabled' } });
    expect(events.map((e) => e.summary)).toEqual([
      'Switched the Autotask integration off: ticket actions are hidden and refused',
    ]);
  });

  it('saves every field and audits what changed (from → to, with labels)', async () => {
    const res = await postSettings(
      agent,
      settingsForm(simCtx.sim, csrf, {
        environment: 'production',
        queueId: String(QUEUE.serviceDesk),
        sourceId: '8',
        priorityWarningId: '3',
        allowResolve: undefined,
        apiLogLevel: 'errors',
        syncIntervalMinutes: '60',
        baseUrl: 'https://bc.example.net/',
      }),
    );
    expect(res.status).toBe(302);
    expect(await settingsRow(ctx.db)).toMatchObject({
      environment: 'production',
      queueId: QUEUE.serviceDesk,
      sourceId: 8,
      priorityWarningId: 3,
      allowResolve: false,
      apiLogLevel: 'errors',
      syncIntervalMinutes: 60,
      baseUrl: 'https://bc.example.net',
      zoneApiUrl: null,
    });
    const event = await ctx.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'autotask.settings.updated' } });
    expect(event.summary).toContain('Environment');
    expect(event.details).toMatchObject({
      changes: {
        queueId: { from: `Monitoring Alerts (${QUEUE.monitoringAlerts})`, to: `Service Desk (${QUEUE.serviceDesk})` },
        environment: { from: 'sandbox', to: 'production' },
        allowResolve: { from: 'true', to: 'false' },
      },
    });
    const flash = decode((await agent.get('/settings/autotask')).text);
    expect(flash).toContain('Autotask settings saved. Changed:');
  });
});
