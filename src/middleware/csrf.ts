import type { RequestHandler } from 'express';
import { csrfSync } from 'csrf-sync';
import { CsrfError } from '../errors/catalogue.ts';
import { paths } from '../paths.ts';

/**
 * Synchroniser-token CSRF protection (token kept in the session). Forms send it as `_csrf`;
 * fetch() calls from public/js send it as the `x-csrf-token` header.
 */
const { csrfSynchronisedProtection, generateToken } = csrfSync({
  getTokenFromRequest: (req) => {
    const fromBody = (req.body as Record<string, unknown> | undefined)?._csrf;
    if (typeof fromBody === 'string') return fromBody;
    const header = req.headers['x-csrf-token'];
    return typeof header === 'string' ? header : undefined;
  },
});

export const csrfProtection: RequestHandler = (req, res, next) => {
  csrfSynchronisedProtection(req, res, (err?: unknown) => {
    if (!err) return next();
    // An anonymous visitor (or one whose session expired) posting anywhere but the sign-in form is
    // sent to sign in; nothing was changed either way.
    if (!req.user && req.path !== paths.login) return res.redirect(paths.login);
    next(new CsrfError());
  });
};

/** Makes the token available to every template as `csrfToken`. */
export const exposeCsrfToken: RequestHandler = (req, res, next) => {
  res.locals.csrfToken = generateToken(req);
  next();
};
