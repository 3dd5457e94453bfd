import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import { currentUser } from '../../middleware/auth.ts';
import type { Failure } from '../../middleware/errors.ts';
import { flash } from '../../middleware/flash.ts';
import { paths } from '../../paths.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import { listSessionsOf } from '../../services/accounts/sessions.ts';
import { changeOwnPassword, passwordChangeSchema, signOutOtherSessions } from '../../services/accounts/users.ts';
import { parseOrThrow } from '../../shared/validation.ts';

async function render(req: Request, res: Response, errors: Record<string, string> = {}): Promise<void> {
  const db = contextOf(req).database.prisma;
  const user = currentUser(req);
  const [sessions, twoFactor] = await Promise.all([
    listSessionsOf(db, user.id, req.sessionID),
    db.user.findUnique({ where: { id: user.id }, select: { totpEnabledAt: true } }),
  ]);
  res.render('accounts/account', {
    title: 'Your account',
    sessions,
    twoFactorSince: twoFactor?.totpEnabledAt ?? null,
    errors,
  });
}

/** Your account: change the password, two-factor sign-in, and the sessions signed in as you. */
export async function get(req: Request, res: Response): Promise<void> {
  await render(req, res);
}

/** The page again with what was wrong in the password form (the typed passwords are not shown again). */
export async function renderFailure(req: Request, res: Response, failure: Failure): Promise<void> {
  await render(
    req,
    res,
    failure.problem ? { ...failure.fieldErrors, _: failure.problem.message } : { ...failure.fieldErrors },
  );
}

/** "Change password": the current password first; every other session of this user ends. */
export async function postPassword(req: Request, res: Response): Promise<void> {
  const input = parseOrThrow(passwordChangeSchema, req.body);
  const { database, config } = contextOf(req);
  await changeOwnPassword(database.prisma, actorOf(currentUser(req), req.sessionID), input, config.bcryptCost);
  flash(req, { type: 'success', text: 'Password changed. Your other sessions have been signed out.' });
  res.redirect(paths.account.index);
}

/** "Sign out other sessions": every session of this user but the one clicking. */
export async function postSignOutOthers(req: Request, res: Response): Promise<void> {
  const ended = await signOutOtherSessions(contextOf(req).database.prisma, actorOf(currentUser(req), req.sessionID));
  flash(req, { type: 'success', text: `Signed out ${ended} other session${ended === 1 ? '' : 's'}.` });
  res.redirect(paths.account.index);
}
