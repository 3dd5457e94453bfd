import type { Request, Response } from 'express';
import { z } from 'zod';
import { contextOf } from '../../context.ts';
import { currentUser } from '../../middleware/auth.ts';
import { flash } from '../../middleware/flash.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import { reviewJob, reviewJobs, reviewRun } from '../../services/runs/review.ts';
import { rowsPerPage } from '../../services/runs/run-checks.ts';
import { formatDateTime } from '../../shared/time.ts';
import { idParam, idSchemaWith, MAX_ID } from '../../shared/ids.ts';
import { parseOrThrow } from '../../shared/validation.ts';
import { backToRunChecks } from './return-to.ts';

/**
 * `upTo` is the newest run the page showed. Without it, every unreviewed run of the job is meant;
 * a malformed one is refused rather than read as "all", which could review runs nobody has seen.
 */
const jobReviewBody = z.object({
  upTo: idSchemaWith(
    'The page did not say which runs it showed, so nothing was marked reviewed. Reload Run Checks and try again.',
  ).optional(),
});

/** "Mark reviewed" on one run of Run Checks. */
export async function postRun(req: Request, res: Response): Promise<void> {
  const { database, config } = contextOf(req);
  const id = idParam(req.params['id'], 'This run does not exist. The link may be wrong.');
  const result = await reviewRun(database.prisma, actorOf(currentUser(req)), id);
  flash(
    req,
    result.outcome === 'reviewed'
      ? { type: 'success', text: `Marked ${result.label} as reviewed.` }
      : {
          type: 'info',
          text: `${result.label} was already reviewed${result.reviewedBy ? ` by ${result.reviewedBy}` : ''} at ${formatDateTime(result.reviewedAt, config.timezone)}.`,
        },
  );
  res.redirect(backToRunChecks((req.body as { returnTo?: unknown } | undefined)?.returnTo));
}

/** "Mark all reviewed" for one job: only the runs the page showed (up to `upTo`). */
export async function postJob(req: Request, res: Response): Promise<void> {
  const { database } = contextOf(req);
  const id = idParam(req.params['id'], 'This job does not exist. The link may be wrong.');
  const { upTo } = parseOrThrow(jobReviewBody, req.body ?? {});
  const result = await reviewJob(database.prisma, actorOf(currentUser(req)), id, upTo);
  const text =
    result.reviewed === 0
      ? `Nothing to review for ${result.label}: its runs were already reviewed.`
      : `Marked ${result.reviewed} run${result.reviewed === 1 ? '' : 's'} of ${result.label} as reviewed.`;
  flash(req, { type: result.reviewed ? 'success' : 'info', text });
  if (result.newer > 0) {
    flash(req, {
      type: 'warning',
      text: `${result.newer} newer run${result.newer === 1 ? '' : 's'} of ${result.label} arrived after the page was loaded and ${result.newer === 1 ? 'is' : 'are'} still unreviewed.`,
    });
  }
  res.redirect(backToRunChecks((req.body as { returnTo?: unknown } | undefined)?.returnTo));
}

const notSeen =
  'The page did not say which runs it showed, so nothing was marked reviewed. Reload Run Checks and try again.';

/** A selected row: `<jobId>:<newest unreviewed run id the row showed>`. */
const selection = z
  .string({ error: notSeen })
  .regex(/^\d{1,10}:\d{1,10}$/, notSeen)
  .transform((v) => v.split(':').map(Number) as [number, number])
  .refine(([jobId, upTo]) => jobId >= 1 && upTo >= 1 && jobId <= MAX_ID && upTo <= MAX_ID, notSeen)
  .transform(([jobId, upToRunId]) => ({ jobId, upToRunId }));

const selectedBody = z.object({
  job: z
    .union([selection, z.array(selection).max(rowsPerPage)], { error: 'Select the rows to mark as reviewed first.' })
    .transform((v) => (Array.isArray(v) ? v : [v])),
});

/** "Mark reviewed" for the rows selected on Run Checks. */
export async function postSelected(req: Request, res: Response): Promise<void> {
  const { database } = contextOf(req);
  const body = (req.body ?? {}) as { job?: unknown; returnTo?: unknown };
  const back = backToRunChecks(body.returnTo);
  if (body.job === undefined) {
    flash(req, { type: 'warning', text: 'Select the rows to mark as reviewed first. Nothing was changed.' });
    res.redirect(back);
    return;
  }
  const { job } = parseOrThrow(selectedBody, body);
  const result = await reviewJobs(database.prisma, actorOf(currentUser(req)), job);
  const s = (n: number) => (n === 1 ? '' : 's');
  flash(
    req,
    result.reviewed === 0
      ? { type: 'info', text: 'Nothing to review in the selected rows: their runs were already reviewed.' }
      : {
          type: 'success',
          text: `Marked ${result.reviewed} run${s(result.reviewed)} of ${result.jobs} job${s(result.jobs)} as reviewed.`,
        },
  );
  if (result.newer > 0) {
    flash(req, {
      type: 'warning',
      text: `${result.newer} newer run${s(result.newer)} of the selected jobs arrived after the page was loaded and ${result.newer === 1 ? 'is' : 'are'} still unreviewed.`,
    });
  }
  res.redirect(back);
}
