import { Router } from 'express';
import * as review from '../controllers/runs/review.ts';
import * as runChecks from '../controllers/runs/run-checks.ts';
import * as run from '../controllers/runs/run.ts';
import * as unmatched from '../controllers/runs/unmatched.ts';
import { requireRole } from '../middleware/auth.ts';
import { flashOnFailure } from '../middleware/errors.ts';
import { paths, pattern } from '../paths.ts';

/**
 * Run Checks and the run page: everyone signed in reads them; reviewing is for admins and operators.
 * Unmatched runs are for admins: assigning one adds a customer alias or a customer.
 */
export function runRoutes(): Router {
  const router = Router();
  const reviewer = requireRole('admin', 'operator');
  router.get(paths.runChecks.index, runChecks.get);
  router.post(pattern(paths.runChecks.reviewRun), reviewer, review.postRun);
  router.post(pattern(paths.runChecks.reviewJob), reviewer, review.postJob);
  router.post(paths.runChecks.reviewSelected, reviewer, review.postSelected);
  const admin = requireRole('admin');
  const notAssigned = flashOnFailure(unmatched.backToList, 'Not assigned:');
  router.get(paths.runChecks.unmatched, admin, unmatched.get);
  router.post(paths.runChecks.assignUnmatched, admin, notAssigned, unmatched.postAssign);
  router.post(paths.runChecks.createCustomerFromUnmatched, admin, notAssigned, unmatched.postCreateCustomer);
  router.get(pattern(paths.runs.show), run.get);
  return router;
}
