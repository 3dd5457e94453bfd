import type { Request } from 'express';
import { Store, type Session, type SessionData } from 'express-session';
import type { Db, Role } from '../../db/database.ts';
import { twoFactorPendingSql } from './security-settings.ts';

/** Where a session was opened, shown to its user in the list of their sessions. */
export interface OpenedFrom {
  readonly ip: string | null;
  readonly userAgent: string | null;
}

declare module 'express-session' {
  interface SessionData {
    /** Set at sign-in with `userId`; both are copied to the Session row's columns. */
    openedFrom?: OpenedFrom;
  }
}

/**
 * The user a session belongs to, read in the same statement as the session, with what every
 * request checks about them: whether they are still active (src/middleware/auth.ts) and whether
 * an admin among them must set up two-factor sign-in first (src/middleware/two-factor-required.ts).
 */
export interface SessionOwner {
  readonly id: number;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly active: boolean;
  readonly mustSetUpTwoFactor: boolean;
}

interface SessionRow {
  data: string;
  expiresAt: Date;
  id: number | null;
  email: string | null;
  name: string | null;
  role: Role | null;
  active: boolean | null;
  mustSetUpTwoFactor: boolean | null;
}

/** Per request: the owner read with its session (null: a session of nobody). */
const ownerOfRequest = new WeakMap<Request, SessionOwner | null>();

/**
 * The owner of the session this request arrived with, as read together with it; undefined when
 * the request's session was not read from the store (a new one, or none).
 */
export function sessionOwnerOf(req: Request): SessionOwner | null | undefined {
  return ownerOfRequest.get(req);
}

/** Writing "last used" more often than this adds a write per request and tells the user nothing more. */
const LAST_USED_PRECISION_MS = 60_000;
const SWEEP_INTERVAL_MS = 10 * 60_000;
/** Sessions whose last write this process remembers before it drops the old entries. */
const MAX_REMEMBERED_WRITES = 10_000;
/** Inputs longer than these are cut: they are shown, never used to decide anything. */
const MAX_USER_AGENT = 300;
const MAX_IP = 64;

/**
 * express-session's store in PostgreSQL. Written here rather than taken from a library because the
 * owner of a session must be a column: ending a user's sessions on a password reset, a role change
 * or a deactivation, and listing them on the account page, are queries by user. Every operation is
 * one SQL statement; reading a session also reads its owner (`sessionOwnerOf`), so a signed-in
 * page starts with one statement instead of one for the session and one for the user.
 */
export class PrismaStore extends Store {
  private readonly sweeper: NodeJS.Timeout;
  /**
   * When this process last wrote each session (set or touch). A touch within LAST_USED_PRECISION_MS
   * of such a write would change no row (its condition below fails: the write set lastUsedAt), so
   * it is not sent at all: a request whose session was saved before a redirect then writes it once.
   */
  private readonly writtenAt = new Map<string, number>();
  /** From a session's data, as `get` hands it to express-session, to its owner (see createSession). */
  private readonly owners = new WeakMap<SessionData, SessionOwner | null>();

  constructor(private readonly db: Db) {
    super();
    // Expired rows are also ignored on read; the sweep only keeps the table small.
    this.sweeper = setInterval(() => void this.sweep().catch(() => undefined), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    this.db.$queryRaw<SessionRow[]>`
      SELECT s.data, s."expiresAt", u.id, u.email, u.name, u.role::text AS role, u.active,
             ${twoFactorPendingSql('u')} AS "mustSetUpTwoFactor"
      FROM "Session" s LEFT JOIN "User" u ON u.id = s."userId"
      WHERE s.sid = ${sid}`
      .then(([row]) => {
        if (!row || row.expiresAt <= new Date()) return callback(null, null);
        const session = JSON.parse(row.data) as SessionData;
        this.owners.set(session, ownerOf(row));
        callback(null, session);
      })
      .catch(callback);
  }

  /**
   * express-session turns what `get` answered into the request's session here, with the request
   * at hand: the owner read with it is noted for that request.
   */
  override createSession(req: Request, session: SessionData): Session & SessionData {
    const owner = this.owners.get(session);
    const created = super.createSession(req, session);
    if (owner !== undefined) ownerOfRequest.set(req, owner);
    return created;
  }

  override set(sid: string, session: SessionData, callback?: (err?: unknown) => void): void {
    const columns = {
      data: JSON.stringify(session),
      expiresAt: expiryOf(session),
      lastUsedAt: new Date(),
      userId: session.userId ?? null,
      ip: session.openedFrom?.ip?.slice(0, MAX_IP) ?? null,
      userAgent: session.openedFrom?.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
    };
    this.db.session
      .upsert({ where: { sid }, create: { id: sid, sid, ...columns }, update: columns })
      .then(() => this.noteWrite(sid, columns.lastUsedAt))
      .then(() => callback?.())
      .catch((err: unknown) => callback?.(err));
  }

  /** A request on an unchanged session: extend it (the cookie rolls) and note when it was last used. */
  override touch(sid: string, session: SessionData, callback?: (err?: unknown) => void): void {
    const now = new Date();
    const written = this.writtenAt.get(sid);
    if (written !== undefined && now.getTime() - written < LAST_USED_PRECISION_MS) {
      callback?.();
      return;
    }
    this.db.session
      .updateMany({
        where: { sid, lastUsedAt: { lt: new Date(now.getTime() - LAST_USED_PRECISION_MS) } },
        data: { expiresAt: expiryOf(session), lastUsedAt: now },
      })
      .then(({ count }) => {
        if (count === 1) this.noteWrite(sid, now);
      })
      .then(() => callback?.())
      .catch((err: unknown) => callback?.(err));
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.writtenAt.delete(sid);
    this.db.session
      .deleteMany({ where: { sid } })
      .then(() => callback?.())
      .catch((err: unknown) => callback?.(err));
  }

  private noteWrite(sid: string, at: Date): void {
    // Bounded: entries older than the precision decide nothing and are dropped once it grows.
    if (this.writtenAt.size >= MAX_REMEMBERED_WRITES) this.forgetOldWrites(at.getTime());
    this.writtenAt.set(sid, at.getTime());
  }

  private forgetOldWrites(now: number): void {
    for (const [sid, at] of this.writtenAt) if (now - at >= LAST_USED_PRECISION_MS) this.writtenAt.delete(sid);
  }

  async sweep(): Promise<number> {
    this.forgetOldWrites(Date.now());
    const { count } = await this.db.session.deleteMany({ where: { expiresAt: { lt: new Date() } } });
    return count;
  }

  shutdown(): void {
    clearInterval(this.sweeper);
  }
}

function ownerOf(row: SessionRow): SessionOwner | null {
  if (row.id === null) return null;
  return {
    id: row.id,
    email: row.email!,
    name: row.name!,
    role: row.role!,
    active: row.active!,
    mustSetUpTwoFactor: row.mustSetUpTwoFactor === true,
  };
}

function expiryOf(session: SessionData): Date {
  const expires = session.cookie?.expires;
  return expires ? new Date(expires) : new Date(Date.now() + (session.cookie?.originalMaxAge ?? 0));
}
