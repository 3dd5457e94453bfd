import crypto from 'node:crypto';
import { z } from 'zod';
import type { ApiToken, Db } from '../../db/database.ts';
import { NotFoundError } from '../../errors/catalogue.ts';
import { actorOf, audit, type Actor } from './audit.ts';

/**
 * API tokens for the runs ingestion API. A token is 32 random bytes behind a recognisable `bc_`
 * prefix (so it can be spotted in a script or a secret scanner). Only its sha256 is stored: a
 * leaked database does not leak working tokens, and the token is shown to the admin exactly once.
 */
const tokenPrefix = 'bc_';
/** How much of the token is kept in clear, to tell tokens apart in the list. */
const visibleLength = tokenPrefix.length + 6;
/** lastUsedAt is a hint for admins; writing it on every call would double the API's writes. */
const lastUsedResolutionMs = 60_000;

export const tokenFormSchema = z.object({
  name: z
    .string({ error: 'Enter a name' })
    .trim()
    .min(1, 'Enter a name that says where the token is used, e.g. "Mail parser"')
    .max(100, 'Use at most 100 characters'),
});

export const hashToken = (token: string): string => crypto.createHash('sha256').update(token, 'utf8').digest('hex');

export function generateToken(): string {
  return tokenPrefix + crypto.randomBytes(32).toString('base64url');
}

/** Returns the token itself once, for the admin to copy; only its hash is kept. */
export async function createApiToken(db: Db, user: { id: number; email: string }, name: string) {
  const token = generateToken();
  const record = await db.apiToken.create({
    data: { name, tokenHash: hashToken(token), prefix: token.slice(0, visibleLength), createdById: user.id },
  });
  await audit(db, actorOf(user), {
    action: 'api_token.created',
    summary: `Created API token "${name}" (${record.prefix}…)`,
    targetType: 'api_token',
    targetId: record.id,
  });
  return { token, record };
}

export function listApiTokens(db: Db) {
  return db.apiToken.findMany({
    include: { createdBy: { select: { email: true } } },
    orderBy: [{ revokedAt: { sort: 'desc', nulls: 'first' } }, { createdAt: 'desc' }],
  });
}

export const TOKEN_MISSING = 'This API token does not exist.';

export async function revokeApiToken(db: Db, actor: Actor, id: number): Promise<ApiToken> {
  const token = await db.apiToken.findUnique({ where: { id } });
  if (!token) throw new NotFoundError(TOKEN_MISSING);
  if (token.revokedAt) return token;
  const revoked = await db.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
  await audit(db, actor, {
    action: 'api_token.revoked',
    summary: `Revoked API token "${token.name}" (${token.prefix}…)`,
    targetType: 'api_token',
    targetId: id,
  });
  return revoked;
}

/** The active token matching `token`, or null. Looked up by hash: the stored value is never compared in clear. */
export async function findActiveToken(db: Db, token: string, now = new Date()): Promise<ApiToken | null> {
  if (!token.startsWith(tokenPrefix) || token.length > 200) return null;
  const record = await db.apiToken.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!record || record.revokedAt) return null;
  if (!record.lastUsedAt || now.getTime() - record.lastUsedAt.getTime() > lastUsedResolutionMs) {
    await db.apiToken.update({ where: { id: record.id }, data: { lastUsedAt: now } });
  }
  return record;
}
