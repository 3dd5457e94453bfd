import { describe, expect, it } from 'vitest';
import { settleDeferredWork } from '../../src/shared/deferred-work.ts';
import { signInAs } from '../support/app.ts';
import { PSAS, useAppWithPsa } from '../support/psa-harness.ts';
import { ageAttempt, auditActions, decode, escapeRegExp, flashesOf, postCreate, rowOf, ticketCell } from './support.ts';

/**
 * "Create ticket" over HTTP, the same cases for every PSA: one click makes one ticket carrying our
 * reference; clicks at once make one; an answer lost after the PSA created the ticket, or one that
 * never came, is settled by the reference without a second create; a refusal shows the PSA's words
 * under our sentence and leaves no created row.
 */

/**
 * Short enough that the test of a hung create waits seconds only, long enough that 20 clicks at
 * once on a busy test machine get the one create's answer in time.
 */
const TIMEOUT_MS = 10_000;

describe.each(PSAS)('Create ticket with %s active', (psa) => {
  const suite = useAppWithPsa(psa, {
    env: { AUTOTASK_TIMEOUT_MS: String(TIMEOUT_MS) },
    // Autotask's zone looked up once, so that simultaneous clicks do not each look it up.
    warmZone: psa === 'autotask',
    signIn: ['operator', 'admin'],
  });
  const row = (runId: number) => rowOf(suite.db, runId);
  const ticketAudit = () => auditActions(suite.db, 'ticket.');

  it('one click makes one ticket with the reference; the run shows "Open ticket" with its number and status', async () => {
    const d = suite.driver;
    const { operator } = suite.as;
    const { run } = await suite.customerWithRun(d.companies.contoso, { customerName: 'Contoso', jobName: 'Nightly' });

    const before = await operator.agent.get(`/runs/${run.id}`);
    expect(ticketCell(before.text, run.id)).toContain(`Create ${d.name} ticket`);
    d.clearRequestLog();

    const res = await postCreate(operator.agent, operator.csrf, run.id);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`/runs/${run.id}`);
    await settleDeferredWork();

    const stored = await row(run.id);
    expect(stored.reference).toMatch(new RegExp(`^BC-RUN-${run.id}-[0-9a-f]{8}$`));
    const tickets = d.ticketsOfRun(run.id);
    expect(tickets).toHaveLength(1);
    const ticket = tickets[0]!;
    expect(ticket).toMatchObject({
      reference: stored.reference,
      companyId: d.companies.contoso.id,
      statusId: d.newStatus.id,
      closed: false,
    });
    expect(ticket.title).toBe('[Backupchecks] Contoso - Nightly - Error');
    expect(stored).toMatchObject({
      state: 'created',
      psaType: psa,
      ticketId: ticket.id,
      ticketNumber: ticket.number,
      url: d.ticketUrl(ticket.id),
      createdById: operator.user.id,
      statusId: d.newStatus.id,
      statusLabel: d.newStatus.label,
      statusClosed: false,
      lastError: null,
    });
    expect(d.createPosts()).toHaveLength(1);

    const page = await operator.agent.get(`/runs/${run.id}`);
    const said = flashesOf(page.text);
    expect(said).toHaveLength(1);
    expect(said[0]!.type).toBe('success');
    // Autotask answers a create with the id only, so the message names the id; ConnectWise's number is its id.
    expect(said[0]!.text).toMatch(
      new RegExp(
        `^Created ${d.name} ticket (ID ${ticket.id}|${escapeRegExp(ticket.number)}) for run #${run.id} of Contoso / Nightly\\.$`,
      ),
    );
    const cell = decode(ticketCell(page.text, run.id));
    expect(cell).toContain(`href="${d.ticketUrl(ticket.id)}" target="_blank" rel="noopener"`);
    expect(cell).toContain(
      `Open ticket ${ticket.number}<span class="visually-hidden"> in ${d.name} (opens in a new tab)</span>`,
    );
    expect(cell).toContain(`Status: <strong>${d.newStatus.label}</strong>, as of`);
    expect(cell).not.toContain(`Create ${d.name} ticket`);
    expect(await ticketAudit()).toEqual(['ticket.created']);

    // A second click later does not create again.
    const again = await postCreate(operator.agent, operator.csrf, run.id).redirects(1);
    expect(flashesOf(again.text).map((f) => f.text)).toEqual([
      `Run #${run.id} of Contoso / Nightly already has ${d.name} ticket ${ticket.number}. No second ticket was created.`,
    ]);
    expect(d.createPosts()).toHaveLength(1);
    expect(d.ticketsOfRun(run.id)).toHaveLength(1);
  });

  it('a double click makes exactly one ticket', async () => {
    const d = suite.driver;
    const { operator } = suite.as;
    const { run } = await suite.customerWithRun(d.companies.contoso);
    d.clearRequestLog();
    // The first POST is still on its way when the second click arrives.
    await d.faults.ticketLatency(150);

    const clicks = await Promise.all([
      postCreate(operator.agent, operator.csrf, run.id),
      postCreate(operator.agent, operator.csrf, run.id),
    ]);
    await d.faults.ticketLatency(0);
    await settleDeferredWork();

    expect(clicks.map((r) => r.status)).toEqual([302, 302]);
    expect(d.ticketsOfRun(run.id)).toHaveLength(1);
    expect(d.createPosts()).toHaveLength(1);
    expect(await suite.db.prisma.ticket.count({ where: { originRunId: run.id } })).toBe(1);
    expect(await row(run.id)).toMatchObject({
      state: 'created',
      psaType: psa,
      ticketId: d.ticketsOfRun(run.id)[0]!.id,
    });
  });

  it('20 simultaneous creates from five sessions make exactly one ticket and one row', async () => {
    const d = suite.driver;
    const { run } = await suite.customerWithRun(d.companies.northwind);
    const sessions = [suite.as.operator, suite.as.admin];
    for (let i = 0; i < 3; i += 1) sessions.push(await signInAs(suite.app, suite.db, i % 2 ? 'admin' : 'operator'));
    await settleDeferredWork();
    d.clearRequestLog();
    await d.faults.ticketLatency(150);

    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => postCreate(sessions[i % 5]!.agent, sessions[i % 5]!.csrf, run.id)),
    );
    await d.faults.ticketLatency(0);
    await settleDeferredWork();

    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(302));
    const tickets = d.ticketsOfRun(run.id);
    expect(tickets).toHaveLength(1);
    expect(d.createPosts()).toHaveLength(1);
    expect(await suite.db.prisma.ticket.count({ where: { originRunId: run.id } })).toBe(1);
    expect(await row(run.id)).toMatchObject({ state: 'created', psaType: psa, ticketId: tickets[0]!.id });
    expect(await ticketAudit()).toEqual(['ticket.created']);
  }, 120_000);

  it('an answer lost after the PSA created the ticket is settled by the reference, without a second create', async () => {
    const d = suite.driver;
    const { operator } = suite.as;
    const { run } = await suite.customerWithRun(d.companies.contoso, { customerName: 'Contoso', jobName: 'Nightly' });
    d.clearRequestLog();
    await d.faults.loseNextCreateAnswer();

    const res = await postCreate(operator.agent, operator.csrf, run.id).redirects(1);
    expect(res.status).toBe(200);
    const tickets = d.ticketsOfRun(run.id);
    expect(tickets).toHaveLength(1);
    const ticket = tickets[0]!;
    expect(d.createPosts().map((c) => c.outcome)).toEqual(['dropped']);
    expect(await row(run.id)).toMatchObject({
      state: 'created',
      psaType: psa,
      ticketId: ticket.id,
      ticketNumber: ticket.number,
      url: d.ticketUrl(ticket.id),
      reference: ticket.reference,
    });
    expect(flashesOf(res.text)).toEqual([
      {
        type: 'success',
        text: `${d.name} had created ticket ${ticket.number} for run #${run.id} of Contoso / Nightly although its answer was lost; it is now linked to the run. No second ticket was created.`,
        said: null,
      },
    ]);
    expect(decode(ticketCell(res.text, run.id))).toContain(`Open ticket ${ticket.number}`);

    // Clicking again, or viewing the run, sends nothing more.
    await postCreate(operator.agent, operator.csrf, run.id);
    await operator.agent.get(`/runs/${run.id}`);
    await settleDeferredWork();
    expect(d.createPosts()).toHaveLength(1);
    expect(d.ticketsOfRun(run.id)).toHaveLength(1);
    expect(await ticketAudit()).toEqual(['ticket.creation_unknown', 'ticket.reconciled']);
  });

  it('a create that timed out after the PSA created the ticket: the retry finds that ticket and creates none', async () => {
    const d = suite.driver;
    const { operator } = suite.as;
    const { run } = await suite.customerWithRun(d.companies.contoso, { customerName: 'Contoso', jobName: 'Nightly' });
    d.clearRequestLog();
    // The ticket is made and the answer never comes; the lookup right after fails as well, so the
    // click cannot know. (The create takes the first fault; the reads the others.)
    await d.faults.hangNextCreate({ afterApply: true });
    await d.faults.failTicketReads(20);

    const first = await postCreate(operator.agent, operator.csrf, run.id).redirects(1);
    expect(d.ticketsOfRun(run.id)).toHaveLength(1);
    const ticket = d.ticketsOfRun(run.id)[0]!;
    const pending = await row(run.id);
    expect(pending).toMatchObject({ state: 'pending', psaType: psa, ticketId: null });
    const told = flashesOf(first.text);
    expect(told.map((f) => f.type)).toEqual(['warning']);
    expect(told[0]!.text).toContain(
      `Backupchecks could not ask ${d.name} whether the earlier attempt created the ticket (reference ${pending.reference}), so nothing was sent again.`,
    );
    expect(ticketCell(first.text, run.id)).toContain('A ticket is being created…');

    // The PSA answers again, and the attempt is old enough that no answer can still come.
    await d.faults.clear();
    await ageAttempt(suite.db, run.id);
    const retry = await postCreate(operator.agent, operator.csrf, run.id).redirects(1);
    expect(flashesOf(retry.text).map((f) => f.text)).toEqual([
      `${d.name} had created ticket ${ticket.number} for run #${run.id} of Contoso / Nightly although its answer was lost; it is now linked to the run. No second ticket was created.`,
    ]);
    expect(await row(run.id)).toMatchObject({ state: 'created', psaType: psa, ticketId: ticket.id });
    expect(d.createPosts()).toHaveLength(1);
    expect(d.ticketsOfRun(run.id)).toHaveLength(1);
  }, 60_000);

  it('a 5xx without the PSA’s words: nothing is sent again until the reference proves there is none; then one ticket', async () => {
    const d = suite.driver;
    const { operator } = suite.as;
    const { run } = await suite.customerWithRun(d.companies.contoso);
    d.clearRequestLog();
    await d.faults.serverErrorOnNextCreate();

    const first = await postCreate(operator.agent, operator.csrf, run.id).redirects(1);
    // The PSA said nothing: the reason is our sentence, never quoted as the PSA's.
    expect(flashesOf(first.text)).toEqual([
      {
        type: 'warning',
        text: `${d.name} answered with a server error (HTTP 502). ${d.name} did not confirm the ticket, so it may or may not exist. Backupchecks looks it up by its reference before anything is sent again; refresh the page in a moment.`,
        said: null,
      },
    ]);
    expect((await row(run.id)).state).toBe('pending');
    expect(d.ticketsOfRun(run.id)).toHaveLength(0);

    // Old enough: the click looks the reference up, finds none, and only then creates.
    await ageAttempt(suite.db, run.id);
    await postCreate(operator.agent, operator.csrf, run.id);
    await settleDeferredWork();
    expect(d.ticketsOfRun(run.id)).toHaveLength(1);
    expect(d.createPosts()).toHaveLength(2);
    expect(await row(run.id)).toMatchObject({ state: 'created', ticketId: d.ticketsOfRun(run.id)[0]!.id });
  });

  it("a refusal shows the PSA's words verbatim under our sentence, and leaves no created row", async () => {
    const d = suite.driver;
    const { operator } = suite.as;
    const { run } = await suite.customerWithRun(d.companies.contoso);
    const message = 'The priority "Priority 9 - Never" does not exist on this service board (simulated).';
    d.clearRequestLog();
    await d.faults.refuseNextCreate(message);

    const res = await postCreate(operator.agent, operator.csrf, run.id).redirects(1);
    expect(flashesOf(res.text)).toEqual([
      {
        type: 'error',
        text: `${d.name} did not create the ticket. ${d.name} rejected the request.`,
        said: `${d.name} said: <q>${message}</q>`,
      },
    ]);
    const failed = await row(run.id);
    expect(failed.state).toBe('failed');
    expect(failed.ticketId).toBeNull();
    expect(d.ticketsOfRun(run.id)).toHaveLength(0);
    const cell = decode(ticketCell(res.text, run.id));
    expect(cell).toContain(`${d.name} said: <q>${message}</q>`);
    expect(cell).toContain('Try again');
    expect(await ticketAudit()).toEqual(['ticket.creation_failed']);

    // Nothing was created, so trying again creates the one ticket.
    const retried = await postCreate(operator.agent, operator.csrf, run.id).redirects(1);
    expect(flashesOf(retried.text)[0]!.type).toBe('success');
    expect(d.ticketsOfRun(run.id)).toHaveLength(1);
    expect(d.createPosts()).toHaveLength(2);
    expect(await row(run.id)).toMatchObject({ state: 'created', psaType: psa });
  });

  it('rate limited: the operator is told to wait, nothing is created, and a later click creates one', async () => {
    const d = suite.driver;
    const { operator } = suite.as;
    const { run } = await suite.customerWithRun(d.companies.contoso);
    await d.faults.rateLimitNextCreate();

    const res = await postCreate(operator.agent, operator.csrf, run.id).redirects(1);
    const told = flashesOf(res.text);
    expect(told.map((f) => [f.type, f.text])).toEqual([
      [
        'error',
        `${d.name} did not create the ticket. ${d.name} is limiting requests right now. Wait a minute, then try again.`,
      ],
    ]);
    expect((await row(run.id)).state).toBe('failed');
    expect(d.ticketsOfRun(run.id)).toHaveLength(0);

    await postCreate(operator.agent, operator.csrf, run.id);
    expect(d.ticketsOfRun(run.id)).toHaveLength(1);
    expect((await row(run.id)).state).toBe('created');
  });
});
