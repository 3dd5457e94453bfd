import { Router } from 'express';
import * as retentionSettings from '../controllers/retention/settings.ts';
import { requireRole } from '../middleware/auth.ts';
import { renderOnFailure } from '../middleware/errors.ts';
import { paths } from '../paths.ts';

/** Settings → Data retention, for admins only; a refused form shows again as typed, with the messages. */
export function retentionRoutes(): Router {
  const router = Router();
  const admin = requireRole('admin');
  const page = paths.settings.retention;
  router.get(page, admin, retentionSettings.get);
  router.post(page, admin, renderOnFailure(retentionSettings.renderFailure), retentionSettings.post);
  return router;
}
