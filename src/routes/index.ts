import { Router } from 'express';
import type { AppContext } from '../app.ts';
import { requireUser } from '../middleware/auth.ts';
import { auditRoutes } from './audit.ts';
import { authRoutes } from './auth.ts';
import { healthRoutes } from './health.ts';
import { userRoutes } from './users.ts';

/** Routes that need no session: health checks. */
export function publicRoutes(ctx: AppContext): Router {
  return healthRoutes(ctx);
}

/** The token-authenticated JSON API under /api/v1 (no session, no CSRF). */
export function apiRoutes(_ctx: AppContext): Router {
  return Router();
}

/** Browser pages: sign-in is open, everything else needs a signed-in user. */
export function pageRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use(authRoutes(ctx));
  router.use(requireUser);
  router.get('/', (_req, res) => res.redirect('/run-checks'));
  router.use('/users', userRoutes(ctx));
  router.use('/audit', auditRoutes(ctx));
  return router;
}
