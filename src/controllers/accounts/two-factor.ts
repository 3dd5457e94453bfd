import type { Request, Response } from 'express';
import QRCode from 'qrcode';
import { z } from 'zod';
import { contextOf } from '../../context.ts';
import { TooManyRequestsError } from '../../errors/catalogue.ts';
import { currentUser } from '../../middleware/auth.ts';
import type { Failure } from '../../middleware/errors.ts';
import { flash } from '../../middleware/flash.ts';
import { paths } from '../../paths.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import {
  confirmEnrolment,
  disableTwoFactor,
  enrolmentFor,
  regenerateRecoveryCodes,
  twoFactorStatus,
} from '../../services/accounts/two-factor.ts';
import { parseOrThrow } from '../../shared/validation.ts';

const codeForm = z.object({ code: z.string().trim().min(1, 'Enter the code from the app').max(20) });
const credentialForm = z.object({
  credential: z.string().min(1, 'Enter a code from the app or your password').max(200),
});

/** Off: the QR code and the secret to set it up. On: since when, recovery codes left, turn off. */
async function render(req: Request, res: Response, errors: Record<string, string> = {}): Promise<void> {
  const { database, secrets } = contextOf(req);
  const user = currentUser(req);
  const status = await twoFactorStatus(database.prisma, user.id);
  if (status.enabledAt) {
    return res.render('accounts/two-factor', { title: 'Two-factor sign-in', status, enrolment: null, errors });
  }
  const { secret, uri } = await enrolmentFor(database.prisma, secrets.encryptionKey, user.id);
  res.render('accounts/two-factor', {
    title: 'Two-factor sign-in',
    status,
    enrolment: { secret: groupsOfFour(secret), qrCode: await qrCodeImage(uri) },
    errors,
  });
}

/**
 * The QR code drawn here as SVG (no outside service ever sees the secret), as a data: address for
 * an <img>: templates print only escaped text (docs/conventions.md) and the CSP allows data: images.
 */
async function qrCodeImage(uri: string): Promise<string> {
  const svg = await QRCode.toString(uri, { type: 'svg', width: 200, margin: 1 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

/** `JBSWY3DPEHPK3PXP` reads and types more easily as `JBSW Y3DP EHPK 3PXP`; the apps ignore the spaces. */
const groupsOfFour = (secret: string): string => secret.replace(/(.{4})(?=.)/g, '$1 ');

/** The new recovery codes, on a page of their own: shown this once, never stored readable. */
function renderCodes(res: Response, codes: string[], heading: string): void {
  res.render('accounts/recovery-codes', { title: 'Recovery codes', heading, codes });
}

/** Your account → Two-factor sign-in. */
export async function get(req: Request, res: Response): Promise<void> {
  await render(req, res);
}

/** The page again with what was wrong in the form that was sent (the route's renderOnFailure step). */
export async function renderFailure(req: Request, res: Response, failure: Failure): Promise<void> {
  const { fieldErrors, problem } = failure;
  await render(req, res, problem ? { ...fieldErrors, _: problem.message } : { ...fieldErrors });
}

/** "Turn on two-factor sign-in": the first code from the app switches it on; the recovery codes follow. */
export async function postConfirm(req: Request, res: Response): Promise<void> {
  const { code } = parseOrThrow(codeForm, req.body);
  const { database, secrets } = contextOf(req);
  const actor = actorOf(currentUser(req), req.sessionID);
  const codes = await confirmEnrolment(database.prisma, secrets.encryptionKey, actor, code, Date.now());
  renderCodes(res, codes, 'Two-factor sign-in is on');
}

/** "Make new recovery codes": takes a current code; the old recovery codes stop working. */
export async function postRecoveryCodes(req: Request, res: Response): Promise<void> {
  const { code } = parseOrThrow(codeForm, req.body);
  const { database, secrets } = contextOf(req);
  const user = currentUser(req);
  await chargeAttempt(req, user.email);
  const codes = await regenerateRecoveryCodes(
    database.prisma,
    secrets.encryptionKey,
    actorOf(user, req.sessionID),
    code,
    Date.now(),
  );
  await refundAttempt(req, user.email);
  renderCodes(res, codes, 'New recovery codes');
}

/** "Turn off two-factor sign-in": takes a current code or the password; other sessions end. */
export async function postDisable(req: Request, res: Response): Promise<void> {
  const { credential } = parseOrThrow(credentialForm, req.body);
  const { database, secrets } = contextOf(req);
  const user = currentUser(req);
  await chargeAttempt(req, user.email);
  await disableTwoFactor(database.prisma, secrets.encryptionKey, actorOf(user, req.sessionID), credential, Date.now());
  await refundAttempt(req, user.email);
  flash(req, { type: 'success', text: 'Two-factor sign-in is off. Your other sessions have been signed out.' });
  res.redirect(paths.account.twoFactor);
}

/**
 * These forms check a code or the password, so they count against the sign-in step's budget: an
 * open session must not become a way to guess either without limit.
 */
async function chargeAttempt(req: Request, email: string): Promise<void> {
  const wait = await contextOf(req).twoFactorLimiter.charge(req.ip ?? 'unknown', email);
  if (wait > 0) throw new TooManyRequestsError(tooManyAttempts(wait), wait);
}

async function refundAttempt(req: Request, email: string): Promise<void> {
  await contextOf(req).twoFactorLimiter.refund(req.ip ?? 'unknown', email);
}

/** The sentence shown with a 429, here and on the sign-in step. */
export function tooManyAttempts(waitSeconds: number): string {
  const minutes = Math.ceil(waitSeconds / 60);
  return `Too many wrong codes. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
}
