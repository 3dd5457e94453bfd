import { Router } from 'express';
import * as account from '../controllers/accounts/account.ts';
import * as apiTokens from '../controllers/accounts/api-tokens.ts';
import * as audit from '../controllers/accounts/audit.ts';
import * as securitySettings from '../controllers/accounts/security-settings.ts';
import * as signInTwoFactor from '../controllers/accounts/sign-in-two-factor.ts';
import * as signIn from '../controllers/accounts/sign-in.ts';
import * as twoFactor from '../controllers/accounts/two-factor.ts';
import * as userTwoFactor from '../controllers/accounts/user-two-factor.ts';
import * as users from '../controllers/accounts/users.ts';
import { requireRole, requireUser } from '../middleware/auth.ts';
import { flashOnFailure, renderOnFailure } from '../middleware/errors.ts';
import { requireTwoFactorWhereRequired } from '../middleware/two-factor-required.ts';
import { paths, pattern } from '../paths.ts';

/** The account pages that only admins may open, with everything under them. */
const ADMIN_AREAS = [paths.users.index, paths.audit, paths.settings.apiTokens, paths.settings.security];

/**
 * Accounts: sign-in and sign-out (open to anonymous visitors), each user's own account page, and
 * the admin pages for users, API tokens and the audit log. Mounted before the app-wide sign-in guard, so the admin areas carry
 * their own; guarding the whole area (not each route) keeps a non-admin's answer a 403 for any
 * address in it. Role, activation and password actions show a refusal on the error page.
 */
export function accountRoutes(): Router {
  const router = Router();
  // First step of every page request (this router is mounted first, src/routes/index.ts): an
  // admin who must set up two-factor sign-in reaches only that page (Settings → Security).
  router.use(requireTwoFactorWhereRequired);
  router.get(paths.login, signIn.get);
  router.post(paths.login, renderOnFailure(signIn.renderFailure), signIn.post);
  router.get(paths.loginTwoFactor, signInTwoFactor.get);
  router.post(paths.loginTwoFactor, renderOnFailure(signInTwoFactor.renderFailure), signInTwoFactor.post);
  router.post(paths.logout, signIn.logout);

  router.get(paths.account.index, requireUser, account.get);
  router.post(paths.account.password, requireUser, renderOnFailure(account.renderFailure), account.postPassword);
  router.post(paths.account.signOutOthers, requireUser, account.postSignOutOthers);
  router.get(paths.account.twoFactor, requireUser, twoFactor.get);
  const onTwoFactorPage = renderOnFailure(twoFactor.renderFailure);
  router.post(paths.account.twoFactorConfirm, requireUser, onTwoFactorPage, twoFactor.postConfirm);
  router.post(paths.account.twoFactorDisable, requireUser, onTwoFactorPage, twoFactor.postDisable);
  router.post(paths.account.recoveryCodes, requireUser, onTwoFactorPage, twoFactor.postRecoveryCodes);

  router.use(ADMIN_AREAS, requireUser, requireRole('admin'));
  router.get(paths.users.index, users.get);
  router.post(paths.users.index, renderOnFailure(users.renderFailure), users.post);
  router.post(pattern(paths.users.role), users.postRole);
  router.post(pattern(paths.users.active), users.postActive);
  router.post(pattern(paths.users.password), users.postPassword);
  router.post(pattern(paths.users.signOut), users.postSignOut);
  const backToUsers = flashOnFailure(() => paths.users.index);
  router.post(pattern(paths.users.resetTwoFactor), backToUsers, userTwoFactor.postReset);
  router.get(paths.audit, audit.get);
  router.get(paths.settings.apiTokens, apiTokens.get);
  router.post(paths.settings.apiTokens, renderOnFailure(apiTokens.renderFailure), apiTokens.post);
  router.post(pattern(paths.settings.revokeApiToken), apiTokens.postRevoke);
  router.get(paths.settings.security, securitySettings.get);
  router.post(paths.settings.security, renderOnFailure(securitySettings.renderFailure), securitySettings.post);
  return router;
}
