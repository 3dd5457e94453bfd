import express, { Router } from 'express';
import { requireApiToken } from '../controllers/accounts/require-api-token.ts';
import * as apiRuns from '../controllers/runs/api-runs.ts';
import { rejectNulCharacters } from '../middleware/nul-characters.ts';
import { paths } from '../paths.ts';

/**
 * The token-authenticated JSON API (no session, no CSRF): backup software reports runs here. The
 * token is checked before the body is read, so an anonymous caller cannot make the app parse 1 MB;
 * text with a NUL character (which PostgreSQL cannot store) is refused with a 422 after that.
 */
export function apiRoutes(): Router {
  const router = Router();
  router.post(paths.api.runs, requireApiToken, express.json({ limit: '1mb' }), rejectNulCharacters, apiRuns.post);
  return router;
}
