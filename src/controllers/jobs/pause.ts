import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import { currentUser } from '../../middleware/auth.ts';
import { flash } from '../../middleware/flash.ts';
import { paths } from '../../paths.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import { pauseFormSchema, pauseJob, resumeJob } from '../../services/schedules/pauses.ts';
import { JOB_MISSING } from '../../services/schedules/schedules.ts';
import { idParam } from '../../shared/ids.ts';
import { formatDateTime } from '../../shared/time.ts';
import { parseOrThrow } from '../../shared/validation.ts';

/** "Pause job" (admins): maintenance; none of its runs is reported missed until it ends. */
export async function postPause(req: Request, res: Response): Promise<void> {
  const { database, config } = contextOf(req);
  const id = idParam(req.params['id'], JOB_MISSING);
  const now = new Date();
  const input = parseOrThrow(pauseFormSchema(config.timezone, now), req.body);
  const deps = { db: database.prisma, timezone: config.timezone };
  await pauseJob(deps, actorOf(currentUser(req)), id, input, now);
  const until = input.until ? ` until ${formatDateTime(input.until, config.timezone)}` : ' until you resume it';
  flash(req, { type: 'success', text: `Job paused${until}. No run of it is reported missed meanwhile.` });
  res.redirect(paths.jobs.show(id));
}

/** "Resume job" (admins). */
export async function postResume(req: Request, res: Response): Promise<void> {
  const { database, config } = contextOf(req);
  const id = idParam(req.params['id'], JOB_MISSING);
  const { resumed } = await resumeJob(
    { db: database.prisma, timezone: config.timezone },
    actorOf(currentUser(req)),
    id,
  );
  flash(
    req,
    resumed
      ? { type: 'success', text: 'Job resumed. Runs expected from now on are checked again.' }
      : { type: 'info', text: 'This job was not paused.' },
  );
  res.redirect(paths.jobs.show(id));
}
