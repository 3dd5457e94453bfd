import crypto from 'node:crypto';
import bcrypt from 'bcryptjs';

export async function hashPassword(password: string, cost: number): Promise<string> {
  return bcrypt.hash(password, cost);
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

/** A hash that never matches, compared against when the e-mail is unknown so timing gives nothing away. */
export const unusableHash = bcrypt.hashSync(crypto.randomBytes(16).toString('hex'), 4);

/** Readable one-time password for seeded admins and resets: 4 groups of 4 base32 characters. */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = crypto.randomBytes(16);
  const chars = Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
  return chars.match(/.{4}/g)!.join('-');
}
