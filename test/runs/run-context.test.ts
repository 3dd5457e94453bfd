import { describe, expect, it } from 'vitest';
import { loadRunContext } from '../../src/services/runs/run-context.ts';
import { addUser } from '../support/app.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeCustomerWithRun } from '../support/fixtures.ts';

/**
 * loadRunContext reads a run with its job, customer, mapping, ticket, reviewer and objects in one
 * raw statement: it must return exactly what Prisma's nested include returns for the same run.
 */

const ctx = useTestDatabase();

const objects = [
  { name: 'FS01', type: 'VM', status: 'warning' as const, message: 'Low free space' },
  { name: 'DC01', type: null, status: 'success' as const, message: null },
  { name: 'HV01', type: 'VM', status: 'error' as const, message: 'Snapshot failed: "quoted" \\ text' },
  { name: 'SQL01', type: 'VM', status: 'warning' as const, message: null },
];

/** What the nested include gives (Prisma's own types and values), for comparison. */
const byPrisma = (runId: number) =>
  ctx.db.prisma.run.findUniqueOrThrow({
    where: { id: runId },
    include: {
      ticket: true,
      reviewedBy: { select: { id: true, name: true, email: true } },
      job: { include: { customer: { include: { mapping: true } } } },
      objects: { orderBy: [{ status: 'desc' }, { position: 'asc' }] },
    },
  });

describe('loadRunContext', () => {
  it('returns what the nested include returns: a reviewed run with mapping and ticket', async () => {
    const db = ctx.db.prisma;
    const { run } = await makeCustomerWithRun(ctx.db, { companyId: 105, objects });
    const reviewer = await addUser(ctx.db, 'operator');
    const ticket = await db.ticket.create({
      data: {
        originRunId: run.id,
        jobId: run.jobId,
        state: 'created',
        reference: `BC-RUN-${run.id}-0badc0de`,
        ticketId: 7100,
        ticketNumber: 'T20260113.0001',
        statusCheckedAt: new Date('2026-01-13T01:02:03.456Z'),
      },
    });
    await db.run.update({
      where: { id: run.id },
      data: {
        reviewedAt: new Date(),
        reviewedById: reviewer.id,
        ticketRecordId: ticket.id,
        ticketLinkedAt: new Date(),
      },
    });

    const loaded = await loadRunContext(db, run.id);
    const expected = await byPrisma(run.id);
    expect(loaded).toEqual({ ...expected, objectTotal: 4 });
    expect(loaded!.objects.map((o) => o.name)).toEqual(['HV01', 'FS01', 'SQL01', 'DC01']);
  });

  it('returns nulls for what a run lacks, and only the selected objects with their total', async () => {
    const { run } = await makeCustomerWithRun(ctx.db, { companyId: null, objects, remark: null });
    const loaded = await loadRunContext(ctx.db.prisma, run.id, { statuses: ['error', 'warning'], limit: 2 });
    const expected = await byPrisma(run.id);
    expect({ ...loaded, objects: [] }).toEqual({ ...expected, objects: [], objectTotal: 3 });
    expect(loaded!.reviewedBy).toBeNull();
    expect(loaded!.ticket).toBeNull();
    expect(loaded!.objects.map((o) => o.name)).toEqual(['HV01', 'FS01']);
    expect(await loadRunContext(ctx.db.prisma, run.id + 1000)).toBeNull();
  });
});
