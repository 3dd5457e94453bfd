import crypto from 'node:crypto';
import type { Db } from '../../db/database.ts';

/** How many codes a user gets at a time. */
export const RECOVERY_CODE_COUNT = 10;
/** No 0/o, 1/l/i: the codes are read off paper and typed by hand. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const GROUPS = 3;
const GROUP_LENGTH = 4;

/** One code such as `k7mp-x2qa-9rtd`: 12 characters of 31, about 59 bits. */
function newCode(): string {
  const groups = Array.from({ length: GROUPS }, () =>
    Array.from({ length: GROUP_LENGTH }, () => ALPHABET[crypto.randomInt(ALPHABET.length)]).join(''),
  );
  return groups.join('-');
}

/**
 * What is hashed: the code without case, spaces or dashes, so `K7MP X2QA 9RTD` is the same code.
 * The codes are random and long, so a plain SHA-256 is enough (see prisma/schema.prisma).
 */
function hashOf(code: string): string {
  const canonical = code.toLowerCase().replace(/[^a-z0-9]/g, '');
  return crypto.createHash('sha256').update(canonical).digest('hex');
}

/** Whether the text looks like a recovery code rather than a six-digit code from the app. */
export function looksLikeRecoveryCode(text: string): boolean {
  return text.toLowerCase().replace(/[^a-z0-9]/g, '').length === GROUPS * GROUP_LENGTH;
}

/** Replaces the user's codes with new ones (the old ones stop working) and returns them, the only time they are seen. */
export async function replaceRecoveryCodes(db: Pick<Db, 'recoveryCode'>, userId: number): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
  await db.recoveryCode.deleteMany({ where: { userId } });
  await db.recoveryCode.createMany({ data: codes.map((code) => ({ userId, codeHash: hashOf(code) })) });
  return codes;
}

/**
 * Uses a code up. The update only matches an unused code, so a code works once even when two
 * requests carry it at the same moment.
 */
export async function spendRecoveryCode(db: Pick<Db, 'recoveryCode'>, userId: number, code: string): Promise<boolean> {
  const { count } = await db.recoveryCode.updateMany({
    where: { userId, codeHash: hashOf(code), usedAt: null },
    data: { usedAt: new Date() },
  });
  return count > 0;
}

export function recoveryCodesLeft(db: Pick<Db, 'recoveryCode'>, userId: number): Promise<number> {
  return db.recoveryCode.count({ where: { userId, usedAt: null } });
}
