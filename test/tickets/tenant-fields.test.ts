import { beforeEach, describe, expect, it } from 'vitest';
import { CONTACT, setContactActive, setRequiredTicketFields, WORK_TYPE } from '@backupchecks/autotask-simulator';
import { settleDeferredWork } from '../../src/shared/deferred-work.ts';
import type { Agent } from '../support/app.ts';
import { useAppWithSimulator } from '../support/app-with-simulator.ts';
import { makeCustomerWithRun } from '../support/fixtures.ts';
import { settingsForm } from '../settings/helpers.ts';
import { cachePicklists, decode, postCreate, simTicketsOfRun, ticketCell, ticketCreatePosts } from './helpers.ts';

/**
 * Tenants that require more on a new ticket: a Work Type, a contact, a category or type. A refusal
 * names the field in plain words; an admin gets a link to the setting that provides it, an operator
 * the sentence alone; once set, exactly one ticket carries it.
 */

const suite = useAppWithSimulator({
  prepare: (s) => cachePicklists(s.db, s.sim),
  signIn: ['operator', 'admin'],
});
const { ctx, simCtx } = suite;
const { operator, admin } = suite.as;

const WORK_TYPE_REQUIRED = 'Autotask did not create the ticket. Autotask requires a Work Type on new tickets.';
const row = (runId: number) => ctx.db.prisma.ticket.findUniqueOrThrow({ where: { originRunId: runId } });
const runPage = async (who: { agent: Agent }, runId: number) => {
  const res = await who.agent.get(`/runs/${runId}`);
  expect(res.status).toBe(200);
  await settleDeferredWork();
  return res.text;
};

describe('the tenant requires a Work Type', () => {
  beforeEach(() => {
    setRequiredTicketFields(simCtx.sim.state, ['billingCodeID']);
  });

  it('refuses the create naming the field; the admin sees the link to the setting, the operator does not', async () => {
    const { sim } = simCtx;
    const { run } = await makeCustomerWithRun(ctx.db, { companyId: 105 });

    const failed = await postCreate(operator.agent, operator.csrf, run.id).redirects(1);
    const page = decode(failed.text);
    expect(page).toContain(WORK_TYPE_REQUIRED);
    // Autotask's own words, verbatim, under ours.
    expect(page).toContain('Autotask said: <q>billingCodeID: Value is required.</q>');
    expect((await row(run.id)).state).toBe('failed');
    expect(simTicketsOfRun(sim, run.id)).toHaveLength(0);

    const operatorCell = decode(ticketCell(failed.text, run.id));
    expect(operatorCell).toContain(WORK_TYPE_REQUIRED);
    expect(operatorCell).not.toContain('href="/settings/autotask#f-billingCodeId"');

    const adminCell = decode(ticketCell(await runPage(admin, run.id), run.id));
    expect(adminCell).toContain(WORK_TYPE_REQUIRED);
    expect(adminCell).toContain('<a href="/settings/autotask#f-billingCodeId" class="ticket-fix">');
    expect(adminCell).toContain('Set the Work Type in the Autotask settings');

    // The link leads to the select that provides it.
    const settings = await admin.agent.get('/settings/autotask');
    expect(settings.text).toContain('id="f-billingCodeId"');
  });

  it('after the admin sets the Work Type, a retry creates exactly one ticket carrying it', async () => {
    const { sim } = simCtx;
    const { run } = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    await postCreate(operator.agent, operator.csrf, run.id).redirects(1);
    expect((await row(run.id)).state).toBe('failed');

    // The admin loads the lists and chooses the Work Type on the settings page.
    await admin.agent.post('/settings/autotask/picklists/refresh').type('form').send({ _csrf: admin.csrf });
    const saved = await admin.agent
      .post('/settings/autotask')
      .type('form')
      .send(settingsForm(sim, admin.csrf, { billingCodeId: String(WORK_TYPE.monitoring) }));
    expect(saved.status).toBe(302);
    const settingsRow = await ctx.db.prisma.integrationSettings.findFirstOrThrow();
    expect(settingsRow.billingCodeId).toBe(WORK_TYPE.monitoring);

    const retried = await postCreate(operator.agent, operator.csrf, run.id).redirects(1);
    expect(retried.text).toContain('Created Autotask ticket');
    const tickets = simTicketsOfRun(sim, run.id);
    expect(tickets).toHaveLength(1);
    expect(tickets[0]!.billingCodeID).toBe(WORK_TYPE.monitoring);
    expect(ticketCreatePosts(sim).filter((e) => e.status === 200)).toHaveLength(1);
    expect((await row(run.id)).state).toBe('created');
  });

  it('an inactive Work Type is named too, as a value Autotask did not accept', async () => {
    const { run } = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    await ctx.db.prisma.integrationSettings.updateMany({ data: { billingCodeId: WORK_TYPE.legacy } });
    const failed = decode((await postCreate(operator.agent, operator.csrf, run.id).redirects(1)).text);
    expect(failed).toContain(
      'Autotask did not create the ticket. Autotask did not accept the Work Type set for new tickets: it may be inactive or no longer exist.',
    );
    expect(failed).toContain(
      'Reference value on field: billingCodeID of type: BillingCode does not exist or is invalid.',
    );
  });
});

describe('ticket fields sent only when set', () => {
  it('sends nothing extra by default, and Work Type, category and type once they are set', async () => {
    const { sim } = simCtx;
    const first = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    await postCreate(operator.agent, operator.csrf, first.run.id).redirects(1);
    const plain = ticketCreatePosts(sim).at(-1)!.body as Record<string, unknown>;
    for (const key of ['billingCodeID', 'ticketCategory', 'ticketType', 'contactID'])
      expect(plain).not.toHaveProperty(key);

    await ctx.db.prisma.integrationSettings.updateMany({
      data: { billingCodeId: WORK_TYPE.remoteSupport, ticketCategoryId: 3, ticketTypeId: 2 },
    });
    const second = await makeCustomerWithRun(ctx.db, { companyId: 117 });
    await postCreate(operator.agent, operator.csrf, second.run.id).redirects(1);
    expect(ticketCreatePosts(sim).at(-1)!.body).toMatchObject({
      billingCodeID: WORK_TYPE.remoteSupport,
      ticketCategory: 3,
      ticketType: 2,
    });
    expect(simTicketsOfRun(sim, second.run.id)[0]).toMatchObject({
      billingCodeID: WORK_TYPE.remoteSupport,
      ticketCategory: 3,
      ticketType: 2,
    });
  });
});

describe("the customer's default contact", () => {
  it('is sent as contactID', async () => {
    const { sim } = simCtx;
    const { run, customer } = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    await ctx.db.prisma.companyMapping.update({
      where: { customerId: customer.id },
      data: { contactId: CONTACT.contosoIt, contactName: 'Emma Jansen' },
    });
    const res = await postCreate(operator.agent, operator.csrf, run.id).redirects(1);
    expect(res.text).toContain('Created Autotask ticket');
    expect(ticketCreatePosts(sim).at(-1)!.body).toMatchObject({ contactID: CONTACT.contosoIt });
    expect(simTicketsOfRun(sim, run.id)[0]!.contactID).toBe(CONTACT.contosoIt);
  });

  it('a required contact, or one made inactive in Autotask, links the admin to the mapping page', async () => {
    const { sim } = simCtx;
    setRequiredTicketFields(sim.state, ['contactID']);
    const { run, customer } = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    const failed = decode((await postCreate(operator.agent, operator.csrf, run.id).redirects(1)).text);
    expect(failed).toContain('Autotask requires a contact on new tickets.');
    const mappingLink = `<a href="/customers/${customer.id}/mapping#default-contact" class="ticket-fix">`;
    expect(decode(ticketCell(await runPage(admin, run.id), run.id))).toContain(mappingLink);
    expect(decode(ticketCell(await runPage(operator, run.id), run.id))).not.toContain(mappingLink);

    await ctx.db.prisma.companyMapping.update({
      where: { customerId: customer.id },
      data: { contactId: CONTACT.contosoIt, contactName: 'Emma Jansen' },
    });
    setContactActive(sim.state, CONTACT.contosoIt, false);
    const refused = decode((await postCreate(operator.agent, operator.csrf, run.id).redirects(1)).text);
    expect(refused).toContain("Autotask did not accept this customer's default contact");
    expect(simTicketsOfRun(sim, run.id)).toHaveLength(0);
  });
});
