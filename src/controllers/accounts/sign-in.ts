import { promisify } from 'node:util';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { contextOf } from '../../context.ts';
import type { Failure } from '../../middleware/errors.ts';
import { paths } from '../../paths.ts';
import { actorOf, audit } from '../../services/accounts/audit.ts';
import { authenticate } from '../../services/accounts/users.ts';
import { safeReturnTo } from '../../shared/return-to.ts';
import { parseOrThrow } from '../../shared/validation.ts';

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

export async function post(req: Request, res: Response): Promise<void> {
  const { database, loginLimiter } = contextOf(req);
  const db = database.prisma;
  const { email, password, next } = parseOrThrow(signInSchema, req.body);
  const ip = req.ip ?? 'unknown';

  const wait = await loginLimiter.blockedFor(ip, email);
  if (wait > 0) {
    const minutes = Math.ceil(wait / 60);
    res.set('Retry-After', String(wait));
    const text = `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
    return render(res.status(429), typedValues(req), { _: text });
  }

  const result = await authenticate(db, email, password);
  if (!result.ok) {
    await loginLimiter.recordFailure(ip, email);
    const text =
      result.reason === 'inactive'
        ? 'This account has been deactivated. Ask an administrator.'
        : 'E-mail address or password is not correct.';
    return render(res.status(401), typedValues(req), { _: text });
  }
  await loginLimiter.recordSuccess(email);
  // A new session id at sign-in prevents session fixation.
  await promisify(req.session.regenerate.bind(req.session))();
  req.session.userId = result.user.id;
  await promisify(req.session.save.bind(req.session))();
  await audit(db, actorOf(result.user), { action: 'auth.login', summary: `${result.user.email} signed in` });
  // Only a path of this app is followed, never another host (`//evil`, `/\evil`, `https://evil`).
  res.redirect(safeReturnTo(next, paths.runChecks.index));
}

/** Sign-out ends the session in the store, not only in the browser. */
export async function logout(req: Request, res: Response): Promise<void> {
  await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
  res.clearCookie('bc.sid');
  res.redirect(paths.login);
}
