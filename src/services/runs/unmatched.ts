import type { Db, Prisma, RunStatus } from '../../db/database.ts';
import { nameKeyOf } from '../customers/customers.ts';
import { pageCount } from '../../shared/validation.ts';
import type { RunInput } from './run-input.ts';
import { isUniqueViolation } from './run-writer.ts';

/**
 * Runs whose customer name matches no customer and no alias. They are kept instead of refused, so
 * a new customer or a sender's different spelling loses no backup result; an admin assigns them
 * (src/services/runs/unmatched-assign.ts) and they are counted on Run Checks until then.
 */

const reportSelect = { id: true, externalId: true, customerName: true, resolvedRunId: true } as const;
export type UnmatchedReport = Prisma.UnmatchedRunGetPayload<{ select: typeof reportSelect }>;

export function findReportByExternalId(db: Db, externalId: string): Promise<UnmatchedReport | null> {
  return db.unmatchedRun.findUnique({ where: { externalId }, select: reportSelect });
}

/**
 * Keeps a well-formed run for an unknown customer. The same `externalId` again returns the report
 * kept the first time, as for runs (src/services/runs/ingestion.ts).
 */
export async function storeUnmatched(
  db: Db,
  input: RunInput,
  apiTokenId: number | null,
): Promise<{ report: UnmatchedReport; created: boolean }> {
  try {
    const report = await db.unmatchedRun.create({
      data: {
        // Dates become ISO text in JSON; runInputSchema reads them back when the run is assigned.
        payload: JSON.parse(JSON.stringify(input)) as Prisma.InputJsonValue,
        customerName: input.customer,
        customerKey: nameKeyOf(input.customer),
        jobName: input.job.name,
        runAt: input.runAt,
        status: input.status,
        externalId: input.externalId,
        apiTokenId,
      },
      select: reportSelect,
    });
    return { report, created: true };
  } catch (e) {
    // A retry that raced its own first attempt: the unique externalId let the first one win.
    if (input.externalId && isUniqueViolation(e)) {
      const existing = await findReportByExternalId(db, input.externalId);
      if (existing) return { report: existing, created: false };
    }
    throw e;
  }
}

/** For the notice on Run Checks and Customers: one COUNT served by the (resolvedAt, receivedAt) index. */
export function countWaitingUnmatched(db: Db): Promise<number> {
  return db.unmatchedRun.count({ where: { resolvedAt: null } });
}

export interface WaitingUnmatchedRow {
  readonly id: number;
  readonly receivedAt: Date;
  readonly customerName: string;
  readonly customerKey: string;
  readonly jobName: string;
  readonly status: RunStatus;
  readonly runAt: Date;
  readonly tokenName: string | null;
  /** Waiting reports with the same spelling (this one included): one Assign assigns them all. */
  readonly sameSpelling: number;
}

/**
 * One page of waiting reports, newest first. The payload (up to 1 MB each) is not read. Three
 * queries whatever the page size: the rows, the total, and the count per spelling shown.
 */
export async function listWaitingUnmatched(db: Db, q: { page: number; pageSize: number }) {
  const where = { resolvedAt: null };
  const total = await db.unmatchedRun.count({ where });
  const page = Math.min(q.page, pageCount(total, q.pageSize));
  const reports = await db.unmatchedRun.findMany({
    where,
    select: {
      id: true,
      receivedAt: true,
      customerName: true,
      customerKey: true,
      jobName: true,
      status: true,
      runAt: true,
      apiToken: { select: { name: true } },
    },
    orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
    skip: (page - 1) * q.pageSize,
    take: q.pageSize,
  });
  const keys = [...new Set(reports.map((r) => r.customerKey))];
  const counts = keys.length
    ? await db.unmatchedRun.groupBy({
        by: ['customerKey'],
        where: { resolvedAt: null, customerKey: { in: keys } },
        _count: { _all: true },
      })
    : [];
  const byKey = new Map(counts.map((c) => [c.customerKey, c._count._all]));
  const rows: WaitingUnmatchedRow[] = reports.map(({ apiToken, ...r }) => ({
    ...r,
    tokenName: apiToken?.name ?? null,
    sameSpelling: byKey.get(r.customerKey) ?? 1,
  }));
  return { rows, total, page };
}
