import type { Request, Response } from 'express';
import type { SessionData } from 'express-session';
import { z } from 'zod';
import { contextOf } from '../../context.ts';
import type { Failure } from '../../middleware/errors.ts';
import { flash } from '../../middleware/flash.ts';
import { paths } from '../../paths.ts';
import { pendingSignInUser, verifySignIn, WRONG_CODE } from '../../services/accounts/two-factor.ts';
import { safeReturnTo } from '../../shared/return-to.ts';
import { parseOrThrow } from '../../shared/validation.ts';
import { openSession } from './open-session.ts';
import { tooManyAttempts } from './two-factor.ts';

type PendingSignIn = NonNullable<SessionData['pendingSignIn']>;

const codeForm = z.object({
  code: z.string().trim().min(1, 'Enter the code from your authenticator app').max(100),
});

/** How many recovery codes left is few enough to say "make new ones". */
const FEW_CODES_LEFT = 3;

function render(res: Response, errors: Record<string, string> = {}): void {
  res.render('accounts/sign-in-two-factor', { title: 'Two-factor sign-in', errors });
}

/**
 * The half-finished sign-in of this session, while it lasts. One that ran out is dropped with a
 * message: the visitor starts again from the password.
 */
function livePendingSignIn(req: Request): PendingSignIn | null {
  const pending = req.session.pendingSignIn;
  if (!pending) return null;
  if (pending.expiresAt > Date.now()) return pending;
  delete req.session.pendingSignIn;
  flash(req, { type: 'info', text: 'The sign-in took too long. Sign in again.' });
  return null;
}

/** The code form; only reachable between a right password and the code. */
export function get(req: Request, res: Response): void {
  if (!livePendingSignIn(req)) return res.redirect(paths.login);
  render(res);
}

/** The form again with what was wrong (the route's renderOnFailure step). */
export function renderFailure(_req: Request, res: Response, failure: Failure): void {
  render(res, failure.problem ? { ...failure.fieldErrors, _: failure.problem.message } : { ...failure.fieldErrors });
}

/**
 * "Verify": a code from the app or a recovery code. Each attempt is charged to the account and the
 * IP before it is checked (src/services/accounts/sign-in-limiter.ts), so parallel guesses are
 * counted too; a right code gives the attempt back and signs the user in.
 */
export async function post(req: Request, res: Response): Promise<void> {
  const pending = livePendingSignIn(req);
  if (!pending) return res.redirect(paths.login);
  const { code } = parseOrThrow(codeForm, req.body);
  const { database, secrets, twoFactorLimiter } = contextOf(req);
  const user = await pendingSignInUser(database.prisma, pending.userId);
  if (!user) {
    // Deactivated, or two-factor reset, since the password was entered: start from the password.
    delete req.session.pendingSignIn;
    return res.redirect(paths.login);
  }

  const ip = req.ip ?? 'unknown';
  const wait = await twoFactorLimiter.charge(ip, user.email);
  if (wait > 0) {
    res.set('Retry-After', String(wait));
    return render(res.status(429), { _: tooManyAttempts(wait) });
  }
  const proof = await verifySignIn(database.prisma, secrets.encryptionKey, user, code, Date.now());
  if (!proof.ok) return render(res.status(401), { _: WRONG_CODE });

  await twoFactorLimiter.refund(ip, user.email);
  await openSession(req, user);
  if (proof.recoveryCodesLeft !== null) flash(req, recoveryCodeNotice(proof.recoveryCodesLeft));
  res.redirect(safeReturnTo(pending.next, paths.runChecks.index));
}

function recoveryCodeNotice(left: number) {
  const used = 'You signed in with a recovery code; it cannot be used again.';
  if (left > FEW_CODES_LEFT) return { type: 'info' as const, text: `${used} ${left} recovery codes left.` };
  const count = left === 0 ? 'No recovery codes left' : `Only ${left} recovery code${left === 1 ? '' : 's'} left`;
  return {
    type: 'warning' as const,
    text: `${used} ${count}: make new ones on the two-factor sign-in page of your account.`,
  };
}
