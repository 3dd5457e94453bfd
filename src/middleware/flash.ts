import type { Request, RequestHandler } from 'express';
import type { FlashMessage } from '../shared/session-types.ts';

/** One-shot messages carried across a redirect in the session (post/redirect/get). */
export function flash(req: Request, message: FlashMessage): void {
  req.session.flash = [...(req.session.flash ?? []), message];
}

export const exposeFlash: RequestHandler = (req, res, next) => {
  res.locals.flash = req.session?.flash ?? [];
  if (req.session?.flash) delete req.session.flash;
  next();
};
