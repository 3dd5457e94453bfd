import { beforeEach, describe, expect, it } from 'vitest';
import { QUEUE } from '@backupchecks/autotask-simulator';
import { COMPANY_SYNC_KIND } from '../../src/services/mapping/company-sync.ts';
import { CLOSING_NOTE_TEXT } from '../../src/services/integration/settings.ts';
import type { Agent } from '../support/app.ts';
import { useAppWithSimulator } from '../support/app-with-simulator.ts';
import { configureAutotask } from '../support/autotask.ts';
import { makeCreatedTicket, makeCustomerWithRun } from '../support/fixtures.ts';
import { decode } from './helpers.ts';

/** Integration overview, diagnostics, the Markdown export and the environment badge. */

const suite = useAppWithSimulator({
  autotask: { baseUrl: 'https://backupchecks.example.com', sourceId: 8 },
  signIn: ['admin'],
});
const { ctx, simCtx } = suite;
let agent: Agent;
let csrf: string;

beforeEach(async () => {
  ({ agent, csrf } = suite.as.admin);
  await agent.post('/settings/autotask/picklists/refresh').type('form').send({ _csrf: csrf });
});

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

describe('Markdown export', () => {
  it('documents the configured values, field mappings, rules, LiveLinks, errors and checklist — without the secret', async () => {
    const { run } = await makeCustomerWithRun(ctx.db, { customerName: 'Acme Dental', companyId: 105 });
    await makeCreatedTicket(ctx.db, simCtx.sim, run.id, { companyId: 105 });
    await makeCustomerWithRun(ctx.db, { customerName: 'Unmapped Ltd', companyId: null });
    await ctx.db.prisma.syncLog.create({
      data: {
        kind: COMPANY_SYNC_KIND,
        trigger: 'periodic',
        startedAt: minutesAgo(30),
        finishedAt: minutesAgo(29),
        ok: false,
        errors: 1,
        message: 'Autotask could not be reached.',
      },
    });

    const res = await agent.get('/settings/autotask/export.md');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="?backupchecks-autotask-integration-\d{4}-\d{2}-\d{2}\.md"?$/,
    );
    const md = res.text;
    const { credentials } = simCtx.sim;

    expect(md).toContain('# PSA Integration: Autotask');
    expect(md).toContain('| PSA Type | Autotask |');
    expect(md).toContain('| Environment | Sandbox |');
    expect(md).toContain(`| API URL (zone) | ${simCtx.sim.apiUrl} |`);
    expect(md).toContain(`| Username | ${credentials.username} |`);
    expect(md).toContain('| Secret | stored encrypted (AES-256-GCM) |');
    expect(md).toContain(`| Default queue | Monitoring Alerts (${QUEUE.monitoringAlerts}) |`);
    expect(md).toContain('| Default sub-issue type | Backup failed (101) |');
    expect(md).toContain('| Default source | Monitoring Alert (8) |');
    expect(md).toContain('| priority | Run status: Error → High (1); Warning → Medium (2) |');
    expect(md).toContain('| companyID |');
    expect(md).toContain('| externalID |');
    expect(md).toContain('[Backupchecks] <customer> - <job> - <status>');
    expect(md).toContain(CLOSING_NOTE_TEXT);
    expect(md).toContain('| Resolve gate |');
    expect(md).toContain('https://backupchecks.example.com/links/autotask/tickets/<Autotask ticket ID>');
    expect(md).toContain('| periodic | Autotask could not be reached. |');
    expect(md).toContain('- Failed syncs in the last 24 hours: 1');
    expect(md).toContain('- [x] API credentials configured');
    expect(md).toContain('- [ ] Perform matching regularly — 1 active customer not mapped, 0 with an invalid mapping');
    expect(md).toContain('- [ ] Check sync status regularly');
    expect(md).toContain('One-Way Sync (Autotask → Backupchecks)');

    expect(md).not.toContain(credentials.secret);
    expect(md).not.toContain(credentials.integrationCode);
    expect(md).toContain(`${credentials.integrationCode.slice(-4)} (27 characters)`);
  });
});

describe('integration overview on the settings page', () => {
  it('shows PSA type, zone, status, last sync and the sync method', async () => {
    await ctx.db.prisma.syncLog.create({
      data: {
        kind: COMPANY_SYNC_KIND,
        trigger: 'manual',
        startedAt: new Date('2026-01-13T08:00:00Z'),
        finishedAt: new Date('2026-01-13T08:00:01Z'),
        ok: true,
        checked: 3,
      },
    });
    const html = decode((await agent.get('/settings/autotask')).text);
    expect(html).toContain('<dt>PSA type</dt><dd>Autotask</dd>');
    expect(html).toContain(`<code>${simCtx.sim.apiUrl}</code> (Simulator)`);
    expect(html).toContain('<span class="badge integration-active">Active</span>');
    expect(html).toMatch(/Last synchronisation<\/dt>\s*<dd>\s*13\/01\/2026, 08:00 UTC · succeeded/);
    expect(html).toContain('One-way, Autotask → Backupchecks');
    expect(html).toContain('href="/settings/autotask/export.md"');

    await configureAutotask(ctx.db, simCtx.sim, { queueId: null });
    const misconfigured = decode((await agent.get('/settings/autotask')).text);
    expect(misconfigured).toContain('<span class="badge integration-misconfigured">Misconfigured</span>');
    expect(misconfigured).toContain('No default ticket queue is set for Autotask.');
  });

  it('Settings index links to Autotask and to API tokens', async () => {
    const html = decode((await agent.get('/settings')).text);
    expect(html).toContain('Extensions & Integrations');
    expect(html).toContain('href="/settings/autotask"');
    expect(html).toContain('href="/settings/api-tokens"');
  });
});

describe('diagnostics', () => {
  beforeEach(async () => {
    await ctx.db.prisma.apiCallLog.deleteMany();
    const rows = Array.from({ length: 55 }, (_, i) => ({
      at: minutesAgo(100 - i),
      operation: 'companies.get',
      method: 'GET',
      path: `/ATServicesRest/V1.0/Companies/${1000 + i}`,
      status: 200,
      ok: true,
      durationMs: 20,
    }));
    await ctx.db.prisma.apiCallLog.createMany({
      data: [
        ...rows,
        {
          at: minutesAgo(30),
          operation: 'tickets.create',
          method: 'POST',
          path: '/ATServicesRest/V1.0/Tickets',
          status: 500,
          ok: false,
          durationMs: 80,
          error: 'Autotask refused the request. Queue is required.',
        },
        {
          at: minutesAgo(60 * 30),
          operation: 'threshold.get',
          method: 'GET',
          path: '/ATServicesRest/V1.0/ThresholdInformation',
          status: null,
          ok: false,
          durationMs: 2000,
          error: 'Autotask did not answer in time.',
        },
      ],
    });
    await ctx.db.prisma.syncLog.create({
      data: {
        kind: COMPANY_SYNC_KIND,
        trigger: 'refresh-all',
        startedAt: minutesAgo(5),
        finishedAt: minutesAgo(5),
        ok: true,
        checked: 12,
        renamed: 2,
        invalid: 1,
      },
    });
  });

  it('shows last successful and failed call, failures in 24 h, the sync log with counts', async () => {
    const html = decode((await agent.get('/settings/autotask/diagnostics')).text);
    expect(html).toMatch(
      /Last failed call<\/dt>\s*<dd>\s*[\d/]+, [\d:]+ UTC · <code>tickets\.create<\/code> · Autotask refused the request\. Queue is required\./,
    );
    expect(html).toMatch(/Failed calls, last 24 hours<\/dt><dd>1<\/dd>/);
    expect(html).toContain('<td>Company-name sync</td>');
    expect(html).toMatch(/<td class="num">12<\/td>\s*<td class="num">2<\/td>\s*<td class="num">1<\/td>/);
    expect(html).toContain('57 calls, newest first');
    expect(html).toContain('Page 1 of 2');
  });

  it('filters the call log by outcome, newest first, and pages it', async () => {
    const failed = decode((await agent.get('/settings/autotask/diagnostics?status=failed')).text);
    expect(failed).toContain('2 calls, newest first');
    expect(failed.indexOf('tickets.create</code></td>')).toBeLessThan(failed.indexOf('threshold.get</code></td>'));
    expect(failed).toContain('no answer');
    expect(failed).not.toContain('Companies/1000');

    const ok = decode((await agent.get('/settings/autotask/diagnostics?status=ok&page=2')).text);
    expect(ok).toContain('55 calls, newest first');
    expect(ok).toContain('Page 2 of 2');
    expect(ok).toContain('Companies/1000'); // the oldest, on the last page
    expect(ok).not.toContain('Companies/1054');
    expect(ok).toContain('href="?status=ok&page=1"');
  });
});

describe('environment badge', () => {
  it('shows Sandbox or Production on the pages that act on Autotask while the integration is on', async () => {
    for (const path of ['/run-checks', '/customers', '/settings/autotask']) {
      const html = (await agent.get(path)).text;
      expect(html).toContain('<span class="badge env-sandbox" title="Autotask environment">Autotask Sandbox</span>');
    }
    expect((await agent.get('/users')).text).not.toContain('Autotask Sandbox');

    await configureAutotask(ctx.db, simCtx.sim, { environment: 'production' });
    expect((await agent.get('/run-checks')).text).toContain('Autotask Production');

    await configureAutotask(ctx.db, simCtx.sim, { enabled: false });
    expect((await agent.get('/run-checks')).text).not.toContain('title="Autotask environment"');
  });
});
