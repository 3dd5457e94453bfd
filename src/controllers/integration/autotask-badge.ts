import type { RequestHandler } from 'express';
import { paths } from '../../paths.ts';
import { ENVIRONMENT_LABELS } from '../../services/integration/overview.ts';
import { requestSettings } from './request-settings.ts';

/**
 * The paths whose pages act on Autotask, and so show which Autotask environment they act on. Mount
 * prefixes: '/runs' covers every page of `paths.runs`, which has no page of its own at /runs.
 */
export const AUTOTASK_PAGES = [paths.runChecks.index, '/runs', paths.customers.index, paths.settings.autotask];

/**
 * Sets `res.locals.autotaskBadge` (rendered by views/partials/head.ejs) while the integration is
 * switched on, so nobody mistakes production for the sandbox. One primary-key read, which the
 * page's controller reuses (`requestSettings`).
 */
export const autotaskBadge: RequestHandler = async (req, res, next) => {
  const s = await requestSettings(req);
  if (s.enabled) res.locals.autotaskBadge = { environment: s.environment, label: ENVIRONMENT_LABELS[s.environment] };
  next();
};
