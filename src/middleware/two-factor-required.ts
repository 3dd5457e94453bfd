import type { RequestHandler } from 'express';
import { contextOf } from '../context.ts';
import { ForbiddenError } from '../errors/catalogue.ts';
import { paths } from '../paths.ts';
import { mustSetUpTwoFactor } from '../services/accounts/security-settings.ts';
import { knownTwoFactorPending } from './auth.ts';
import { flash } from './flash.ts';

export const TWO_FACTOR_REQUIRED = 'Your role requires two-factor sign-in: set it up to continue.';

/**
 * What an admin who must set up two-factor sign-in can still reach: the account page, the set-up
 * page with its forms, and signing out or in again (which replaces the session). Static files are
 * served before any page route (src/app.ts).
 */
const STILL_OPEN: ReadonlySet<string> = new Set([
  paths.account.index,
  paths.account.twoFactor,
  paths.account.twoFactorConfirm,
  paths.account.twoFactorDisable,
  paths.account.recoveryCodes,
  paths.logout,
  paths.login,
  paths.loginTwoFactor,
]);

/**
 * Settings → Security can require two-factor sign-in for admins (they hold the Autotask
 * credentials). An admin signed in without it is held on the set-up page: a page is redirected
 * there with a message, a form elsewhere is refused (403). Read from the database on every request
 * rather than kept in the session, so that turning the setting on or an admin's reset applies to
 * sessions that are already open: normally with the session itself (src/services/accounts/session-store.ts),
 * else with a query of its own.
 */
export const requireTwoFactorWhereRequired: RequestHandler = async (req, res, next) => {
  if (req.user?.role !== 'admin' || STILL_OPEN.has(req.path)) return next();
  const pending = knownTwoFactorPending(req) ?? (await mustSetUpTwoFactor(contextOf(req).database.prisma, req.user.id));
  if (!pending) return next();
  if (req.method === 'GET' || req.method === 'HEAD') {
    flash(req, { type: 'warning', text: TWO_FACTOR_REQUIRED });
    return res.redirect(paths.account.twoFactor);
  }
  next(new ForbiddenError(TWO_FACTOR_REQUIRED));
};
