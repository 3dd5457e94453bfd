import type { RequestHandler } from 'express';
import { contextOf } from '../../context.ts';
import { paths } from '../../paths.ts';
import { SETTINGS_ID } from '../../services/integration/settings.ts';
import { ENVIRONMENT_LABELS } from '../../services/integration/overview.ts';

/**
 * The paths whose pages act on Autotask, and so show which Autotask environment they act on. Mount
 * prefixes: '/runs' covers every page of `paths.runs`, which has no page of its own at /runs.
 */
export const AUTOTASK_PAGES = [paths.runChecks.index, '/runs', paths.customers.index, paths.settings.autotask];

/**
 * Sets `res.locals.autotaskBadge` (rendered by views/partials/head.ejs) while the integration is
 * switched on, so nobody mistakes production for the sandbox. One primary-key read of two columns.
 */
export const autotaskBadge: RequestHandler = async (req, res, next) => {
  const s = await contextOf(req).database.prisma.integrationSettings.findUnique({
    where: { id: SETTINGS_ID },
    select: { enabled: true, environment: true },
  });
  if (s?.enabled) res.locals.autotaskBadge = { environment: s.environment, label: ENVIRONMENT_LABELS[s.environment] };
  next();
};
