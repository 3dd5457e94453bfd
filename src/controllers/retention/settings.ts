import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import { currentUser } from '../../middleware/auth.ts';
import type { Failure } from '../../middleware/errors.ts';
import { flash } from '../../middleware/flash.ts';
import { paths } from '../../paths.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import { loadRetentionPage } from '../../services/retention/page.ts';
import {
  formValuesFromBody,
  formValuesOf,
  RETENTION_LABELS,
  RETENTION_LIMITS,
  retentionFormSchema,
  saveRetentionSettings,
  type RetentionFormValues,
} from '../../services/retention/settings.ts';
import { formatDateTime } from '../../shared/time.ts';
import { parseOrThrow } from '../../shared/validation.ts';

interface Shown {
  /** The form as typed; the saved settings when absent. */
  readonly values?: RetentionFormValues;
  readonly errors?: Readonly<Record<string, string>>;
  readonly problem?: Failure['problem'];
}

async function render(req: Request, res: Response, shown: Shown = {}): Promise<void> {
  const { database, config } = contextOf(req);
  const page = await loadRetentionPage(database.prisma);
  res.render('retention/settings', {
    title: 'Data retention',
    values: shown.values ?? formValuesOf(page.settings),
    errors: shown.errors ?? {},
    problem: shown.problem ?? null,
    labels: RETENTION_LABELS,
    limits: RETENTION_LIMITS,
    lastPrune: page.lastPrune && {
      at: formatDateTime(page.lastPrune.at, config.timezone),
      summary: page.lastPrune.summary,
    },
  });
}

/** Settings → Data retention (admins): how long each kind of record is kept. */
export async function get(req: Request, res: Response): Promise<void> {
  await render(req, res);
}

/** The form again as typed, with what is wrong next to each field (the route's renderOnFailure step). */
export async function renderFailure(req: Request, res: Response, failure: Failure): Promise<void> {
  await render(req, res, {
    values: formValuesFromBody(req.body),
    errors: failure.fieldErrors,
    problem: failure.problem,
  });
}

/** "Save". */
export async function post(req: Request, res: Response): Promise<void> {
  const input = parseOrThrow(retentionFormSchema, req.body);
  const changed = await saveRetentionSettings(contextOf(req).database.prisma, input, actorOf(currentUser(req)));
  flash(req, {
    type: 'success',
    text: changed.length > 0 ? `Data retention saved. Changed: ${changed.join(', ')}.` : 'Nothing changed.',
  });
  res.redirect(paths.settings.retention);
}
