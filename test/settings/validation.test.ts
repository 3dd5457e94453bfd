import { describe, expect, it } from 'vitest';
import { ISSUE, QUEUE, SUB_ISSUE } from '@backupchecks/autotask-simulator';
import type { Prisma } from '../../src/db/database.ts';
import {
  NON_BILLABLE_WARNING,
  validateConfiguration,
  type CheckItem,
} from '../../src/services/integration/validate-configuration.ts';
import { getIntegrationSettings } from '../../src/services/integration/settings.ts';
import { encryptSecret } from '../../src/shared/secret-box.ts';
import { signInAs, testSecrets } from '../support/app.ts';
import { useAppWithSimulator } from '../support/app-with-simulator.ts';
import { configureAutotask } from '../support/autotask.ts';
import { decode } from './helpers.ts';

/** Validate configuration: every checklist item can fail, and says why. */

// Each test saves the settings it validates.
const { ctx, simCtx, built } = useAppWithSimulator({ autotask: false });

async function validate(
  overrides: Partial<Prisma.IntegrationSettingsUncheckedCreateInput> = {},
  fallbackBaseUrl?: string,
) {
  await configureAutotask(ctx.db, simCtx.sim, overrides);
  const settings = await getIntegrationSettings(ctx.db.prisma);
  return validateConfiguration({ db: ctx.db.prisma, access: built.context.autotask, fallbackBaseUrl }, settings);
}

const item = (items: readonly CheckItem[], labelStart: string): CheckItem => {
  const found = items.find((i) => i.label.startsWith(labelStart));
  if (!found) throw new Error(`no checklist item "${labelStart}"`);
  return found;
};
const failedLabels = (items: readonly CheckItem[]) => items.filter((i) => i.state === 'failed').map((i) => i.label);

describe('validateConfiguration', () => {
  it('passes a complete configuration, with the standing non-billable warning', async () => {
    const result = await validate();
    expect(failedLabels(result.items)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.items.map((i) => i.label)).toEqual([
      'Integration is switched on',
      'API credentials are saved',
      'Autotask accepts the credentials',
      'Default queue is set and active',
      'Priority for Error runs is set and active',
      'Priority for Warning runs is set and active',
      'New-ticket status is active and not Complete',
      'Issue type and sub-issue type belong together',
      'Default source is active',
      'Note type of the closing note is set and active',
      'Work Type is active',
      'Ticket category is active',
      'Ticket type is active',
      'Backupchecks base URL is an absolute http(s) address',
      "Customers' default contacts are active",
      'Time entries are readable',
      'API user may view non-billable time entries',
    ]);
    expect(item(result.items, 'API user may view')).toEqual({
      label: 'API user may view non-billable time entries',
      state: 'warning',
      message: NON_BILLABLE_WARNING,
    });
    expect(NON_BILLABLE_WARNING).toContain('view non-billable time entries');
    // It read time entries and refreshed the cached lists on the way; it wrote nothing.
    expect(simCtx.sim.requestLog.some((r) => r.entity === 'TimeEntries')).toBe(true);
    expect((await getIntegrationSettings(ctx.db.prisma)).picklistsLoadedAt).not.toBeNull();
    expect(simCtx.sim.requestLog.filter((r) => r.method !== 'GET' && !/\/query/i.test(r.path))).toEqual([]);
  });

  it('credentials missing: not saved, not accepted, time entries not checked', async () => {
    const result = await validate({ secretEncrypted: null });
    expect(item(result.items, 'API credentials are saved')).toMatchObject({
      state: 'failed',
      message: 'Missing: API secret.',
    });
    expect(item(result.items, 'Autotask accepts')).toMatchObject({ state: 'failed' });
    expect(item(result.items, 'Time entries')).toMatchObject({ state: 'failed' });
    expect(result.ok).toBe(false);
    expect(simCtx.sim.requestLog).toEqual([]);
  });

  it('credentials refused by Autotask', async () => {
    const result = await validate({ secretEncrypted: encryptSecret('wrong-secret', testSecrets.encryptionKey) });
    expect(item(result.items, 'Autotask accepts')).toMatchObject({
      state: 'failed',
      message: expect.stringContaining('Autotask refused the API secret') as unknown,
      detail: 'Unauthorized',
    });
  });

  it('queue not set, or inactive', async () => {
    expect(item((await validate({ queueId: null })).items, 'Default queue')).toMatchObject({
      state: 'failed',
      message: 'No default queue is set: tickets cannot be created without one.',
    });
    expect(item((await validate({ queueId: QUEUE.oldHelpdesk })).items, 'Default queue')).toMatchObject({
      state: 'failed',
      message: `Default queue “Old Helpdesk” (${QUEUE.oldHelpdesk}) is inactive in Autotask. Choose another value.`,
    });
  });

  it('priorities not mapped, gone or inactive', async () => {
    const result = await validate({ priorityErrorId: 77, priorityWarningId: 5 });
    expect(item(result.items, 'Priority for Error')).toMatchObject({
      state: 'failed',
      message: 'Priority for Error runs 77 no longer exists in Autotask. Choose another value.',
    });
    expect(item(result.items, 'Priority for Warning')).toMatchObject({
      state: 'failed',
      message: 'Priority for Warning runs “Standard (old)” (5) is inactive in Autotask. Choose another value.',
    });
    expect(item((await validate({ priorityWarningId: null })).items, 'Priority for Warning').state).toBe('failed');
  });

  it('new-ticket status Complete, or inactive', async () => {
    expect(item((await validate({ newStatusId: 5 })).items, 'New-ticket status')).toMatchObject({
      state: 'failed',
      message: expect.stringContaining("“Complete” is Autotask's Complete status") as unknown,
    });
    expect(item((await validate({ newStatusId: 14 })).items, 'New-ticket status').message).toContain(
      'is inactive in Autotask',
    );
  });

  it('issue and sub-issue type that do not belong together', async () => {
    const mismatch = await validate({ issueTypeId: ISSUE.hardware, subIssueTypeId: SUB_ISSUE.backupFailed });
    expect(item(mismatch.items, 'Issue type and sub-issue')).toMatchObject({
      state: 'failed',
      message:
        'Sub-issue type “Backup failed” does not belong to issue type “Hardware”. Autotask would refuse the ticket.',
    });
    const orphan = await validate({ issueTypeId: null, subIssueTypeId: SUB_ISSUE.backupFailed });
    expect(item(orphan.items, 'Issue type and sub-issue').state).toBe('failed');
    const inactive = await validate({ subIssueTypeId: SUB_ISSUE.tapeRotation });
    expect(item(inactive.items, 'Issue type and sub-issue').message).toContain('“Tape rotation (old)”');
  });

  it('base URL missing or not absolute http(s)', async () => {
    expect(item((await validate({ baseUrl: null })).items, 'Backupchecks base URL')).toMatchObject({
      state: 'failed',
      message: 'Not set: tickets cannot link back to the run in Backupchecks.',
    });
    expect(item((await validate({ baseUrl: 'ftp://files.example.com' })).items, 'Backupchecks base URL').state).toBe(
      'failed',
    );
    expect(item((await validate({ baseUrl: 'backupchecks.example.com' })).items, 'Backupchecks base URL').state).toBe(
      'failed',
    );
    // APP_BASE_URL stands in when the setting is empty (a warning, not a failure).
    expect(
      item((await validate({ baseUrl: null }, 'https://bc.example.com')).items, 'Backupchecks base URL').state,
    ).toBe('warning');
  });

  it('time entries not readable (the API user lacks the right)', async () => {
    simCtx.sim.faults.failNext({
      entity: 'TimeEntries',
      status: 500,
      errors: ['The logged in Resource does not have the adequate permissions to query this entity.'],
    });
    const result = await validate();
    expect(item(result.items, 'Time entries')).toMatchObject({
      state: 'failed',
      message: expect.stringContaining(
        'Without reading time entries no ticket can be resolved from Backupchecks.',
      ) as unknown,
      detail: 'The logged in Resource does not have the adequate permissions to query this entity.',
    });
  });

  it('resolving allowed without a note type for the closing note', async () => {
    const result = await validate({ noteTypeId: null, allowResolve: true });
    expect(item(result.items, 'Note type')).toMatchObject({ state: 'failed' });
    expect(item((await validate({ noteTypeId: null, allowResolve: false })).items, 'Note type').state).toBe('ok');
  });
});

describe('POST /settings/autotask/validate', () => {
  it("shows the checklist with ✓/✗ and Autotask's own words", async () => {
    await configureAutotask(ctx.db, simCtx.sim, { queueId: null });
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'admin');
    const res = await agent.post('/settings/autotask/validate').type('form').send({ _csrf: csrf });
    expect(res.status).toBe(200);
    const html = decode(res.text);
    expect(html).toContain('Validate configuration: 1 problem found');
    expect(html).toMatch(
      /<span class="visually-hidden">failed:<\/span>\s*<strong>Default queue is set and active<\/strong>/,
    );
    expect(html).toContain('view non-billable time entries');
  });
});
