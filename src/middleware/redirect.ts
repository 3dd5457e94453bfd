import type { RequestHandler } from 'express';

/**
 * express-session writes a response's headers before its end-of-request save has finished, so a
 * client that follows a 302 at once (browsers may, supertest does) can load the old session and
 * lose the flash message that explains what just happened. Every redirect therefore waits for the
 * session to be stored first; installed once, after the session middleware. A session that holds
 * nothing (a visitor without a cookie being sent to sign in) is not stored at all.
 */
export const saveSessionBeforeRedirect: RequestHandler = (req, res, next) => {
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  (res as { redirect: unknown }).redirect = (...args: unknown[]) => {
    if (!req.session || holdsNothing(req.session)) return redirect(...args);
    req.session.save((err) => (err ? next(err) : redirect(...args)));
  };
  next();
};

function holdsNothing(session: object): boolean {
  return Object.keys(session).every((key) => key === 'cookie');
}
