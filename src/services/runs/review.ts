import type { Db } from '../../db/database.ts';
import { NotFoundError } from '../../errors/catalogue.ts';
import { audit, type Actor } from '../accounts/audit.ts';

export type RunReviewResult =
  | { outcome: 'reviewed'; label: string }
  | { outcome: 'already'; label: string; reviewedAt: Date; reviewedBy: string | null };

const runLabel = (run: { id: number; job: { name: string; customer: { name: string } } }): string =>
  `run #${run.id} of ${run.job.customer.name} / ${run.job.name}`;

/**
 * Marks one run as reviewed. The update only touches an unreviewed run, so two operators clicking
 * at once record one review (the first) and the second is told who was faster.
 */
export async function reviewRun(db: Db, actor: Actor, runId: number, now = new Date()): Promise<RunReviewResult> {
  const run = await db.run.findUnique({
    where: { id: runId },
    select: {
      id: true,
      status: true,
      runAt: true,
      job: { select: { name: true, customer: { select: { name: true } } } },
    },
  });
  if (!run) throw new NotFoundError('This run does not exist.');
  const label = runLabel(run);
  const { count } = await db.run.updateMany({
    where: { id: runId, reviewedAt: null },
    data: { reviewedAt: now, reviewedById: actor.id },
  });
  if (count === 0) {
    const done = await db.run.findUniqueOrThrow({
      where: { id: runId },
      select: { reviewedAt: true, reviewedBy: { select: { name: true } } },
    });
    return { outcome: 'already', label, reviewedAt: done.reviewedAt!, reviewedBy: done.reviewedBy?.name ?? null };
  }
  await audit(db, actor, {
    action: 'run.reviewed',
    summary: `Marked ${label} (${run.status}) as reviewed`,
    targetType: 'run',
    targetId: run.id,
    details: { status: run.status, runAt: run.runAt.toISOString() },
  });
  return { outcome: 'reviewed', label };
}

export interface JobReviewResult {
  readonly label: string;
  readonly reviewed: number;
  /** Unreviewed runs left: they arrived after the page the operator acted on was rendered. */
  readonly newer: number;
}

/**
 * Marks every unreviewed run of a job as reviewed. `upToRunId` is the newest run the operator saw:
 * a run that arrives between the page render and the click stays unreviewed, so nobody approves an
 * error they never saw. Run ids only grow, which makes "not newer than" a simple comparison.
 */
export async function reviewJob(
  db: Db,
  actor: Actor,
  jobId: number,
  upToRunId: number | undefined,
  now = new Date(),
): Promise<JobReviewResult> {
  const job = await db.job.findUnique({
    where: { id: jobId },
    select: { id: true, name: true, customer: { select: { name: true } } },
  });
  if (!job) throw new NotFoundError('This job does not exist.');
  const label = `${job.customer.name} / ${job.name}`;
  const seen = { jobId, reviewedAt: null, ...(upToRunId ? { id: { lte: upToRunId } } : {}) };
  // One statement that returns what it changed: the audit event names exactly the runs this click
  // reviewed, not ones another operator reviewed a moment earlier.
  const updated = await db.run.updateManyAndReturn({
    where: seen,
    data: { reviewedAt: now, reviewedById: actor.id },
    select: { id: true },
  });
  const ids = updated.map((r) => r.id).sort((a, b) => a - b);
  const count = ids.length;
  const newer = await db.run.count({ where: { jobId, reviewedAt: null } });
  if (count > 0) {
    await audit(db, actor, {
      action: 'job.reviewed',
      summary: `Marked ${count} run${count === 1 ? '' : 's'} of ${label} as reviewed`,
      targetType: 'job',
      targetId: jobId,
      details: { count, runIds: ids },
    });
  }
  return { label, reviewed: count, newer };
}

export interface JobSelection {
  readonly jobId: number;
  /** The newest unreviewed run the page showed for the job (see reviewJob). */
  readonly upToRunId: number;
}

export interface BulkReviewResult {
  readonly reviewed: number;
  /** Jobs of which at least one run was reviewed by this click. */
  readonly jobs: number;
  /** Unreviewed runs left in the selected jobs: they arrived after the page was loaded. */
  readonly newer: number;
}

/**
 * "Mark reviewed" for the rows an operator selected on Run Checks: for each job, its unreviewed runs
 * up to the newest one the page showed, in one statement; one audit event names them all.
 */
export async function reviewJobs(
  db: Db,
  actor: Actor,
  selections: readonly JobSelection[],
  now = new Date(),
): Promise<BulkReviewResult> {
  if (selections.length === 0) return { reviewed: 0, jobs: 0, newer: 0 };
  const updated = await db.run.updateManyAndReturn({
    where: {
      reviewedAt: null,
      OR: selections.map((s) => ({ jobId: s.jobId, id: { lte: s.upToRunId } })),
    },
    data: { reviewedAt: now, reviewedById: actor.id },
    select: { id: true, jobId: true },
  });
  const jobIds = selections.map((s) => s.jobId);
  const newer = await db.run.count({ where: { jobId: { in: jobIds }, reviewedAt: null } });
  const runIdsByJob = new Map<number, number[]>();
  for (const { id, jobId } of updated) runIdsByJob.set(jobId, [...(runIdsByJob.get(jobId) ?? []), id]);
  const reviewed = updated.length;
  if (reviewed > 0) {
    const jobs = [...runIdsByJob]
      .sort(([a], [b]) => a - b)
      .map(([jobId, ids]) => ({ jobId, runIds: ids.sort((a, b) => a - b) }));
    await audit(db, actor, {
      action: 'runs.reviewed',
      summary: `Marked ${reviewed} run${reviewed === 1 ? '' : 's'} of ${jobs.length} job${jobs.length === 1 ? '' : 's'} as reviewed`,
      targetType: 'job',
      ...(jobs.length === 1 ? { targetId: jobs[0]!.jobId } : {}),
      details: { count: reviewed, jobs },
    });
  }
  return { reviewed, jobs: runIdsByJob.size, newer };
}
