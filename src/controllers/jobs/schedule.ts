import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import { currentUser } from '../../middleware/auth.ts';
import { flash } from '../../middleware/flash.ts';
import { paths } from '../../paths.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import { describeSchedule, scheduleFormSchema } from '../../services/schedules/schedule-form.ts';
import { JOB_MISSING, removeSchedule, saveSchedule } from '../../services/schedules/schedules.ts';
import { idParam } from '../../shared/ids.ts';
import { parseOrThrow } from '../../shared/validation.ts';

/** "Save schedule" on the job page (admins): confirms the schedule; checking starts now. */
export async function post(req: Request, res: Response): Promise<void> {
  const id = idParam(req.params['id'], JOB_MISSING);
  const spec = parseOrThrow(scheduleFormSchema, req.body);
  await saveSchedule(contextOf(req).database.prisma, actorOf(currentUser(req)), id, spec);
  flash(req, { type: 'success', text: `Schedule saved: ${describeSchedule(spec)}.` });
  res.redirect(paths.jobs.show(id));
}

/** "Remove schedule" (admins): the job's runs are no longer expected. */
export async function postRemove(req: Request, res: Response): Promise<void> {
  const id = idParam(req.params['id'], JOB_MISSING);
  const removed = await removeSchedule(contextOf(req).database.prisma, actorOf(currentUser(req)), id);
  flash(
    req,
    removed
      ? { type: 'success', text: 'Schedule removed. Runs of this job are no longer expected.' }
      : { type: 'info', text: 'This job has no schedule.' },
  );
  res.redirect(paths.jobs.show(id));
}
