import type { Request, Response } from 'express';
import { z } from 'zod';
import { contextOf } from '../../context.ts';
import type { Failure } from '../../middleware/errors.ts';
import { paths } from '../../paths.ts';
import { authenticate } from '../../services/accounts/users.ts';
import { safeReturnTo } from '../../shared/return-to.ts';
import { parseOrThrow } from '../../shared/validation.ts';
import { beginTwoFactorStep, openSession } from './open-session.ts';

const signInSchema = z.object({
  email: z.string().trim().toLowerCase().min(1, 'Enter your e-mail address').max(200),
  password: z.string().min(1, 'Enter your password').max(200),
  next: z.string().optional(),
});

interface SignInValues {
  readonly email?: unknown;
  readonly next?: unknown;
}

function render(res: Response, values: SignInValues, errors: Record<string, string> = {}): void {
  res.render('accounts/sign-in', { title: 'Sign in', values, errors });
}

/** What the visitor typed, shown again in the form (never the password). */
function typedValues(req: Request): SignInValues {
  const body = req.body as SignInValues | undefined;
  return { email: body?.email ?? '', next: body?.next ?? '' };
}

/** The sign-in form; `next` is the page that sent the visitor here, followed after signing in. */
export function get(req: Request, res: Response): void {
  if (req.user) return res.redirect(paths.runChecks.index);
  render(res, { next: req.query['next'] ?? '' });
}

/** The sign-in form again with what was wrong (the route's renderOnFailure step). */
export function renderFailure(req: Request, res: Response, failure: Failure): void {
  const errors = failure.problem ? { ...failure.fieldErrors, _: failure.problem.message } : failure.fieldErrors;
  render(res, typedValues(req), errors);
}

/** The form again with 429 and how long to wait; nothing was checked. */
export function renderTooMany(req: Request, res: Response, waitSeconds: number): void {
  const minutes = Math.ceil(waitSeconds / 60);
  res.set('Retry-After', String(waitSeconds));
  const text = `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
  render(res.status(429), typedValues(req), { _: text });
}

export async function post(req: Request, res: Response): Promise<void> {
  const { database, loginLimiter } = contextOf(req);
  const { email, password, next } = parseOrThrow(signInSchema, req.body);
  const ip = req.ip ?? 'unknown';

  const wait = await loginLimiter.charge(ip, email);
  if (wait > 0) return renderTooMany(req, res, wait);

  const result = await authenticate(database.prisma, email, password);
  if (!result.ok) {
    const text =
      result.reason === 'inactive'
        ? 'This account has been deactivated. Ask an administrator.'
        : 'E-mail address or password is not correct.';
    return render(res.status(401), typedValues(req), { _: text });
  }
  await loginLimiter.refund(ip, email);
  if (result.user.totpEnabledAt) {
    await beginTwoFactorStep(req, result.user, next);
    return res.redirect(paths.loginTwoFactor);
  }
  await openSession(req, result.user);
  // Only a path of this app is followed, never another host (`//evil`, `/\evil`, `https://evil`).
  res.redirect(safeReturnTo(next, paths.runChecks.index));
}

/** Sign-out ends the session in the store, not only in the browser. */
export async function logout(req: Request, res: Response): Promise<void> {
  await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
  res.clearCookie('bc.sid');
  res.redirect(paths.login);
}
