import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import { currentUser } from '../../middleware/auth.ts';
import { flash } from '../../middleware/flash.ts';
import { paths } from '../../paths.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import { CUSTOMER_MISSING } from '../../services/customers/customers.ts';
import { pauseCustomer, pauseFormSchema, resumeCustomer } from '../../services/schedules/pauses.ts';
import { idParam } from '../../shared/ids.ts';
import { formatDateTime } from '../../shared/time.ts';
import { parseOrThrow } from '../../shared/validation.ts';

/** "Pause customer" on the customer's edit page (admins): no run of its jobs is reported missed meanwhile. */
export async function postPause(req: Request, res: Response): Promise<void> {
  const { database, config } = contextOf(req);
  const id = idParam(req.params['id'], CUSTOMER_MISSING);
  const now = new Date();
  const input = parseOrThrow(pauseFormSchema(config.timezone, now), req.body);
  const { label } = await pauseCustomer(
    { db: database.prisma, timezone: config.timezone },
    actorOf(currentUser(req)),
    id,
    input,
    now,
  );
  const until = input.until ? ` until ${formatDateTime(input.until, config.timezone)}` : ' until you resume it';
  flash(req, { type: 'success', text: `Paused ${label}${until}. No run of its jobs is reported missed meanwhile.` });
  res.redirect(paths.customers.edit(id));
}

/** "Resume customer" (admins). */
export async function postResume(req: Request, res: Response): Promise<void> {
  const { database, config } = contextOf(req);
  const id = idParam(req.params['id'], CUSTOMER_MISSING);
  const { resumed, label } = await resumeCustomer(
    { db: database.prisma, timezone: config.timezone },
    actorOf(currentUser(req)),
    id,
  );
  flash(
    req,
    resumed
      ? { type: 'success', text: `Resumed ${label}. Runs expected from now on are checked again.` }
      : { type: 'info', text: 'This customer was not paused.' },
  );
  res.redirect(paths.customers.edit(id));
}
