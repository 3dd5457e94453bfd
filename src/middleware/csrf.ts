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

/** A session that holds nothing but a sign-in form's token is kept this long, not the signed-in 12 hours. */
const ANONYMOUS_SESSION_MS = 60 * 60_000;

/**
 * Templates call `csrfToken()` where they render a form. The token lives in the session, so making
 * one is what creates a session: made only when a page has a form, a visitor without a cookie who is
 * redirected, or shown an error, leaves no session row behind. An anonymous visitor's session (the
 * sign-in form's) expires within the hour.
 */
export const exposeCsrfToken: RequestHandler = (req, res, next) => {
  res.locals.csrfToken = () => {
    if (!req.session.userId) req.session.cookie.maxAge = ANONYMOUS_SESSION_MS;
    return generateToken(req);
  };
  next();
};
