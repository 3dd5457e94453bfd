import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/app.ts';
import { settleDeferredWork } from '../../src/shared/deferred-work.ts';
import { buildTestApp, signInAs } from '../support/app.ts';
import { useAppWithSimulator } from '../support/app-with-simulator.ts';
import { makeCustomerWithRun } from '../support/fixtures.ts';
import { postCreate, simTicketsOfRun, ticketCell, ticketCreatePosts } from './helpers.ts';

const suite = useAppWithSimulator({
  per: 'file',
  // 25 requests at once share one in-process PGlite and the simulator with the test runner: a
  // generous timeout keeps a slow test machine from turning into "Autotask did not answer".
  env: { AUTOTASK_TIMEOUT_MS: '15000' },
  // The zone is normally cached; a cold cache would add 25 simultaneous zone lookups.
  warmZone: true,
});
const { ctx, simCtx, built } = suite;
/** A second app instance on the same database: nothing in memory may decide who posts. */
let other: BuiltApp;

beforeAll(() => {
  other = buildTestApp(ctx.db, suite.env);
});
afterAll(async () => {
  await settleDeferredWork();
  await other.close();
});

describe('One ticket per run under concurrency', () => {
  it('25 simultaneous create requests from 25 sessions on two app instances make exactly one ticket and one row', async () => {
    const { sim } = simCtx;
    const { run } = await makeCustomerWithRun(ctx.db, { companyId: 105 });
    const sessions = [];
    for (let i = 0; i < 25; i += 1)
      sessions.push(await signInAs((i % 2 ? other : built).app, ctx.db, i % 3 ? 'operator' : 'admin'));
    await settleDeferredWork();
    sim.state.clearRequestLog();
    // Some latency on the create so that late requests arrive while the first POST is in flight.
    sim.faults.setLatency(150, { entity: 'Tickets' });

    const responses = await Promise.all(sessions.map(({ agent, csrf }) => postCreate(agent, csrf, run.id)));
    sim.faults.setLatency(0, { entity: 'Tickets' });

    expect(responses.map((r) => r.status)).toEqual(Array(25).fill(302));
    expect(responses.every((r) => r.headers.location === `/runs/${run.id}`)).toBe(true);
    expect(simTicketsOfRun(sim, run.id)).toHaveLength(1);
    expect(ticketCreatePosts(sim)).toHaveLength(1);
    expect(await ctx.db.prisma.ticket.count({ where: { originRunId: run.id } })).toBe(1);
    expect(await ctx.db.prisma.auditEvent.count({ where: { action: 'ticket.created' } })).toBe(1);

    // Every session lands on a sensible page: the creator's success, or "exists / being created".
    // The number is read back after the creator's answer was sent; until then the run shows the id.
    await settleDeferredWork();
    const pages = await Promise.all(sessions.map(({ agent }) => agent.get(`/runs/${run.id}`)));
    const ticket = simTicketsOfRun(sim, run.id)[0]!;
    const said = { created: 0, exists: 0, inProgress: 0 };
    for (const page of pages) {
      expect(page.status).toBe(200);
      expect(ticketCell(page.text, run.id)).toContain(`Open ticket ${ticket.ticketNumber}`);
      if (page.text.includes(`Created Autotask ticket ID ${ticket.id}`)) said.created += 1;
      else if (page.text.includes('No second ticket was created.')) said.exists += 1;
      else if (page.text.includes('is being created by another click right now')) said.inProgress += 1;
    }
    expect(said.created).toBe(1);
    expect(said.exists + said.inProgress).toBe(24);
    // 25 sign-ins and 25 requests on one machine: slow test machines need more than the default.
  }, 120_000);
});
