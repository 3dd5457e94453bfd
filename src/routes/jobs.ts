import { Router } from 'express';
import * as jobPage from '../controllers/jobs/job-page.ts';
import * as pause from '../controllers/jobs/pause.ts';
import * as schedule from '../controllers/jobs/schedule.ts';
import { requireRole } from '../middleware/auth.ts';
import { renderOnFailure } from '../middleware/errors.ts';
import { paths, pattern } from '../paths.ts';

/**
 * A job's page: everyone signed in reads it; only admins set its schedule or pause it, because
 * both decide which runs are reported missed (docs/missed-runs.md).
 */
export function jobRoutes(): Router {
  const router = Router();
  const admin = requireRole('admin');
  router.get(pattern(paths.jobs.show), jobPage.get);
  router.post(pattern(paths.jobs.schedule), admin, renderOnFailure(jobPage.showScheduleFailure), schedule.post);
  router.post(pattern(paths.jobs.removeSchedule), admin, schedule.postRemove);
  router.post(pattern(paths.jobs.pause), admin, renderOnFailure(jobPage.showPauseFailure), pause.postPause);
  router.post(pattern(paths.jobs.resume), admin, pause.postResume);
  return router;
}
