import { Store, type SessionData } from 'express-session';
import type { Db } from '../../db/database.ts';

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
 * one SQL statement.
 */
export class PrismaStore extends Store {
  private readonly sweeper: NodeJS.Timeout;
  /**
   * When this process last wrote each session (set or touch). A touch within LAST_USED_PRECISION_MS
   * of such a write would change no row (its condition below fails: the write set lastUsedAt), so
   * it is not sent at all: a request whose session was saved before a redirect then writes it once.
   */
  private readonly writtenAt = new Map<string, number>();

  constructor(private readonly db: Db) {
    super();
    // Expired rows are also ignored on read; the sweep only keeps the table small.
    this.sweeper = setInterval(() => void this.sweep().catch(() => undefined), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    this.db.session
      .findUnique({ where: { sid }, select: { data: true, expiresAt: true } })
      .then((row) => callback(null, row && row.expiresAt > new Date() ? (JSON.parse(row.data) as SessionData) : null))
      .catch(callback);
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

function expiryOf(session: SessionData): Date {
  const expires = session.cookie?.expires;
  return expires ? new Date(expires) : new Date(Date.now() + (session.cookie?.originalMaxAge ?? 0));
}
