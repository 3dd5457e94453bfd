import { promisify } from 'node:util';
import type { Request } from 'express';
import { contextOf } from '../../context.ts';
import type { User } from '../../db/database.ts';
import { actorOf, audit } from '../../services/accounts/audit.ts';

/** How long a visitor has to enter the two-factor code after the password was accepted. */
const PENDING_SIGN_IN_MS = 5 * 60_000;

/**
 * Signs the user in: a new session id (which prevents session fixation) that records who it
 * belongs to and where it was opened, so the user can see it among their sessions.
 */
export async function openSession(req: Request, user: Pick<User, 'id' | 'email'>): Promise<void> {
  const db = contextOf(req).database.prisma;
  await promisify(req.session.regenerate.bind(req.session))();
  req.session.userId = user.id;
  req.session.openedFrom = { ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null };
  await promisify(req.session.save.bind(req.session))();
  await db.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  await audit(db, actorOf(user), { action: 'auth.login', summary: `${user.email} signed in` });
}

/**
 * The password was right and the account has two-factor sign-in on: a new session that holds only
 * "this user is half-way", for a few minutes; nothing else works in it until the code is entered.
 */
export async function beginTwoFactorStep(
  req: Request,
  user: Pick<User, 'id'>,
  next: string | undefined,
): Promise<void> {
  await promisify(req.session.regenerate.bind(req.session))();
  req.session.pendingSignIn = { userId: user.id, next, expiresAt: Date.now() + PENDING_SIGN_IN_MS };
  await promisify(req.session.save.bind(req.session))();
}
