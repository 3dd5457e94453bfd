import type { Request, Response } from 'express';
import { z } from 'zod';
import { contextOf } from '../../context.ts';
import { currentUser } from '../../middleware/auth.ts';
import { flash } from '../../middleware/flash.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import { reviewJob, reviewRun } from '../../services/runs/review.ts';
import { formatDateTime } from '../../shared/time.ts';
import { idParam, idSchemaWith } from '../../shared/ids.ts';
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
