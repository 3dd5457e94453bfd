import { Router } from 'express';
import * as review from '../controllers/runs/review.ts';
import * as runChecks from '../controllers/runs/run-checks.ts';
import * as run from '../controllers/runs/run.ts';
import { requireRole } from '../middleware/auth.ts';
import { paths, pattern } from '../paths.ts';

/** Run Checks and the run page: everyone signed in reads them; reviewing is for admins and operators. */
export function runRoutes(): Router {
  const router = Router();
  const reviewer = requireRole('admin', 'operator');
  router.get(paths.runChecks.index, runChecks.get);
  router.post(pattern(paths.runChecks.reviewRun), reviewer, review.postRun);
  router.post(pattern(paths.runChecks.reviewJob), reviewer, review.postJob);
  router.get(pattern(paths.runs.show), run.get);
  return router;
}
