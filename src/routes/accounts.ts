import { Router } from 'express';
import * as apiTokens from '../controllers/accounts/api-tokens.ts';
import * as audit from '../controllers/accounts/audit.ts';
import * as signIn from '../controllers/accounts/sign-in.ts';
import * as users from '../controllers/accounts/users.ts';
import { requireRole, requireUser } from '../middleware/auth.ts';
import { renderOnFailure } from '../middleware/errors.ts';
import { paths, pattern } from '../paths.ts';

/** The account pages that only admins may open, with everything under them. */
const ADMIN_AREAS = [paths.users.index, paths.audit, paths.settings.apiTokens];

/**
 * Accounts: sign-in and sign-out (open to anonymous visitors), and the admin pages for users, API
 * tokens and the audit log. Mounted before the app-wide sign-in guard, so the admin areas carry
 * their own; guarding the whole area (not each route) keeps a non-admin's answer a 403 for any
 * address in it. Role, activation and password actions show a refusal on the error page.
 */
export function accountRoutes(): Router {
  const router = Router();
  router.get(paths.login, signIn.get);
  router.post(paths.login, renderOnFailure(signIn.renderFailure), signIn.post);
  router.post(paths.logout, signIn.logout);

  router.use(ADMIN_AREAS, requireUser, requireRole('admin'));
  router.get(paths.users.index, users.get);
  router.post(paths.users.index, renderOnFailure(users.renderFailure), users.post);
  router.post(pattern(paths.users.role), users.postRole);
  router.post(pattern(paths.users.active), users.postActive);
  router.post(pattern(paths.users.password), users.postPassword);
  router.get(paths.audit, audit.get);
  router.get(paths.settings.apiTokens, apiTokens.get);
  router.post(paths.settings.apiTokens, renderOnFailure(apiTokens.renderFailure), apiTokens.post);
  router.post(pattern(paths.settings.revokeApiToken), apiTokens.postRevoke);
  return router;
}
