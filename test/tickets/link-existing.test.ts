import { afterEach, describe, expect, it } from 'vitest';
import { AutotaskUnavailableError } from '../../src/autotask/client.ts';
import { autotaskProfile } from '../../src/psa/autotask/profile.ts';
import type { AutotaskAccess } from '../../src/services/integration/autotask-access.ts';
import { getIntegrationSettings } from '../../src/services/integration/settings.ts';
import { actorOf } from '../../src/services/accounts/audit.ts';
import { linkExistingTicket } from '../../src/services/tickets/link/link-existing.ts';
import { useAppWithSimulator } from '../support/app-with-simulator.ts';
import { makeCreatedTicket, makeCustomerWithRun } from '../support/fixtures.ts';
import { decode, ticketCell, ticketCreatePosts } from './helpers.ts';
import { addRun, autotaskWrites, flashAfter, postLink, shown } from './correlate-helpers.ts';

/**
 * "Link ticket": a ticket opened in Autotask by hand becomes a run's ticket by its number, over HTTP
 * against the simulator. Backupchecks only reads the ticket (and its company): every test checks
 * that nothing was written to Autotask, above all no POST to Tickets.
 */

const suite = useAppWithSimulator({ signIn: ['operator', 'admin'] });
const { ctx, simCtx, built } = suite;
const { operator, admin } = suite.as;
const runOf = (id: number) => ctx.db.prisma.run.findUniqueOrThrow({ where: { id } });
/** The service's deps with Autotask behind the port over `access` (the app's, or one wrapped below). */
const depsWith = async (access: AutotaskAccess) => ({
  db: ctx.db.prisma,
  profile: autotaskProfile(await getIntegrationSettings(ctx.db.prisma), access, ctx.db.prisma),
});

afterEach(() => {
  simCtx.sim.faults.clear();
  // Whatever happened, nothing was created or changed in Autotask.
  expect(ticketCreatePosts(simCtx.sim)).toHaveLength(0);
  expect(autotaskWrites(simCtx.sim)).toHaveLength(0);
});

/** A customer mapped to Contoso B.V. (105) with one failing run, and a ticket someone opened in Autotask. */
async function handMadeTicket(companyID = 105) {
  const { sim } = simCtx;
  const { customer, job, run } = await makeCustomerWithRun(ctx.db, {
    customerName: 'Contoso',
    jobName: 'Nightly',
    companyId: 105,
  });
  await ctx.db.prisma.companyMapping.update({
    where: { customerId: customer.id },
    data: { companyName: 'Contoso B.V.' },
  });
  const ticket = sim.state.addTicket({ title: 'Backups keep failing', companyID, status: 8 });
  sim.state.clearRequestLog();
  return { customer, job, run, ticket };
}

describe('Link ticket', () => {
  it("links a ticket of the customer's company by its number: a record of origin linked, the run pointing at it", async () => {
    const { sim } = simCtx;
    const { run, job, ticket } = await handMadeTicket();
    const before = ticketCell((await operator.agent.get(`/runs/${run.id}`)).text, run.id);
    expect(before).toContain(`action="/runs/${run.id}/ticket/link"`);
    expect(before).toContain(`<label for="run-${run.id}-ticket-number">Autotask ticket number</label>`);
    expect(before).toContain('>Link ticket<');

    // Typed in another letter case, with spaces around it.
    const res = await postLink(operator, run.id, `  ${ticket.ticketNumber.toLowerCase()} `);
    expect(res.headers.location).toBe(`/runs/${run.id}`);
    expect(await flashAfter(operator, res)).toBe(
      `success: Linked Autotask ticket ${ticket.ticketNumber} to run #${run.id} of Contoso / Nightly. Nothing was created or changed in Autotask.`,
    );
    const record = await ctx.db.prisma.ticket.findUniqueOrThrow({
      where: { psaType_ticketId: { psaType: 'autotask', ticketId: ticket.id } },
    });
    expect(record).toMatchObject({
      origin: 'linked',
      state: 'created',
      originRunId: run.id,
      jobId: job.id,
      ticketNumber: ticket.ticketNumber,
      url: sim.ticketUrl(ticket.id),
      statusId: 8,
      createdById: operator.user.id,
    });
    expect(await runOf(run.id)).toMatchObject({ ticketRecordId: record.id, ticketLinkedById: operator.user.id });
    // Read by number, once.
    const queries = sim.requestLog.filter((e) => e.method === 'POST' && /\/Tickets\/query$/i.test(e.path));
    expect(queries.map((q) => q.body)).toEqual([
      { filter: [{ op: 'eq', field: 'ticketNumber', value: ticket.ticketNumber.toLowerCase() }] },
    ]);
    const audits = await ctx.db.prisma.auditEvent.findMany({ where: { action: 'ticket.linked' } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorId: operator.user.id, targetType: 'run', targetId: String(run.id) });

    const cell = decode(ticketCell((await operator.agent.get(`/runs/${run.id}`)).text, run.id));
    expect(cell).toContain(`Open ticket ${ticket.ticketNumber}`);
    expect(cell).toContain(`Linked by Operator User on ${shown(record.createdAt, built.context.config.timezone)}`);
    expect(cell).not.toContain('Link ticket');
    expect(cell).not.toContain('Added to this ticket');
  });

  it('refuses a ticket of another company, naming both companies', async () => {
    const { run, ticket } = await handMadeTicket(100);
    const res = await postLink(operator, run.id, ticket.ticketNumber);
    expect(await flashAfter(operator, res)).toBe(
      `error: Autotask ticket ${ticket.ticketNumber} belongs to company Acme Dental (ID 100), but customer Contoso is mapped to company Contoso B.V. (ID 105). Nothing was linked.`,
    );
    expect(await ctx.db.prisma.ticket.count()).toBe(0);
    expect((await runOf(run.id)).ticketRecordId).toBeNull();
  });

  it('says clearly when Autotask has no ticket with that number', async () => {
    const { run } = await handMadeTicket();
    const res = await postLink(operator, run.id, 'T20990101.0001');
    expect(await flashAfter(operator, res)).toBe(
      'error: Autotask has no ticket T20990101.0001, or the API user cannot see it. Nothing was linked.',
    );
    expect(await ctx.db.prisma.ticket.count()).toBe(0);
  });

  it("shows Autotask's own words when the read fails", async () => {
    const { sim } = simCtx;
    const { run, ticket } = await handMadeTicket();
    sim.faults.failNext({ entity: 'Tickets', status: 500, errors: ['Query is broken (simulated).'] });
    const said = await flashAfter(operator, await postLink(operator, run.id, ticket.ticketNumber));
    expect(said).toContain('error: Nothing was linked. Autotask rejected the request.');
    expect(said).toContain('Query is broken (simulated).');
    expect((await runOf(run.id)).ticketRecordId).toBeNull();
  });

  it('refuses a blank or malformed number before asking Autotask', async () => {
    const { sim } = simCtx;
    const { run } = await handMadeTicket();
    expect(await flashAfter(operator, await postLink(operator, run.id, '   '))).toBe(
      'error: Type the Autotask ticket number, e.g. T20260113.0042.',
    );
    expect(await flashAfter(operator, await postLink(operator, run.id, 'T2026 0113'))).toBe(
      'error: That is not an Autotask ticket number. It looks like T20260113.0042.',
    );
    expect(sim.requestLog).toHaveLength(0);
  });

  it('refuses for a customer that is not mapped', async () => {
    const { sim } = simCtx;
    const { run } = await makeCustomerWithRun(ctx.db, { customerName: 'Unmapped', companyId: null });
    const ticket = sim.state.addTicket({ title: 'By hand', companyID: 105 });
    sim.state.clearRequestLog();
    expect(ticketCell((await operator.agent.get(`/runs/${run.id}`)).text, run.id)).not.toContain('Link ticket');
    const said = await flashAfter(operator, await postLink(operator, run.id, ticket.ticketNumber));
    expect(said).toBe(
      'error: Customer Unmapped is not mapped to an Autotask company, so Backupchecks cannot check that the ticket belongs to it. Nothing was linked.',
    );
    expect(sim.requestLog).toHaveLength(0);
  });

  it('refuses for a run that already has a ticket', async () => {
    const { sim } = simCtx;
    const { run, ticket } = await handMadeTicket();
    const { runTicket } = await makeCreatedTicket(ctx.db, sim, run.id, { companyId: 105 });
    sim.state.clearRequestLog();
    const said = await flashAfter(operator, await postLink(operator, run.id, ticket.ticketNumber));
    expect(said).toContain(`already has Autotask ticket ${runTicket.ticketNumber}, and a run has one ticket.`);
    expect((await runOf(run.id)).ticketRecordId).toBe(runTicket.id);
  });
});

describe('a ticket Backupchecks already knows', () => {
  it('a run of the same job joins the existing record: no second record', async () => {
    const { sim } = simCtx;
    const { run, job } = await handMadeTicket();
    const { runTicket, ticket } = await makeCreatedTicket(ctx.db, sim, run.id, { companyId: 105 });
    const later = await addRun(ctx.db, job.id);
    sim.state.clearRequestLog();

    const said = await flashAfter(admin, await postLink(admin, later.id, ticket.ticketNumber));
    expect(said).toContain(`success: Linked Autotask ticket ${ticket.ticketNumber} to run #${later.id}`);
    expect(await ctx.db.prisma.ticket.count()).toBe(1);
    expect((await runOf(later.id)).ticketRecordId).toBe(runTicket.id);
    const cell = decode(ticketCell((await admin.agent.get(`/runs/${later.id}`)).text, later.id));
    expect(cell).toContain('Added to this ticket by Admin User on');
  });

  it('never links it to a run of another job, nor of another customer', async () => {
    const { sim } = simCtx;
    const { run, customer } = await handMadeTicket();
    const { ticket } = await makeCreatedTicket(ctx.db, sim, run.id, { companyId: 105 });
    const otherJob = await ctx.db.prisma.job.create({
      data: { customerId: customer.id, name: 'File server', backupSoftware: 'Veeam', backupType: 'Files' },
    });
    const sameCustomer = await addRun(ctx.db, otherJob.id);
    sim.state.clearRequestLog();

    const job = await flashAfter(operator, await postLink(operator, sameCustomer.id, ticket.ticketNumber));
    expect(job).toBe(
      `error: Autotask ticket ${ticket.ticketNumber} already follows up runs of job Nightly, and a ticket serves the runs of one job. Nothing was linked.`,
    );

    // The company is mapped to another customer since the ticket was linked to Contoso's run.
    await ctx.db.prisma.companyMapping.update({
      where: { customerId: customer.id },
      data: { companyId: null, status: 'missing' },
    });
    const { run: otherCustomer } = await makeCustomerWithRun(ctx.db, { customerName: 'Contoso Group', companyId: 105 });
    const other = await flashAfter(operator, await postLink(operator, otherCustomer.id, ticket.ticketNumber));
    expect(other).toBe(
      `error: Autotask ticket ${ticket.ticketNumber} already follows up runs of another customer in Backupchecks, and a ticket never serves two customers. Nothing was linked.`,
    );
    expect((await runOf(otherCustomer.id)).ticketRecordId).toBeNull();
    expect((await runOf(sameCustomer.id)).ticketRecordId).toBeNull();
    expect(await ctx.db.prisma.ticket.count()).toBe(1);
  });

  it('six clicks at once, from two runs of a job, make one record that both runs point at', async () => {
    const { run, job, ticket } = await handMadeTicket();
    const later = await addRun(ctx.db, job.id);
    const clicks = [run.id, later.id, run.id, later.id, run.id, later.id].map((id, i) =>
      postLink(i % 2 ? admin : operator, id, ticket.ticketNumber),
    );
    expect((await Promise.all(clicks)).map((r) => r.status)).toEqual(Array(6).fill(302));
    const records = await ctx.db.prisma.ticket.findMany();
    expect(records).toHaveLength(1);
    expect((await runOf(run.id)).ticketRecordId).toBe(records[0]!.id);
    expect((await runOf(later.id)).ticketRecordId).toBe(records[0]!.id);
    expect(await ctx.db.prisma.auditEvent.count({ where: { action: 'ticket.linked' } })).toBe(2);
  });

  it('two links that read the ticket at the same moment: the database lets one record through, the other run joins it', async () => {
    const { run, job, ticket } = await handMadeTicket();
    const later = await addRun(ctx.db, job.id);
    // Both reads are answered before either link writes: the race the unique ticket id settles.
    const access = readTogether(built.context.autotask, 2);
    const deps = await depsWith(access);
    const outcomes = await Promise.all([
      linkExistingTicket(deps, actorOf(operator.user), run.id, ticket.ticketNumber),
      linkExistingTicket(deps, actorOf(admin.user), later.id, ticket.ticketNumber),
    ]);
    const records = await ctx.db.prisma.ticket.findMany();
    expect(records).toHaveLength(1);
    expect(outcomes.map((o) => o.kind === 'linked' && o.joined).sort()).toEqual([false, true]);
    expect((await runOf(run.id)).ticketRecordId).toBe(records[0]!.id);
    expect((await runOf(later.id)).ticketRecordId).toBe(records[0]!.id);

    // And twice for one run: one link, the other told it is there already.
    const third = await addRun(ctx.db, job.id);
    const another = simCtx.sim.state.addTicket({ title: 'Another one', companyID: 105 });
    const both = await depsWith(readTogether(built.context.autotask, 2));
    const again = await Promise.all(
      [operator, admin].map((who) => linkExistingTicket(both, actorOf(who.user), third.id, another.ticketNumber)),
    );
    expect(again.map((o) => o.kind).sort()).toEqual(['already', 'linked']);
    expect(await ctx.db.prisma.ticket.count({ where: { ticketId: another.id } })).toBe(1);
  });

  it('a link whose Autotask read fails after another click linked the run is told the run has the ticket', async () => {
    const { run, job, ticket } = await handMadeTicket();
    // The late click has read the run (no ticket yet) and asks Autotask; the other click links the
    // run before that answer comes, and then the late click's read fails.
    let winner!: Promise<unknown>;
    const late = linkExistingTicket(
      await depsWith(failingAfter(built.context.autotask, () => (winner = linkNow()))),
      actorOf(admin.user),
      run.id,
      ticket.ticketNumber,
    );
    const linkNow = async () =>
      linkExistingTicket(await depsWith(built.context.autotask), actorOf(operator.user), run.id, ticket.ticketNumber);
    expect(await late).toMatchObject({ kind: 'already', ticket: { ticketId: ticket.id } });
    expect(await winner).toMatchObject({ kind: 'linked' });
    expect((await runOf(run.id)).ticketLinkedById).toBe(operator.user.id);

    // Linked meanwhile to another ticket: refused, naming the ticket the run has.
    const other = simCtx.sim.state.addTicket({ title: 'Another one', companyID: 105 });
    const second = await addRun(ctx.db, job.id);
    const refused = linkExistingTicket(
      await depsWith(
        failingAfter(built.context.autotask, async () =>
          linkExistingTicket(
            await depsWith(built.context.autotask),
            actorOf(operator.user),
            second.id,
            ticket.ticketNumber,
          ),
        ),
      ),
      actorOf(admin.user),
      second.id,
      other.ticketNumber,
    );
    await expect(refused).rejects.toThrow(
      `already has Autotask ticket ${ticket.ticketNumber}, and a run has one ticket.`,
    );
  });
});

/**
 * The app's Autotask access whose ticket-number read runs `meanwhile` (another click) to its end,
 * then fails as a read that got no answer in time would.
 */
function failingAfter(real: AutotaskAccess, meanwhile: () => Promise<unknown>): AutotaskAccess {
  return {
    ...real,
    client(settings) {
      const client = real.client(settings);
      return {
        ...client,
        async findTicketByNumber() {
          await meanwhile();
          throw new AutotaskUnavailableError('timeout', null, [], { operation: 'tickets.query', read: true });
        },
      };
    },
  };
}

/**
 * The app's Autotask access, with ticket-number reads held until `count` of them are answered: the
 * links then reach the database together, whatever the order the simulator answered them in.
 */
function readTogether(real: AutotaskAccess, count: number): AutotaskAccess {
  let waiting = 0;
  let release!: () => void;
  const together = new Promise<void>((resolve) => (release = resolve));
  return {
    ...real,
    client(settings) {
      const client = real.client(settings);
      return {
        ...client,
        async findTicketByNumber(number) {
          const found = await client.findTicketByNumber(number);
          waiting += 1;
          if (waiting >= count) release();
          await together;
          return found;
        },
      };
    },
  };
}
