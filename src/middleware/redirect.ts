import type { Request, Response } from 'express';

/**
 * Redirects after the session is stored. express-session sends a response's headers before its
 * own end-of-request save has finished, so a client that follows the 302 at once (browsers may,
 * supertest does) can load the old session: the flash message that explains what happened is lost.
 */
export async function redirectAfterSave(req: Request, res: Response, url: string): Promise<void> {
  await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
  res.redirect(url);
}
