import { promisify } from 'node:util';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Db, Role } from '../db/database.ts';
import { ForbiddenError, UnauthenticatedError } from '../errors/catalogue.ts';
import { paths } from '../paths.ts';
import { sessionOwnerOf } from '../services/accounts/session-store.ts';
import type { CurrentUser } from '../shared/session-types.ts';

/** Per request: whether the signed-in user must set up two-factor sign-in, when it came with the session. */
const twoFactorPending = new WeakMap<Request, boolean>();

/**
 * For src/middleware/two-factor-required.ts: the answer read with the session, or undefined when
 * the user was read on their own (then the middleware asks the database).
 */
export function knownTwoFactorPending(req: Request): boolean | undefined {
  return twoFactorPending.get(req);
}

/**
 * Loads the signed-in user on every request. Reading the row each time is what makes a
 * deactivation take effect at once: a deactivated user's session is replaced on its next request.
 * The row normally comes with the session, in the same statement (src/services/accounts/session-store.ts).
 */
export function loadUser(db: Db): RequestHandler {
  return async (req, res, next) => {
    const userId = req.session?.userId;
    if (userId) {
      const owner = sessionOwnerOf(req);
      const user =
        owner && owner.id === userId
          ? owner
          : await db.user.findUnique({
              where: { id: userId },
              select: { id: true, email: true, name: true, role: true, active: true },
            });
      if (user?.active) {
        req.user = { id: user.id, email: user.email, name: user.name, role: user.role };
        if (owner === user) twoFactorPending.set(req, owner.mustSetUpTwoFactor);
      } else {
        // A fresh, empty session (not a destroyed one) so the rest of the request still works.
        await promisify(req.session.regenerate.bind(req.session))();
      }
    }
    res.locals.user = req.user ?? null;
    next();
  };
}

/** Longer addresses are not carried through sign-in: the redirect would be as long as the request. */
const MAX_NEXT_LENGTH = 2000;

/** Anonymous visitors are sent to the sign-in page (and back afterwards). */
export function requireUser(req: Request, res: Response, next: NextFunction): void {
  if (req.user) return next();
  if ((req.method === 'GET' || req.method === 'HEAD') && req.originalUrl.length <= MAX_NEXT_LENGTH) {
    return res.redirect(`${paths.login}?next=${encodeURIComponent(req.originalUrl)}`);
  }
  res.redirect(paths.login);
}

/** Server-side role guard: a hidden button is not a guard. */
export function requireRole(...allowed: Role[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.user) return next(new ForbiddenError('Please sign in.'));
    if (!allowed.includes(req.user.role)) return next(new ForbiddenError());
    next();
  };
}

export const canAct = (role: Role | undefined): boolean => role === 'admin' || role === 'operator';

/**
 * The signed-in user, for handlers that run after `requireUser` or `requireRole`. Throws instead of
 * returning undefined so a handler mounted without its guard fails closed.
 */
export function currentUser(req: Request): CurrentUser {
  if (!req.user) throw new UnauthenticatedError();
  return req.user;
}
