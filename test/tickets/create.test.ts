import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { Prisma } from '../../src/db/database.ts';
import { settleDeferredWork } from '../../src/shared/deferred-work.ts';
import { signInAs } from '../support/app.ts';
import { useAppWithSimulator } from '../support/app-with-simulator.ts';
import { configureAutotask, demoDefaults } from '../support/autotask.ts';
import { makeCreatedTicket, makeCustomerWithRun } from '../support/fixtures.ts';
import { runChecksOpening } from '../runs/run-checks-html.ts';
import { cachePicklists, decode, postCreate, simTicketsOfRun, ticketCell, ticketCreatePosts } from './helpers.ts';

const suite = useAppWithSimulator({
  env: { APP_TIMEZONE: 'Europe/Amsterdam' },
  autotask: { sourceId: 2 },
  prepare: (s) => cachePicklists(s.db, s.sim),
});
const { ctx, simCtx, built } = suite;

const objects = [
  { name: 'FS01', type: 'VM', status: 'warning' as const, message: 'Low free space on the repository' },
  { name: 'HV01', type: 'VM', status: 'error' as const, message: 'Snapshot creation failed' },
  { name: 'DC01', type: 'VM', status: 'success' as const, message: null },
];

describe('Create Autotask ticket: happy path', () => {
  it('creates the ticket as specified and the run shows its number, status and link', async () => {
    const { sim } = simCtx;
    const { run } = await makeCustomerWithRun(ctx.db, {
      customerName: 'Acme Dental',
      jobName: 'Practice servers',
      status: 'error',
      runAt: new Date('2026-01-13T01:30:00Z'),
      remark: 'Job finished with 1 error',
      objects,
      companyId: 105,
    });
    const { agent, csrf, user } = await signInAs(built.app, ctx.db, 'operator');

    const before = await agent.get(runChecksOpening([run]));
    expect(before.status).toBe(200);
    expect(ticketCell(before.text, run.id)).toContain(`action="/runs/${run.id}/ticket"`);
    expect(ticketCell(before.text, run.id)).toContain('Create Autotask ticket');

    const res = await postCreate(agent, csrf, run.id, '/run-checks?status=error');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`/run-checks?status=error#run-${run.id}`);
    // The number and status are read back after the answer was sent.
    await settleDeferredWork();

    const row = await ctx.db.prisma.ticket.findUniqueOrThrow({ where: { originRunId: run.id } });
    expect(row.state).toBe('created');
    expect(row.reference).toMatch(new RegExp(`^BC-RUN-${run.id}-[0-9a-f]{8}$`));
    const [ticket] = simTicketsOfRun(sim, run.id);
    expect(simTicketsOfRun(sim, run.id)).toHaveLength(1);
    expect(ticket).toMatchObject({
      externalID: row.reference,
      companyID: 105,
      title: '[Backupchecks] Acme Dental - Practice servers - Error',
      queueID: demoDefaults.queueId,
      issueType: demoDefaults.issueTypeId,
      subIssueType: demoDefaults.subIssueTypeId,
      source: 2,
      status: demoDefaults.newStatusId,
      priority: demoDefaults.priorityErrorId,
    });
    const description = ticket!.description!;
    expect(description.split('\n')[0]).toBe('Remark: Job finished with 1 error');
    expect(description).toContain('Run date/time: 13/01/2026, 02:30 CET (2026-01-13T01:30:00Z)');
    expect(description).toContain('Backup software: Veeam Backup & Replication');
    expect(description).toContain('Backup type: VM backup');
    expect(description).toContain('Job: Practice servers');
    expect(description.indexOf('- [Error] HV01 (VM): Snapshot creation failed')).toBeLessThan(
      description.indexOf('- [Warning] FS01 (VM): Low free space on the repository'),
    );
    expect(description).not.toContain('DC01');
    expect(description).toContain(`Run in Backupchecks: http://backupchecks.test/runs/${run.id}`);
    expect(description).toContain(`Backupchecks reference: ${row.reference}`);

    // Stored per run, so the ticket cell can show who created it and when.
    expect(row).toMatchObject({
      ticketId: ticket!.id,
      ticketNumber: ticket!.ticketNumber,
      url: sim.ticketUrl(ticket!.id),
      createdById: user.id,
      statusId: 1,
      statusLabel: 'New',
      lastError: null,
    });
    expect(row.statusCheckedAt).not.toBeNull();

    const page = await agent.get(`/runs/${run.id}`);
    // The message was written when only the ticket's id was known.
    expect(page.text).toContain(
      `Created Autotask ticket ID ${ticket!.id} for run #${run.id} of Acme Dental / Practice servers.`,
    );
    const cell = decode(ticketCell(page.text, run.id));
    expect(cell).toContain(`href="${sim.ticketUrl(ticket!.id)}" target="_blank" rel="noopener"`);
    expect(cell).toContain(`Open ticket ${ticket!.ticketNumber}`);
    expect(cell).toContain('Status: <strong>New</strong>, as of');
    expect(cell).toContain(`href="/runs/${run.id}/ticket/notes/new`);
    expect(cell).toMatch(/>Add note<span class="visually-hidden">/);
    expect(cell).not.toContain('Create Autotask ticket');

    const audit = await ctx.db.prisma.auditEvent.findMany({ where: { action: 'ticket.created' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: user.id, targetType: 'run', targetId: String(run.id) });
    expect(audit[0]!.summary).toBe(
      `Created Autotask ticket ID ${ticket!.id} for run #${run.id} of Acme Dental / Practice servers`,
    );

    // A second click does not post again.
    const again = await postCreate(agent, csrf, run.id).redirects(1);
    expect(again.text).toContain(`already has Autotask ticket ${ticket!.ticketNumber}. No second ticket was created.`);
    expect(ticketCreatePosts(sim)).toHaveLength(1);
  });

  it('uses the warning priority for warning and success runs, and shows a bare status id without cached picklists', async () => {
    await ctx.db.prisma.integrationSettings.update({ where: { id: 1 }, data: { picklists: Prisma.DbNull } });
    const warning = await makeCustomerWithRun(ctx.db, { status: 'warning', companyId: 105 });
    const success = await makeCustomerWithRun(ctx.db, { status: 'success', companyId: 108 });
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'admin');
    await postCreate(agent, csrf, warning.run.id);
    await postCreate(agent, csrf, success.run.id);
    expect(simTicketsOfRun(simCtx.sim, warning.run.id)[0]!.priority).toBe(demoDefaults.priorityWarningId);
    expect(simTicketsOfRun(simCtx.sim, success.run.id)[0]!.priority).toBe(demoDefaults.priorityWarningId);
    expect(simTicketsOfRun(simCtx.sim, success.run.id)[0]!.title).toMatch(/ - Success$/);
    const page = await agent.get(`/runs/${warning.run.id}`);
    expect(ticketCell(page.text, warning.run.id)).toContain('Status: <strong>status 1</strong>');
  });

  it('shows reporters the ticket number and link only, and refuses their POST (403)', async () => {
    const { run } = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    const other = await makeCustomerWithRun(ctx.db, { companyId: 108 });
    const { ticket } = await makeCreatedTicket(ctx.db, simCtx.sim, run.id);
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'reporter');
    const page = await agent.get(runChecksOpening([run, other.run]));
    const cell = decode(ticketCell(page.text, run.id));
    expect(cell).toContain(`Open ticket ${ticket.ticketNumber}`);
    expect(cell).toContain(`href="${simCtx.sim.ticketUrl(ticket.id)}"`);
    expect(cell).not.toMatch(/<button|<form/);
    expect(ticketCell(page.text, other.run.id)).not.toMatch(/<button|<form|Create Autotask ticket/);

    const res = await postCreate(agent, csrf, other.run.id);
    expect(res.status).toBe(403);
    expect(await ctx.db.prisma.ticket.count({ where: { originRunId: other.run.id } })).toBe(0);
    expect(ticketCreatePosts(simCtx.sim)).toHaveLength(0);
  });

  it('sends anonymous visitors to sign in and creates nothing', async () => {
    const { run } = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    const res = await request(built.app).post(`/runs/${run.id}/ticket`).type('form').send({});
    expect(res.status).toBe(302);
    expect(res.headers.location).toMatch(/^\/login/);
    expect(await ctx.db.prisma.ticket.count()).toBe(0);
    expect(simCtx.sim.requestLog).toHaveLength(0);
  });

  it('answers 404 for a run that does not exist', async () => {
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'operator');
    const res = await postCreate(agent, csrf, 999_999);
    expect(res.status).toBe(404);
    expect(res.text).toContain('This run does not exist.');
  });
});

describe('Create Autotask ticket: blocked', () => {
  async function expectRefused(runId: number, reason: string) {
    const { sim } = simCtx;
    const { agent, csrf } = await signInAs(built.app, ctx.db, 'admin');
    const page = await agent.get(`/runs/${runId}`);
    sim.state.clearRequestLog();
    const cell = ticketCell(page.text, runId);
    // Shown disabled, with the reason and where to fix it.
    expect(cell).toMatch(
      /<button type="button" class="small" disabled aria-describedby="run-\d+-ticket-blocked">Create Autotask ticket<\/button>/,
    );
    expect(decode(cell)).toContain(reason);
    expect(cell).not.toContain(`action="/runs/${runId}/ticket"`);
    // The server refuses as well: nothing reaches the Tickets endpoint.
    const res = await postCreate(agent, csrf, runId);
    expect(res.status).toBe(302);
    const after = await agent.get(res.headers.location!);
    expect(decode(after.text)).toContain(`No ticket was created. ${reason}`);
    expect(sim.requestLog.filter((e) => e.entity === 'Tickets')).toHaveLength(0);
    expect(sim.requestLog.filter((e) => e.entity === 'Companies')).toHaveLength(0);
    expect(await ctx.db.prisma.ticket.count({ where: { originRunId: runId } })).toBe(0);
    return after;
  }

  it('when the integration is switched off', async () => {
    await configureAutotask(ctx.db, simCtx.sim, { enabled: false });
    const { run } = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    await expectRefused(run.id, 'The Autotask integration is switched off.');
  });

  it('when no ticket queue is set', async () => {
    await configureAutotask(ctx.db, simCtx.sim, { queueId: null });
    const { run } = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    await expectRefused(run.id, 'No default ticket queue is set for Autotask.');
  });

  it('when the customer is not mapped', async () => {
    const { run, customer } = await makeCustomerWithRun(ctx.db, { companyId: null });
    await expectRefused(run.id, `Customer ${customer.name} is not mapped to an Autotask company.`);
  });

  it('when the mapping is already invalid', async () => {
    const { run, customer } = await makeCustomerWithRun(ctx.db, { companyId: 102 });
    await ctx.db.prisma.companyMapping.update({
      where: { customerId: customer.id },
      data: { status: 'invalid', statusReason: 'Company 102 is inactive in Autotask.' },
    });
    await expectRefused(run.id, `The Autotask company of ${customer.name} was deleted or is inactive (company 102).`);
  });

  it('shows operators the reason without a link to an admin-only page', async () => {
    const { run } = await makeCustomerWithRun(ctx.db, { companyId: null });
    const { agent } = await signInAs(built.app, ctx.db, 'operator');
    const cell = ticketCell((await agent.get(runChecksOpening([run]))).text, run.id);
    expect(cell).toContain('is not mapped to an Autotask company.');
    expect(cell).toContain('Ask an admin to fix this (Map the customer).');
    expect(cell).toContain('View the mapping</a>');
    const settingsBlocked = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    await configureAutotask(ctx.db, simCtx.sim, { enabled: false });
    const cell2 = ticketCell((await agent.get(runChecksOpening([settingsBlocked.run]))).text, settingsBlocked.run.id);
    expect(cell2).toContain('Ask an admin to fix this (Autotask settings).');
    expect(cell2).not.toContain('href="/settings/autotask"');
  });
});

// What linking does (it reads the ticket and never writes to Autotask): test/tickets/link-existing.test.ts.
describe('A typed ticket number only ever links a ticket, never creates one', () => {
  it('the one ticket-number input on Run Checks and the run page is in the "Link ticket" form', async () => {
    const { run } = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    const { agent } = await signInAs(built.app, ctx.db, 'admin');
    for (const path of [runChecksOpening([run]), `/runs/${run.id}`]) {
      const html = (await agent.get(path)).text;
      const forms = [...html.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)];
      const withNumber = forms.filter(([, , body]) => /name="ticket[_-]?number"/i.test(body!));
      expect(withNumber.map(([, action]) => action)).toEqual([`/runs/${run.id}/ticket/link`]);
    }
  });
});

describe('LiveLinks (the way back from Autotask)', () => {
  it('sends a signed-in user from a ticket id or number to its run, and explains an unknown one', async () => {
    const { run } = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    const { ticket } = await makeCreatedTicket(ctx.db, simCtx.sim, run.id);
    const { agent } = await signInAs(built.app, ctx.db, 'reporter');

    const byId = await agent.get(`/links/autotask/tickets/${ticket.id}`);
    expect(byId.status).toBe(302);
    expect(byId.headers.location).toBe(`/runs/${run.id}`);
    const byNumber = await agent.get(`/links/autotask/ticket-numbers/${ticket.ticketNumber.toLowerCase()}`);
    expect(byNumber.headers.location).toBe(`/runs/${run.id}`);

    const unknown = await agent.get('/links/autotask/tickets/424242');
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('No run in Backupchecks has Autotask ticket ID 424242.');
    const unknownNumber = await agent.get('/links/autotask/ticket-numbers/T20200101.0001');
    expect(unknownNumber.status).toBe(404);
    expect(unknownNumber.text).toContain('No run in Backupchecks has Autotask ticket T20200101.0001.');
    expect((await agent.get('/links/autotask/tickets/not-a-number')).status).toBe(404);

    const anonymous = await request(built.app).get(`/links/autotask/tickets/${ticket.id}`);
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.location).toBe(
      `/login?next=${encodeURIComponent(`/links/autotask/tickets/${ticket.id}`)}`,
    );
  });
});

describe('Status snapshot refresh', () => {
  const aged = new Date(Date.now() - 10 * 60_000);

  it('reads statuses older than five minutes after the page is sent, in one batched query, and shows them next time', async () => {
    const { sim } = simCtx;
    // Signing in lands on Run Checks: sign in before the snapshots age.
    const { agent } = await signInAs(built.app, ctx.db, 'operator');
    const made = [];
    for (const companyId of [105, 108, 110]) {
      const { run } = await makeCustomerWithRun(ctx.db, { companyId });
      made.push({ run, ...(await makeCreatedTicket(ctx.db, sim, run.id)) });
    }
    // One fresh snapshot: not read again.
    await ctx.db.prisma.ticket.updateMany({
      where: { id: { in: made.slice(0, 2).map((m) => m.runTicket.id) } },
      data: { statusCheckedAt: aged },
    });
    for (const m of made) sim.state.setTicketStatus(m.ticket.id, 8);
    await settleDeferredWork();
    sim.state.clearRequestLog();

    const first = await agent.get(runChecksOpening(made.map((m) => m.run)));
    expect(first.status).toBe(200);
    // Rendered first, from the stored snapshot.
    expect(ticketCell(first.text, made[0]!.run.id)).toContain('Status: <strong>New</strong>');
    await settleDeferredWork();
    const queries = sim.requestLog.filter((e) => e.entity === 'Tickets');
    expect(queries).toHaveLength(1);
    expect(queries[0]!.path).toMatch(/Tickets\/query$/i);

    const second = await agent.get(runChecksOpening(made.map((m) => m.run)));
    expect(ticketCell(second.text, made[0]!.run.id)).toContain('Status: <strong>In Progress</strong>');
    expect(ticketCell(second.text, made[1]!.run.id)).toContain('Status: <strong>In Progress</strong>');
    expect(ticketCell(second.text, made[2]!.run.id)).toContain('Status: <strong>New</strong>');
    const row = await ctx.db.prisma.ticket.findUniqueOrThrow({ where: { id: made[0]!.runTicket.id } });
    expect(row).toMatchObject({ statusId: 8, statusLabel: 'In Progress' });
    expect(row.statusCheckedAt!.getTime()).toBeGreaterThan(aged.getTime());
    // The refresh is in the sync log (Settings → Diagnostics) with its counts.
    const log = await ctx.db.prisma.syncLog.findFirstOrThrow({
      where: { kind: 'ticket_statuses' },
      orderBy: { id: 'desc' },
    });
    expect(log).toMatchObject({ ok: true, checked: 2, invalid: 0, errors: 0, message: '2 ticket statuses changed' });
  });

  it('keeps the old status "as of" its time when Autotask is down, and the page still answers 200', async () => {
    const { sim } = simCtx;
    const { agent } = await signInAs(built.app, ctx.db, 'operator');
    const { run } = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    const { ticket, runTicket } = await makeCreatedTicket(ctx.db, sim, run.id);
    await ctx.db.prisma.ticket.update({ where: { id: runTicket.id }, data: { statusCheckedAt: aged } });
    sim.state.setTicketStatus(ticket.id, 8);
    sim.faults.failNext({ entity: 'Tickets', status: 502, body: 'text', count: 10 });

    const first = await agent.get(runChecksOpening([run]));
    expect(first.status).toBe(200);
    await settleDeferredWork();
    const second = await agent.get(runChecksOpening([run]));
    expect(second.status).toBe(200);
    // The snapshot is still old, so this view starts a refresh of its own (and a sync-log row that
    // stays unfinished until Autotask's 502 is in): wait for it before reading the database.
    await settleDeferredWork();
    const cell = ticketCell(second.text, run.id);
    expect(cell).toContain('Status: <strong>New</strong>');
    expect(cell).toContain(`as of ${formatForTest(aged)}`);
    const row = await ctx.db.prisma.ticket.findUniqueOrThrow({ where: { id: runTicket.id } });
    expect(row.statusCheckedAt!.getTime()).toBe(aged.getTime());
    expect(row.statusId).toBe(1);
    // The refresh did ask (and failed): this is not a test that passes by never trying.
    expect(sim.requestLog.filter((e) => e.entity === 'Tickets' && e.status === 502).length).toBeGreaterThan(0);
    const failed = await ctx.db.prisma.syncLog.findFirstOrThrow({
      where: { kind: 'ticket_statuses' },
      orderBy: { id: 'desc' },
    });
    expect(failed).toMatchObject({ ok: false, errors: 1, checked: 0 });
  });
});

function formatForTest(d: Date): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Amsterdam',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(d);
}
