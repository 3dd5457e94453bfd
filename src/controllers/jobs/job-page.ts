import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import type { Failure } from '../../middleware/errors.ts';
import { loadJobPage } from '../../services/jobs/job-page.ts';
import { EVERY_HOURS } from '../../services/schedules/occurrences.ts';
import { EMPTY_PAUSE, typedPause, type PauseFormValues } from '../../services/schedules/pauses.ts';
import {
  DEFAULT_FORM_VALUES,
  KIND_LABELS,
  typedValues,
  WEEKDAY_NAMES,
  type ScheduleFormValues,
} from '../../services/schedules/schedule-form.ts';
import { JOB_MISSING } from '../../services/schedules/schedules.ts';
import { idParam } from '../../shared/ids.ts';

interface FormState {
  readonly values?: ScheduleFormValues;
  readonly pauseValues?: PauseFormValues;
  readonly errors?: Readonly<Record<string, string>>;
  /** The schedule form holds the suggestion ("Use this schedule"). */
  readonly prefilled?: boolean;
}

/**
 * /jobs/:id — a job's page (everyone signed in): its schedule and the one learnt from its runs, its
 * maintenance pause and its recent runs. Admins get the forms; the routes check the role again.
 */
export async function get(req: Request, res: Response): Promise<void> {
  const prefill = req.query['use'] === 'suggestion';
  await render(req, res, { prefilled: prefill });
}

/** A refused schedule: the page again with the typed values and one message per field. */
export async function showScheduleFailure(req: Request, res: Response, failure: Failure): Promise<void> {
  await render(req, res, { values: typedValues(req.body), errors: failure.fieldErrors });
}

/** A refused pause (an end that is not a moment in the future, a reason too long). */
export async function showPauseFailure(req: Request, res: Response, failure: Failure): Promise<void> {
  await render(req, res, { pauseValues: typedPause(req.body), errors: failure.fieldErrors });
}

async function render(req: Request, res: Response, state: FormState): Promise<void> {
  const { database, config } = contextOf(req);
  const id = idParam(req.params['id'], JOB_MISSING);
  const page = await loadJobPage(database.prisma, id, config.timezone);
  const suggested = state.prefilled && page.suggestion.ok ? page.suggestion.values : null;
  res.render('jobs/job', {
    title: `${page.customer.name} / ${page.job.name}`,
    ...page,
    values: state.values ?? suggested ?? page.schedule?.values ?? DEFAULT_FORM_VALUES,
    prefilled: suggested !== null,
    pauseValues: state.pauseValues ?? EMPTY_PAUSE,
    errors: state.errors ?? {},
    kindLabels: KIND_LABELS,
    weekdayNames: WEEKDAY_NAMES,
    everyHoursOptions: EVERY_HOURS,
  });
}
