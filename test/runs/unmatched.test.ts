import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/app.ts';
import { createApiToken } from '../../src/services/accounts/api-tokens.ts';
import { addUser, buildTestApp, signInAs, type Agent } from '../support/app.ts';
import { resetData, useTestDatabase } from '../support/db.ts';

/**
 * Runs for a customer name nobody knows (src/services/runs/unmatched.ts) are kept, listed for
 * admins, and assigned to a customer (src/services/runs/unmatched-assign.ts), whose alias the
 * sender's spelling becomes.
 */

const ctx = useTestDatabase();
let built: BuiltApp;
let token: string;
let acmeId: number;
let admin: { agent: Agent; csrf: string };

const run = (customer: string, extra: Record<string, unknown> = {}) => ({
  customer,
  job: { name: 'Practice servers', backupSoftware: 'Veeam Backup & Replication', backupType: 'VM backup' },
  runAt: '2026-03-01T22:15:00+01:00',
  status: 'error',
  remark: 'Failed: 1 of 2 objects',
  objects: [
    { name: 'DC01', type: 'VM', status: 'success' },
    { name: 'SQL01', type: 'VM', status: 'error', message: 'Snapshot failed' },
  ],
  ...extra,
});

const send = (body: object) =>
  request(built.app).post('/api/v1/runs').set('Authorization', `Bearer ${token}`).send(body);

const waitingIds = async () =>
  (await ctx.db.prisma.unmatchedRun.findMany({ where: { resolvedAt: null }, orderBy: { id: 'asc' } })).map((r) => r.id);

const assign = (who: { agent: Agent; csrf: string }, reportId: number, customerId: number) =>
  who.agent
    .post('/run-checks/unmatched/assign')
    .type('form')
    .send({ _csrf: who.csrf, reportId: String(reportId), customerId: String(customerId) });

beforeAll(() => {
  built = buildTestApp(ctx.db);
});
afterAll(() => built.close());

beforeEach(async () => {
  await resetData(ctx.db);
  const owner = await addUser(ctx.db, 'admin');
  token = (await createApiToken(ctx.db.prisma, owner, 'Mail parser')).token;
  acmeId = (await ctx.db.prisma.customer.create({ data: { name: 'Acme Dental', nameKey: 'acme dental' } })).id;
  admin = await signInAs(built.app, ctx.db, 'admin');
});

describe('POST /api/v1/runs for an unknown customer', () => {
  it('keeps the run as unmatched (201), stores nothing else, and lists it for admins', async () => {
    const res = await send(run('ACME Dentl BV'));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ state: 'unmatched', id: null, url: null, created: true, externalId: null });
    expect((res.body as { message: string }).message).toContain('No customer named "ACME Dentl BV"');
    expect([await ctx.db.prisma.run.count(), await ctx.db.prisma.job.count()]).toEqual([0, 0]);

    const report = await ctx.db.prisma.unmatchedRun.findFirstOrThrow({ include: { apiToken: true } });
    expect(report).toMatchObject({ customerName: 'ACME Dentl BV', customerKey: 'acme dentl bv', status: 'error' });
    expect(report.apiToken?.name).toBe('Mail parser');
    expect((res.body as { unmatchedId: number }).unmatchedId).toBe(report.id);

    const page = await admin.agent.get('/run-checks/unmatched');
    expect(page.status).toBe(200);
    expect(page.text).toContain('ACME Dentl BV');
    expect(page.text).toContain('Practice servers');
    expect(page.text).toContain('Create customer "ACME Dentl BV"');
    expect(page.text).toContain('Every waiting run with the same customer name is assigned together');
  });

  it('answers a resent externalId with the report kept the first time (200), stored once', async () => {
    const first = await send(run('Nobody Ltd', { externalId: 'mail-1' }));
    const again = await send(run('Nobody Ltd', { externalId: 'mail-1', status: 'success' }));
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toMatchObject({ state: 'unmatched', created: false, externalId: 'mail-1' });
    expect(await ctx.db.prisma.unmatchedRun.count()).toBe(1);
  });

  it('still refuses malformed input with 422 per field, and keeps nothing', async () => {
    const res = await send({ ...run('Nobody Ltd'), status: 'failed', runAt: 'yesterday' });
    expect(res.status).toBe(422);
    const fields = (res.body as { error: { fields: Record<string, string> } }).error.fields;
    expect(Object.keys(fields).sort()).toEqual(['runAt', 'status']);
    expect(await ctx.db.prisma.unmatchedRun.count()).toBe(0);
  });
});

describe('Run Checks and Customers count the waiting runs', () => {
  it('shows admins the count with a link, others the count only, and nothing when none wait', async () => {
    const none = await admin.agent.get('/run-checks');
    expect(none.text).not.toContain('waiting for a customer');

    await send(run('Nobody Ltd'));
    await send(run('Someone Else'));
    const page = await admin.agent.get('/run-checks');
    expect(page.text).toContain('<a href="/run-checks/unmatched">2 unmatched runs waiting for a customer</a>');
    expect((await admin.agent.get('/customers')).text).toContain('2 unmatched runs waiting for a customer');

    const operator = await signInAs(built.app, ctx.db, 'operator');
    const theirs = await operator.agent.get('/run-checks');
    expect(theirs.text).toContain('2 unmatched runs waiting for a customer: they show on Run Checks once an admin');
    expect(theirs.text).not.toContain('href="/run-checks/unmatched"');
  });
});

describe('Assign', () => {
  it('makes every report with that spelling a run of the customer, stores the alias, and later runs match', async () => {
    await send(run('ACME Dentl BV', { externalId: 'mail-1' }));
    await send(run('acme dentl bv', { runAt: '2026-03-02T22:15:00Z', status: 'warning' }));
    await send(run('Someone Else'));
    const [first] = await waitingIds();

    const res = await assign(admin, first!, acmeId).redirects(1);
    expect(res.text).toContain('Assigned 2 runs for &#34;ACME Dentl BV&#34; to Acme Dental');

    const runs = await ctx.db.prisma.run.findMany({ include: { job: true, objects: true }, orderBy: { runAt: 'asc' } });
    expect(runs.map((r) => [r.job.customerId, r.status, r.objects.length, r.externalId])).toEqual([
      [acmeId, 'error', 2, 'mail-1'],
      [acmeId, 'warning', 2, null],
    ]);
    const alias = await ctx.db.prisma.customerAlias.findFirstOrThrow();
    expect(alias).toMatchObject({ customerId: acmeId, alias: 'ACME Dentl BV', aliasKey: 'acme dentl bv' });
    expect(await waitingIds()).toHaveLength(1);
    const reports = await ctx.db.prisma.unmatchedRun.findMany({ where: { resolvedAt: { not: null } } });
    expect(reports.map((r) => r.resolvedRunId).sort()).toEqual(runs.map((r) => r.id).sort());
    const actions = (await ctx.db.prisma.auditEvent.findMany({ orderBy: { id: 'asc' } })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['run.unmatched_assigned', 'customer.alias_added']));

    // The job's row opened: its runs show their failed objects.
    const checks = await admin.agent.get(`/run-checks?customer=${acmeId}&open=${runs[0]!.jobId}`);
    expect(checks.text).toContain('Practice servers');
    expect(checks.text).toContain('Snapshot failed');
    expect(checks.text).toContain('1 unmatched run waiting for a customer');

    // The sender's spelling now matches by itself, and the resend of an assigned report finds its run.
    const later = await send(run('  acme DENTL bv ', { runAt: '2026-03-03T22:15:00Z' }));
    expect(later.status).toBe(201);
    expect(later.body).toMatchObject({ state: 'matched', created: true });
    const laterRun = await ctx.db.prisma.run.findUniqueOrThrow({
      where: { id: (later.body as { id: number }).id },
      include: { job: true },
    });
    expect(laterRun.job.customerId).toBe(acmeId);
    const resend = await send(run('ACME Dentl BV', { externalId: 'mail-1' }));
    expect(resend.status).toBe(200);
    expect(resend.body).toMatchObject({ state: 'matched', id: runs[0]!.id, created: false });

    const edit = await admin.agent.get(`/customers/${acmeId}/edit`);
    expect(edit.text).toContain('ACME Dentl BV');
    expect(edit.text).toContain('Remove alias');
  });

  it('turns a double click into one run per report, and tells the second click it was done', async () => {
    await send(run('Acme Dentl'));
    const [id] = await waitingIds();
    const [a, b] = await Promise.all([assign(admin, id!, acmeId), assign(admin, id!, acmeId)]);
    expect([a.status, b.status]).toEqual([302, 302]);
    expect(await ctx.db.prisma.run.count()).toBe(1);
    expect(await ctx.db.prisma.customerAlias.count()).toBe(1);
    expect(await ctx.db.prisma.auditEvent.count({ where: { action: 'run.unmatched_assigned' } })).toBe(1);

    const third = await assign(admin, id!, acmeId).redirects(1);
    expect(third.text).toContain('The runs for &#34;Acme Dentl&#34; were already assigned to Acme Dental.');
    expect(await ctx.db.prisma.run.count()).toBe(1);
  });

  it('refuses a deactivated customer, or a spelling that names another customer, and changes nothing', async () => {
    await send(run('Acme Dentl'));
    const [id] = await waitingIds();
    const closed = await ctx.db.prisma.customer.create({ data: { name: 'Closed', nameKey: 'closed', active: false } });
    const refused = await assign(admin, id!, closed.id).redirects(1);
    expect(refused.text).toContain('Not assigned: Customer Closed is deactivated');

    // Meanwhile someone added a customer with the sender's spelling: its name would always win.
    await ctx.db.prisma.customer.create({ data: { name: 'Acme Dentl', nameKey: 'acme dentl' } });
    const taken = await assign(admin, id!, acmeId).redirects(1);
    expect(taken.text).toContain('Not assigned: &#34;Acme Dentl&#34; already names customer Acme Dentl');
    expect([await ctx.db.prisma.run.count(), await ctx.db.prisma.customerAlias.count()]).toEqual([0, 0]);
    expect(await waitingIds()).toEqual([id]);
  });

  it('answers a form without a customer with a message on the list', async () => {
    await send(run('Acme Dentl'));
    const [id] = await waitingIds();
    const res = await assign(admin, id!, 0).redirects(1);
    expect(res.text).toContain('Not assigned: Choose a customer from the list.');
    expect(await ctx.db.prisma.run.count()).toBe(0);
  });
});

describe('Create customer from an unmatched run', () => {
  it('adds the customer as spelled, assigns its runs to it, and needs no alias', async () => {
    await send(run('Contoso Backup'));
    await send(run('CONTOSO backup', { runAt: '2026-03-02T22:15:00Z' }));
    const [id] = await waitingIds();
    const res = await admin.agent
      .post('/run-checks/unmatched/create-customer')
      .type('form')
      .send({ _csrf: admin.csrf, reportId: String(id) })
      .redirects(1);
    expect(res.text).toContain('Assigned 2 runs for &#34;Contoso Backup&#34; to Contoso Backup');

    const customer = await ctx.db.prisma.customer.findUniqueOrThrow({
      where: { nameKey: 'contoso backup' },
      include: { jobs: { include: { runs: true } } },
    });
    expect(customer.name).toBe('Contoso Backup');
    expect(customer.jobs.flatMap((j) => j.runs)).toHaveLength(2);
    expect(await ctx.db.prisma.customerAlias.count()).toBe(0);
    expect(await waitingIds()).toEqual([]);
    expect(await ctx.db.prisma.auditEvent.count({ where: { action: 'customer.created' } })).toBe(1);

    const next = await send(run('contoso backup'));
    expect(next.body).toMatchObject({ state: 'matched', created: true });
  });
});

describe('Remove alias', () => {
  it('removes it (audited), and later runs with that spelling wait as unmatched again', async () => {
    const alias = await ctx.db.prisma.customerAlias.create({
      data: { customerId: acmeId, alias: 'Acme Dentl', aliasKey: 'acme dentl' },
    });
    expect((await send(run('Acme Dentl'))).body).toMatchObject({ state: 'matched' });

    const res = await admin.agent
      .post(`/customers/${acmeId}/aliases/remove`)
      .type('form')
      .send({ _csrf: admin.csrf, aliasId: String(alias.id) })
      .redirects(1);
    expect(res.text).toContain('Removed alias &#34;Acme Dentl&#34;');
    expect(await ctx.db.prisma.customerAlias.count()).toBe(0);
    expect(await ctx.db.prisma.auditEvent.count({ where: { action: 'customer.alias_removed' } })).toBe(1);
    expect((await send(run('Acme Dentl'))).body).toMatchObject({ state: 'unmatched' });
  });
});

describe('who may use the unmatched pages', () => {
  it.each(['operator', 'reporter'] as const)(
    '%s: 403 on the list, assign, create customer and remove alias',
    async (role) => {
      await send(run('Acme Dentl'));
      const [id] = await waitingIds();
      const { agent, csrf } = await signInAs(built.app, ctx.db, role);
      const form = { _csrf: csrf, reportId: String(id), customerId: String(acmeId), aliasId: '1' };
      const answers = [
        (await agent.get('/run-checks/unmatched')).status,
        (await agent.post('/run-checks/unmatched/assign').type('form').send(form)).status,
        (await agent.post('/run-checks/unmatched/create-customer').type('form').send(form)).status,
        (await agent.post(`/customers/${acmeId}/aliases/remove`).type('form').send(form)).status,
      ];
      expect(answers).toEqual([403, 403, 403, 403]);
      expect([await ctx.db.prisma.run.count(), (await waitingIds()).length]).toEqual([0, 1]);
    },
  );
});
