import { describe, expect, it } from 'vitest';
import { settleDeferredWork } from '../../src/shared/deferred-work.ts';
import { signInAs } from '../support/app.ts';
import { useAppWithSimulator } from '../support/app-with-simulator.ts';
import { demoDefaults } from '../support/autotask.ts';
import { makeCustomerWithRun } from '../support/fixtures.ts';
import { cachePicklists, postCreate, simTicketsOfRun } from '../tickets/helpers.ts';
import { AMS, detectAt } from './fixtures.ts';

/** A missed run is ticketed like any run, through the same create flow (against the Autotask simulator). */

const suite = useAppWithSimulator({
  env: { APP_TIMEZONE: AMS },
  prepare: (s) => cachePicklists(s.db, s.sim),
});
const { ctx, simCtx, built } = suite;

describe('Create Autotask ticket for a missed run', () => {
  it('titles it "… - Missed", raises it with the error priority, and says that no run arrived in its window', async () => {
    const { job } = await makeCustomerWithRun(ctx.db, {
      customerName: 'Acme Dental',
      jobName: 'Practice servers',
      status: 'success',
      runAt: new Date('2026-05-01T20:00Z'),
      companyId: 105,
    });
    await ctx.db.prisma.jobSchedule.create({
      data: {
        jobId: job.id,
        kind: 'daily',
        minuteOfDay: 22 * 60,
        weekdays: [],
        graceMinutes: 60,
        confirmedAt: new Date('2026-06-01T10:00Z'),
        checkedUntil: new Date('2026-06-01T10:00Z'),
      },
    });
    await detectAt(ctx.db, '2026-06-02T10:00Z');
    const missed = await ctx.db.prisma.run.findFirstOrThrow({ where: { jobId: job.id, status: 'missed' } });

    const { agent, csrf } = await signInAs(built.app, ctx.db, 'operator');
    const page = await agent.get(`/runs/${missed.id}`);
    expect(page.text).toContain(`action="/runs/${missed.id}/ticket"`);
    const res = await postCreate(agent, csrf, missed.id);
    expect(res.status).toBe(302);
    await settleDeferredWork();

    const tickets = simTicketsOfRun(simCtx.sim, missed.id);
    expect(tickets).toHaveLength(1);
    const ticket = tickets[0]!;
    expect(ticket.title).toBe('[Backupchecks] Acme Dental - Practice servers - Missed');
    expect(ticket.priority).toBe(demoDefaults.priorityErrorId);
    const description = ticket.description!;
    expect(description.split('\n')[0]).toBe(
      'Remark: No run arrived between 01/06/2026, 10:00 CEST and 01/06/2026, 23:00 CEST (expected at 01/06/2026, 22:00 CEST, grace 60 minutes).',
    );
    expect(description).toContain('No backup run arrived in its scheduled window.');
    expect(description).toContain('Expected at: 01/06/2026, 22:00 CEST (2026-06-01T20:00:00Z)');
    expect(description).toContain('No run arrived by the end of the grace period, so there are no objects to list.');
    expect(description).not.toContain('No objects reported an error or a warning.');
    expect(description).toContain(`/runs/${missed.id}`);
    const row = await ctx.db.prisma.ticket.findUniqueOrThrow({ where: { originRunId: missed.id } });
    expect(row.state).toBe('created');
  });
});
