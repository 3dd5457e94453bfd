import { Secret, TOTP } from 'otpauth';
import type { Db } from '../../db/database.ts';
import { RuleError } from '../../errors/catalogue.ts';
import { decryptSecret, encryptSecret, SecretDecryptError } from '../../shared/secret-box.ts';

/** The name authenticator apps show above the code. */
const ISSUER = 'Backupchecks';
/** The step before and after the current one count too: phone clocks drift and people type slowly. */
const WINDOW = 1;
/** 160 bits, the size RFC 4226 recommends and every authenticator app accepts. */
const SECRET_BYTES = 20;

/** A new shared secret, in the base32 form authenticator apps take. */
export function newSecret(): string {
  return new Secret({ size: SECRET_BYTES }).base32;
}

function totpOf(secretBase32: string, email: string): TOTP {
  // Six digits, 30-second steps and SHA-1: the defaults, and the only settings every app honours.
  return new TOTP({ issuer: ISSUER, label: email, secret: Secret.fromBase32(secretBase32) });
}

/** The otpauth:// address the QR code carries: the app learns the secret, the issuer and the account. */
export function otpauthUri(secretBase32: string, email: string): string {
  return totpOf(secretBase32, email).toString();
}

/** The secret as stored in `User.totpSecret`: encrypted with the app key, like the Autotask secret. */
export function sealSecret(secretBase32: string, encryptionKey: string): string {
  return encryptSecret(secretBase32, encryptionKey);
}

/**
 * The stored secret in the clear. A secret sealed under another APP_ENCRYPTION_KEY cannot be read:
 * the sentence says what still works (recovery codes, an admin's reset), not the Autotask wording
 * of src/shared/secret-box.ts.
 */
export function openSecret(stored: string, encryptionKey: string): string {
  try {
    return decryptSecret(stored, encryptionKey);
  } catch (e) {
    if (!(e instanceof SecretDecryptError)) throw e;
    throw new RuleError(
      'Your two-factor secret cannot be read with the current APP_ENCRYPTION_KEY. Use a recovery code, or ask an admin to reset two-factor sign-in.',
    );
  }
}

/** Codes are typed with spaces at times ("123 456"); anything but six digits is not a code. */
export function normaliseCode(code: string): string | null {
  const digits = code.replace(/\s+/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
}

/** The time step the code was made for, or null when it matches no step in the window around `now`. */
export function stepOf(secretBase32: string, code: string, now: number): number | null {
  const token = normaliseCode(code);
  if (!token) return null;
  const totp = totpOf(secretBase32, '');
  const delta = totp.validate({ token, timestamp: now, window: WINDOW });
  return delta === null ? null : totp.counter({ timestamp: now }) + delta;
}

/**
 * Accepts a step once. The update only matches while the stored step is older and the secret is
 * still the one the code was checked against, so of two requests with the same code (a replay, or
 * a double submit) PostgreSQL lets exactly one through: the second re-reads the row after the first
 * commits and no longer matches.
 */
async function claimStep(db: Pick<Db, 'user'>, userId: number, sealed: string, step: number): Promise<boolean> {
  const { count } = await db.user.updateMany({
    where: { id: userId, totpSecret: sealed, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] },
    data: { totpLastStep: step },
  });
  return count === 1;
}

export interface TotpHolder {
  readonly id: number;
  readonly totpSecret: string | null;
}

/** Checks a code against the user's secret and uses it up: true once per step, false for a wrong or replayed code. */
export async function acceptCode(
  db: Pick<Db, 'user'>,
  encryptionKey: string,
  user: TotpHolder,
  code: string,
  now: number,
): Promise<boolean> {
  if (!user.totpSecret) return false;
  const step = stepOf(openSecret(user.totpSecret, encryptionKey), code, now);
  return step !== null && claimStep(db, user.id, user.totpSecret, step);
}
