import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import { currentUser } from '../../middleware/auth.ts';
import type { Failure } from '../../middleware/errors.ts';
import { flash } from '../../middleware/flash.ts';
import { paths } from '../../paths.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import { getSecuritySettings, saveSecuritySettings } from '../../services/accounts/security-settings.ts';
import { checkbox } from '../../shared/validation.ts';

interface SecurityView {
  readonly requireTwoFactorForAdmins: boolean;
}

function render(res: Response, values: SecurityView, problem: Failure['problem'] = null): void {
  res.render('accounts/security-settings', { title: 'Security', values, problem });
}

/** Settings → Security (admins): the sign-in rules for everyone. */
export async function get(req: Request, res: Response): Promise<void> {
  render(res, await getSecuritySettings(contextOf(req).database.prisma));
}

/** The form again as ticked, with the refusal and where to fix it (the route's renderOnFailure step). */
export function renderFailure(req: Request, res: Response, failure: Failure): void {
  render(res, formValues(req), failure.problem);
}

/** "Save". */
export async function post(req: Request, res: Response): Promise<void> {
  const db = contextOf(req).database.prisma;
  const changed = await saveSecuritySettings(db, actorOf(currentUser(req), req.sessionID), formValues(req));
  flash(req, { type: 'success', text: changed ? 'Security settings saved.' : 'Nothing changed.' });
  res.redirect(paths.settings.security);
}

function formValues(req: Request): SecurityView {
  const body = req.body as { requireTwoFactorForAdmins?: unknown } | undefined;
  return { requireTwoFactorForAdmins: checkbox(body?.requireTwoFactorForAdmins) };
}
