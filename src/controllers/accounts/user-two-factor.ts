import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import { currentUser } from '../../middleware/auth.ts';
import { flash } from '../../middleware/flash.ts';
import { paths } from '../../paths.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import { resetTwoFactor } from '../../services/accounts/two-factor.ts';
import { USER_MISSING } from '../../services/accounts/users.ts';
import { idParam } from '../../shared/ids.ts';

/** Users → "Reset two-factor" (admins): for a user who lost their phone and their recovery codes. */
export async function postReset(req: Request, res: Response): Promise<void> {
  const id = idParam(req.params['id'], USER_MISSING);
  const user = await resetTwoFactor(contextOf(req).database.prisma, actorOf(currentUser(req), req.sessionID), id);
  flash(req, {
    type: 'success',
    text: `Two-factor sign-in of ${user.email} is off and their sessions have ended. They sign in with their password and can set it up again.`,
  });
  res.redirect(paths.users.index);
}
