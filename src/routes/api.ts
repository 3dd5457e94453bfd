import { Router } from 'express';
import { requireApiToken } from '../controllers/accounts/require-api-token.ts';
import * as apiRuns from '../controllers/runs/api-runs.ts';
import { paths } from '../paths.ts';

/** The token-authenticated JSON API (no session, no CSRF): backup software reports runs here. */
export function apiRoutes(): Router {
  const router = Router();
  router.post(paths.api.runs, requireApiToken, apiRuns.post);
  return router;
}
