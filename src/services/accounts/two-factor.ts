import type { Db, User } from '../../db/database.ts';
import { NotFoundError, RuleError, ValidationError } from '../../errors/catalogue.ts';
import { paths } from '../../paths.ts';
import { actorOf, audit, type Actor } from './audit.ts';
import { verifyPassword } from './passwords.ts';
import { looksLikeRecoveryCode, recoveryCodesLeft, replaceRecoveryCodes, spendRecoveryCode } from './recovery-codes.ts';
import { endSessionsOf } from './sessions.ts';
import { acceptCode, newSecret, normaliseCode, openSecret, otpauthUri, sealSecret, stepOf } from './totp.ts';
import { USER_MISSING } from './users.ts';

export const WRONG_CODE = 'That code is not correct.';

/** What the set-up page shows: the secret for typing in, and the address the QR code carries. */
export interface Enrolment {
  readonly secret: string;
  readonly uri: string;
}

type TwoFactorUser = Pick<User, 'id' | 'email' | 'passwordHash' | 'totpSecret' | 'totpEnabledAt'>;

async function userOrThrow(db: Pick<Db, 'user'>, userId: number | null): Promise<TwoFactorUser> {
  const user =
    userId === null
      ? null
      : await db.user.findUnique({
          where: { id: userId },
          select: { id: true, email: true, passwordHash: true, totpSecret: true, totpEnabledAt: true },
        });
  if (!user) throw new NotFoundError(USER_MISSING);
  return user;
}

/**
 * The secret being set up: the one already waiting for its first code, so a reload does not void a
 * QR code the phone has scanned, or a new one. Off until confirmEnrolment() sees a code from it.
 */
export async function enrolmentFor(db: Db, encryptionKey: string, userId: number): Promise<Enrolment> {
  const user = await userOrThrow(db, userId);
  if (user.totpEnabledAt) throw new RuleError('Two-factor sign-in is already on.');
  const waiting = user.totpSecret ? readableSecret(user.totpSecret, encryptionKey) : null;
  if (waiting) return { secret: waiting, uri: otpauthUri(waiting, user.email) };

  const secret = newSecret();
  const { count } = await db.user.updateMany({
    where: { id: userId, totpEnabledAt: null, totpSecret: user.totpSecret },
    data: { totpSecret: sealSecret(secret, encryptionKey), totpLastStep: null },
  });
  // Another request stored a secret first (two tabs): show that one, so only one is ever in play.
  if (count === 0) return enrolmentFor(db, encryptionKey, userId);
  return { secret, uri: otpauthUri(secret, user.email) };
}

/** A waiting secret sealed under an earlier key is of no use: a new one replaces it. */
function readableSecret(sealed: string, encryptionKey: string): string | null {
  try {
    return openSecret(sealed, encryptionKey);
  } catch (e) {
    if (e instanceof RuleError) return null;
    throw e;
  }
}

/**
 * The first code from the app proves the phone holds the secret: two-factor sign-in is on from now,
 * the step is used up, ten recovery codes are made (returned once) and the user's other sessions,
 * opened with the password alone, end.
 */
export async function confirmEnrolment(
  db: Db,
  encryptionKey: string,
  actor: Actor,
  code: string,
  now: number,
): Promise<string[]> {
  const user = await userOrThrow(db, actor.id);
  if (user.totpEnabledAt) throw new RuleError('Two-factor sign-in is already on.');
  if (!user.totpSecret) throw new RuleError('Set-up has not started. Open the page again.', paths.account.twoFactor);
  const step = stepOf(openSecret(user.totpSecret, encryptionKey), code, now);
  if (step === null) throw new ValidationError({ code: WRONG_CODE });

  return db.$transaction(async (tx) => {
    const { count } = await tx.user.updateMany({
      where: { id: user.id, totpSecret: user.totpSecret, totpEnabledAt: null },
      data: { totpEnabledAt: new Date(now), totpLastStep: step },
    });
    if (count === 0)
      throw new RuleError('Two-factor sign-in was set up in another tab or session. Open the page again.');
    const codes = await replaceRecoveryCodes(tx, user.id);
    await endSessionsOf(tx, user.id, actor.sessionId);
    await audit(tx, actor, {
      action: 'two_factor.enrolled',
      summary: `${user.email} turned on two-factor sign-in`,
      targetType: 'user',
      targetId: user.id,
    });
    return codes;
  });
}

export type SignInProof = { readonly ok: false } | { readonly ok: true; readonly recoveryCodesLeft: number | null };

/**
 * The second sign-in step: a code from the app (once per time step) or an unused recovery code
 * (`recoveryCodesLeft` then says how many remain, else it is null).
 */
export async function verifySignIn(
  db: Db,
  encryptionKey: string,
  user: Pick<User, 'id' | 'email' | 'totpSecret' | 'totpEnabledAt'>,
  text: string,
  now: number,
): Promise<SignInProof> {
  if (!user.totpEnabledAt) return { ok: false };
  if (looksLikeRecoveryCode(text)) return useRecoveryCode(db, user, text);
  return (await acceptCode(db, encryptionKey, user, text, now)) ? { ok: true, recoveryCodesLeft: null } : { ok: false };
}

async function useRecoveryCode(db: Db, user: Pick<User, 'id' | 'email'>, text: string): Promise<SignInProof> {
  if (!(await spendRecoveryCode(db, user.id, text))) return { ok: false };
  const left = await recoveryCodesLeft(db, user.id);
  await audit(db, actorOf(user), {
    action: 'two_factor.recovery_code_used',
    summary: `${user.email} signed in with a recovery code (${left} left)`,
    targetType: 'user',
    targetId: user.id,
  });
  return { ok: true, recoveryCodesLeft: left };
}

/** New recovery codes for a current code from the app; the old ones stop working. */
export async function regenerateRecoveryCodes(
  db: Db,
  encryptionKey: string,
  actor: Actor,
  code: string,
  now: number,
): Promise<string[]> {
  const user = await userOrThrow(db, actor.id);
  if (!user.totpEnabledAt) throw new RuleError('Two-factor sign-in is off: there are no recovery codes to replace.');
  if (!(await acceptCode(db, encryptionKey, user, code, now))) throw new ValidationError({ code: WRONG_CODE });
  return db.$transaction(async (tx) => {
    const codes = await replaceRecoveryCodes(tx, user.id);
    await audit(tx, actor, {
      action: 'two_factor.recovery_codes_regenerated',
      summary: `${user.email} made new recovery codes`,
      targetType: 'user',
      targetId: user.id,
    });
    return codes;
  });
}

/** Turning it off takes a current code or the password: a session left open is not enough. */
export async function disableTwoFactor(
  db: Db,
  encryptionKey: string,
  actor: Actor,
  credential: string,
  now: number,
): Promise<void> {
  const user = await userOrThrow(db, actor.id);
  if (!user.totpEnabledAt) throw new RuleError('Two-factor sign-in is already off.');
  const proven =
    (normaliseCode(credential) !== null && (await acceptCode(db, encryptionKey, user, credential, now))) ||
    (await verifyPassword(credential, user.passwordHash));
  if (!proven)
    throw new ValidationError({ credential: 'That is neither a current code from the app nor your password.' });
  await db.$transaction(async (tx) => {
    await clearTwoFactor(tx, user.id);
    await endSessionsOf(tx, user.id, actor.sessionId);
    await audit(tx, actor, {
      action: 'two_factor.disabled',
      summary: `${user.email} turned off two-factor sign-in`,
      targetType: 'user',
      targetId: user.id,
    });
  });
}

/**
 * An admin turns another user's two-factor sign-in off (a lost phone, no recovery codes left). The
 * user's sessions end, as after a password reset; they sign in with the password and may set it up again.
 */
export async function resetTwoFactor(db: Db, actor: Actor, userId: number): Promise<TwoFactorUser> {
  const user = await userOrThrow(db, userId);
  if (!user.totpEnabledAt) throw new RuleError(`${user.email} does not have two-factor sign-in on.`);
  await db.$transaction(async (tx) => {
    await clearTwoFactor(tx, user.id);
    await endSessionsOf(tx, user.id, actor.id === user.id ? actor.sessionId : undefined);
    await audit(tx, actor, {
      action: 'two_factor.reset_by_admin',
      summary: `Reset two-factor sign-in of ${user.email}`,
      targetType: 'user',
      targetId: user.id,
    });
  });
  return user;
}

async function clearTwoFactor(tx: Pick<Db, 'user' | 'recoveryCode'>, userId: number): Promise<void> {
  await tx.user.update({ where: { id: userId }, data: { totpSecret: null, totpEnabledAt: null, totpLastStep: null } });
  await tx.recoveryCode.deleteMany({ where: { userId } });
}

/** What the page shows once it is on: since when, and how many recovery codes are unused. */
export async function twoFactorStatus(db: Db, userId: number): Promise<{ enabledAt: Date | null; codesLeft: number }> {
  const [user, codesLeft] = await Promise.all([
    db.user.findUnique({ where: { id: userId }, select: { totpEnabledAt: true } }),
    recoveryCodesLeft(db, userId),
  ]);
  return { enabledAt: user?.totpEnabledAt ?? null, codesLeft };
}

/** The user half-way through signing in, while the account is still active and two-factor still on. */
export async function pendingSignInUser(db: Db, userId: number) {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, active: true, totpSecret: true, totpEnabledAt: true },
  });
  return user?.active && user.totpEnabledAt ? user : null;
}
