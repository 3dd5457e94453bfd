import { beforeEach, describe, expect, it } from 'vitest';
import { setBillingCodeActive, setPicklistValueActive, WORK_TYPE } from '@backupchecks/autotask-simulator';
import type { Agent } from '../support/app.ts';
import { useAppWithSimulator } from '../support/app-with-simulator.ts';
import { configureAutotask } from '../support/autotask.ts';
import { decode, optionLabels, postSettings, settingsForm, settingsRow } from './helpers.ts';

/** Settings → Autotask: Work Type, ticket category and ticket type, loaded from Autotask and checked. */

const suite = useAppWithSimulator({ signIn: ['admin'] });
const { ctx, simCtx } = suite;
let agent: Agent;
let csrf: string;

beforeEach(async () => {
  ({ agent, csrf } = suite.as.admin);
  await agent.post('/settings/autotask/picklists/refresh').type('form').send({ _csrf: csrf });
});

const page = async () => decode((await agent.get('/settings/autotask')).text);
const validate = async () =>
  decode((await agent.post('/settings/autotask/validate').type('form').send({ _csrf: csrf })).text);

describe('the three optional selects', () => {
  it('offer active values only, loaded from Autotask, and default to not sent', async () => {
    const html = await page();
    expect(optionLabels(html, 'billingCodeId')).toEqual([
      '— not sent —',
      'After Hours Support',
      'Monitoring & Backup',
      'Onsite Support',
      'Remote Support',
    ]);
    expect(optionLabels(html, 'ticketCategoryId')).toEqual(['— not sent —', 'Standard', 'Monitoring Alert']);
    expect(optionLabels(html, 'ticketTypeId')).not.toContain('Maintenance (old)');
    expect(optionLabels(html, 'ticketTypeId')).toContain('Incident');
    // The Work Types came from BillingCodes with useType 1.
    const query = simCtx.sim.requestLog.find((r) => r.entity === 'BillingCodes');
    expect(query?.body).toMatchObject({ filter: [{ op: 'eq', field: 'useType', value: 1 }] });
  });

  it('saves the chosen values and audits them with their labels; blank means not sent', async () => {
    const res = await postSettings(
      agent,
      settingsForm(simCtx.sim, csrf, {
        billingCodeId: String(WORK_TYPE.remoteSupport),
        ticketCategoryId: '3',
        ticketTypeId: '2',
      }),
    );
    expect(res.status).toBe(302);
    expect(await settingsRow(ctx.db)).toMatchObject({
      billingCodeId: WORK_TYPE.remoteSupport,
      ticketCategoryId: 3,
      ticketTypeId: 2,
    });
    const event = await ctx.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'autotask.settings.updated' } });
    expect(event.summary).toContain('Work Type');
    expect(JSON.stringify(event.details)).toContain(`Remote Support (${WORK_TYPE.remoteSupport})`);

    await postSettings(agent, settingsForm(simCtx.sim, csrf, { billingCodeId: '' }));
    expect((await settingsRow(ctx.db)).billingCodeId).toBeNull();
  });

  it('refuses an inactive value, with the message under its field', async () => {
    const res = await postSettings(agent, settingsForm(simCtx.sim, csrf, { billingCodeId: String(WORK_TYPE.legacy) }));
    expect(res.status).toBe(422);
    expect(decode(res.text)).toContain('“Remote Support (old)” is inactive in Autotask. Choose an active value.');
    expect((await settingsRow(ctx.db)).billingCodeId).toBeNull();
  });
});

describe('Validate configuration', () => {
  it('flags a saved Work Type, category or type that became inactive in Autotask', async () => {
    await configureAutotask(ctx.db, simCtx.sim, {
      billingCodeId: WORK_TYPE.onsiteSupport,
      ticketCategoryId: 3,
      ticketTypeId: 2,
    });
    const before = await validate();
    expect(before).toContain('“Onsite Support” (29682802) is active in Autotask.');

    setBillingCodeActive(simCtx.sim.state, WORK_TYPE.onsiteSupport, false);
    setPicklistValueActive(simCtx.sim.state, 'Tickets', 'ticketType', 2, false);
    const after = await validate();
    expect(after).toContain('Work Type “Onsite Support” (29682802) is inactive in Autotask. Choose another value.');
    expect(after).toContain('Ticket type “Incident” (2) is inactive in Autotask. Choose another value.');
    expect(after).toContain('“Monitoring Alert” (3) is active in Autotask.');
    // The page also flags the stale value next to its select.
    expect(optionLabels(await page(), 'billingCodeId')).toContain('Onsite Support (inactive in Autotask)');
  });

  it('says an unset Work Type is fine until Autotask asks for one', async () => {
    expect(await validate()).toContain('Not set: new tickets go without a Work Type. Set one if Autotask requires it.');
  });
});
