import crypto from 'node:crypto';
import type { Db } from '../../db/database.ts';

/** One of a user's sessions as the user sees it; `handle` names it in forms without revealing its id. */
export interface SessionSummary {
  readonly handle: string;
  readonly current: boolean;
  readonly createdAt: Date;
  readonly lastUsedAt: Date;
  readonly ip: string | null;
  readonly userAgent: string | null;
}

/** A session id is a bearer credential: pages and forms carry a digest of it, never the id. */
export const sessionHandle = (sid: string): string =>
  crypto.createHash('sha256').update(sid).digest('hex').slice(0, 20);

/** The user's sessions that have not expired, the current one first, then the most recently used. */
export async function listSessionsOf(db: Db, userId: number, currentSid: string): Promise<SessionSummary[]> {
  const rows = await db.session.findMany({
    where: { userId, expiresAt: { gt: new Date() } },
    select: { sid: true, createdAt: true, lastUsedAt: true, ip: true, userAgent: true },
    orderBy: { lastUsedAt: 'desc' },
  });
  return rows
    .map(({ sid, ...row }) => ({ ...row, handle: sessionHandle(sid), current: sid === currentSid }))
    .sort((a, b) => Number(b.current) - Number(a.current));
}

/**
 * Ends a user's sessions (their next request finds no session and is sent to sign in), except the
 * one named by `keep`: someone who changes their own password or role stays signed in where they
 * did it. Returns how many ended.
 */
export async function endSessionsOf(db: Pick<Db, 'session'>, userId: number, keep?: string): Promise<number> {
  const { count } = await db.session.deleteMany({ where: { userId, ...(keep ? { sid: { not: keep } } : {}) } });
  return count;
}
